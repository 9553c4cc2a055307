"""Strict, frozen models of the input files: model, evidence, observations and scenarios.

These check shape only (types, required keys, no unknown keys); cross-references between
files (does that node exist? is that quote in its source?) are checked in `checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
IDENTIFIER_MAX = 80
Identifier = Annotated[
    str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=IDENTIFIER_MAX)
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


def _parse_probability(value: object) -> str | float | tuple[float, float]:
    """A phrase, a number in [0, 1], or a range [low, high] with low <= high."""
    if isinstance(value, bool):
        raise ValueError("expected a phrase, a number or a range [low, high], not true/false")
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("the probability phrase is empty")
        return " ".join(value.split())
    if isinstance(value, int | float):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"probability {value} is outside [0, 1]")
        return float(value)
    if isinstance(value, list | tuple):
        if len(value) != 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise ValueError("a range is two numbers: [low, high]")
        low, high = float(value[0]), float(value[1])
        if not (0.0 <= low <= 1.0 and 0.0 <= high <= 1.0):
            raise ValueError(f"range [{low}, {high}] goes outside [0, 1]")
        if low > high:
            raise ValueError(f"range [{low}, {high}] is upside down")
        return (low, high)
    raise ValueError("expected a phrase, a number or a range [low, high]")


ProbabilitySpec = Annotated[
    str | float | tuple[float, float],
    PlainValidator(_parse_probability),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "description": "a phrase from the yardstick"},
                {"type": "number", "minimum": 0, "maximum": 1},
                {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0, "maximum": 1},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        }
    ),
]


PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _parse_partial_date(value: object) -> str:
    """A date as precisely as it is known: YYYY-MM-DD, YYYY-MM or YYYY (YAML reads a full
    date as a date and a bare year as a number; both are taken)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not re.fullmatch(PARTIAL_DATE, value.strip()):
        raise PydanticCustomError("date_partial", "not a date")
    text = value.strip()
    year, month, day = ([*map(int, text.split("-")), 1, 1])[:3]
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise PydanticCustomError(
            "date_partial", "not a calendar date ({reason})", {"reason": str(exc)}
        ) from None
    return text


PartialDate = Annotated[
    str,
    PlainValidator(_parse_partial_date),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "pattern": PARTIAL_DATE},
                {"type": "integer", "description": "a year alone"},
            ],
            "description": "YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known",
        }
    ),
]


class Frozen(BaseModel):
    """Base for every input model: unknown keys are errors and objects never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StateSpec(Frozen):
    id: Identifier
    label: Text
    criterion: Text = Field(description="How a third party decides at the horizon")


class NodeSpec(Frozen):
    id: Identifier
    label: Text
    kind: Literal["driver", "intermediate", "outcome", "indicator"] = Field(
        description="indicator: an observable signpost of its parents, which nothing depends on"
    )
    description: Text
    baseline: Identifier = Field(description="The reference state: 'nothing happened'")
    parents: tuple[Identifier, ...] = ()
    states: tuple[StateSpec, ...] = Field(min_length=2)
    precedence: tuple[Identifier, ...] = Field(
        default=(),
        description="Every state once, in the order a judge tries them: the first that holds"
        " wins where two could hold at once (required on the outcome node)",
    )

    def state_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.states)


class Horizon(Frozen):
    date: dt.date
    label: Text
    reason: Text


class Limits(Frozen):
    """Sizes checked before anything is computed (see README, "Limits")."""

    table_cells: int = Field(
        default=1_000_000,
        gt=0,
        strict=True,
        description="Most cells one conditional table may have (parent combinations x states)",
    )
    memory_mb: int = Field(
        default=1024,
        gt=0,
        strict=True,
        description="Memory the draws may use, in MB; larger runs are processed in chunks",
    )
    explorer_rows: int = Field(
        default=5000,
        gt=0,
        strict=True,
        description="Most rows of the what-if explorer (each driver unknown or in a state, "
        "times each signpost's states one at a time)",
    )


class Settings(Frozen):
    yardstick: Literal["icd203", "phia"] = "icd203"
    pooling: Literal["logarithmic", "linear", "extremized"] = Field(
        default="logarithmic",
        description="How claims on one column are pooled: weighted geometric mean "
        "(logarithmic), arithmetic mean (linear), or the logarithmic pool with its log-odds "
        "scaled by `extremizing`",
    )
    extremizing: float = Field(
        default=1.5,
        ge=1.0,
        strict=False,
        description="The factor on the pooled log-odds of the extremized pool (1: none); "
        "see Baron et al. 2014 and Satopaa et al. 2014 in the README",
    )
    half_life_years: float = Field(default=3.0, gt=0.0, strict=True)
    assumptions: Literal["compete", "give_way"] = Field(
        default="compete",
        description="compete: assumptions stay in the fit as weak claims; give_way: an "
        "assumption is dropped once a claim covers its column",
    )
    forecasts_against: Literal["source_date", "today"] = Field(
        default="source_date",
        description="source_date: a source's forecast of the whole question is held against "
        "the driver priors the model had at the source's publication date (the world the "
        "source saw); today: against the driver priors of the model's as-of date",
    )
    limits: Limits = Limits()


Conditions = dict[Identifier, Identifier]


class About(Frozen):
    """The probability a statement is about: P(node=state | given, do(...)).

    Conditions naming exactly the node's parents make a column claim; any other
    conditions (none: the node's marginal) make a query claim.
    """

    node: Identifier
    state: Identifier
    given: Conditions = Field(default_factory=dict, description="Observed nodes and states")
    do: Conditions = Field(default_factory=dict, description="Forced nodes and states")


class Reference(Frozen):
    """The condition a relative claim compares against."""

    given: Conditions = Field(default_factory=dict)
    do: Conditions = Field(default_factory=dict)


def _parse_odds_ratio(value: object) -> str | tuple[float, float]:
    """A word from the relative scale, or an odds-ratio range [low, high] with 0 < low <= high."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("the size is empty")
        return " ".join(value.split())
    if isinstance(value, list | tuple):
        if len(value) != 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise ValueError("an odds-ratio range is two numbers: [low, high]")
        low, high = float(value[0]), float(value[1])
        if not (0.0 < low <= high < float("inf")):
            raise ValueError(f"odds-ratio range [{low}, {high}] needs 0 < low <= high")
        return (low, high)
    raise ValueError("expected a word from the relative scale or an odds-ratio range [low, high]")


SizeSpec = Annotated[
    str | tuple[float, float],
    PlainValidator(_parse_odds_ratio),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "description": "a word from the relative scale"},
                {
                    "type": "array",
                    "items": {"type": "number", "exclusiveMinimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        }
    ),
]


class ReaderSpec(Frozen):
    id: Identifier
    role: Text = Field(description="A name or role: who mapped the texts to claims")
    read_on: dt.date = Field(description="When the reading was made")
    note: Text | None = None


class Definition(Frozen):
    term: Text = Field(description="A phrase used in some state's criterion")
    meaning: Text


class EdgeCase(Frozen):
    case: Text = Field(description="A situation a judge could meet at the horizon")
    resolves: Conditions = Field(description="How it resolves: node and state")
    reason: Text


class Assumption(Frozen):
    id: Identifier
    about: About
    probability: ProbabilitySpec
    rationale: Text


class ModelFile(Frozen):
    question: Text
    as_of: dt.date = Field(description="Date at which source recency is judged")
    horizon: Horizon
    outcome: Identifier
    settings: Settings = Settings()
    nodes: tuple[NodeSpec, ...] = Field(min_length=1)
    definitions: tuple[Definition, ...] = ()
    edge_cases: tuple[EdgeCase, ...] = ()
    readers: tuple[ReaderSpec, ...] = Field(
        default=(), description="Who read the sources; once declared, every claim names one"
    )
    assumptions: tuple[Assumption, ...] = ()


class Fact(Frozen):
    value: Text
    basis: Literal["stated", "inferred"]
    note: Text | None = None


class DateFact(Frozen):
    value: PartialDate
    basis: Literal["stated", "inferred"]
    note: Text | None = None


class Reliability(Frozen):
    grade: Literal["A", "B", "C", "D", "E", "F"]
    rationale: Text


class TextRef(Frozen):
    path: Text
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Retraction(Frozen):
    date: dt.date
    reason: Text


class SourceMeta(Frozen):
    id: Identifier
    title: Fact
    author: Fact
    publisher: Fact
    date: DateFact
    kind: Text
    reliability: Reliability
    text: TextRef
    retracted: Retraction | None = None


class Claim(Frozen):
    """A level (`probability`) or a push (`direction` and `size` against `reference`)."""

    id: Identifier
    kind: Literal["parameter", "forecast"] = "parameter"
    about: About
    probability: ProbabilitySpec | None = Field(
        default=None, description="A level: number, range or yardstick phrase"
    )
    direction: Literal["raises", "lowers", "no_change"] | None = Field(
        default=None, description="A push: which way the conditions move the odds of the state"
    )
    size: SizeSpec | None = Field(
        default=None, description="A push's size: odds-ratio range or relative-scale word"
    )
    reference: Reference | None = Field(
        default=None,
        description="What a push compares against (default: the conditions at baseline)",
    )
    reader: Identifier | None = Field(
        default=None, description="Who read the source and made this claim"
    )
    credibility: int = Field(ge=1, le=6, strict=True)
    quote: Text
    note: Text
    retracted: Retraction | None = None


class EvidenceFile(Frozen):
    source: SourceMeta
    claims: tuple[Claim, ...] = ()


class ObservationSpec(Frozen):
    """An indicator (or a driver) seen in a state: evidence to condition on, never fitted."""

    id: Identifier
    node: Identifier
    state: Identifier
    seen: PartialDate = Field(description="When it was seen: the day, or the month or year")
    text: TextRef = Field(description="The text that reports it, with its SHA-256")
    quote: Text = Field(description="The words of that text that report it, verbatim")
    reader: Identifier = Field(description="Who read the text and recorded the observation")
    note: Text
    retracted: Retraction | None = None


class ObservationsFile(Frozen):
    observations: tuple[ObservationSpec, ...] = ()


class ResolutionSpec(Frozen):
    """How a question (the outcome, a driver or a signpost) resolved, and where it says so."""

    node: Identifier
    state: Identifier
    resolved_on: dt.date = Field(description="When it resolved")
    text: TextRef = Field(description="The text that reports it, with its SHA-256")
    quote: Text = Field(description="The words of that text that report it, verbatim")
    reader: Identifier = Field(description="Who read the text and recorded the resolution")
    note: Text


class ResolutionsFile(Frozen):
    resolutions: tuple[ResolutionSpec, ...] = ()


class ScenarioFile(Frozen):
    id: Identifier
    title: Text
    narrative: Text
    given: dict[Identifier, Identifier] = Field(default_factory=dict)
    do: dict[Identifier, Identifier] = Field(default_factory=dict)
