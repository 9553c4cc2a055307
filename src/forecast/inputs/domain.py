"""The checked, immutable picture of a workspace that the engine computes with."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from forecast.base.fingerprint import Digests


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    description: str
    states: tuple[str, ...]
    state_labels: tuple[str, ...]
    baseline: str
    parents: tuple[str, ...]

    def index(self, state: str) -> int:
        return self.states.index(state)


@dataclass(frozen=True)
class ColumnKey:
    """A CPT column by the parent states that differ from baseline (empty: the base column)."""

    node: str
    moved: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        if not self.moved:
            return f"{self.node} | baseline"
        return f"{self.node} | " + ", ".join(f"{p}={s}" for p, s in self.moved)


@dataclass(frozen=True)
class Network:
    """Nodes in topological order (parents before children)."""

    nodes: tuple[Node, ...]
    outcome: str

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    def at_baseline(self, conditions: Conditions) -> Conditions:
        """The same conditions with every named node at its baseline state."""

        def baseline(pairs: Pairs) -> Pairs:
            return tuple((n, self.node(n).baseline) for n, _ in pairs)

        return Conditions(baseline(conditions.given), baseline(conditions.do))

    def parameter_columns(self) -> tuple[ColumnKey, ...]:
        """Columns that claims or assumptions must cover: base plus one per moved parent state."""
        keys: list[ColumnKey] = []
        for node in self.nodes:
            keys.append(ColumnKey(node.id))
            for parent_id in node.parents:
                parent = self.node(parent_id)
                keys.extend(
                    ColumnKey(node.id, ((parent_id, s),))
                    for s in parent.states
                    if s != parent.baseline
                )
        return tuple(keys)


StatementKind = Literal["claim", "assumption", "forecast"]
Direction = Literal["raises", "lowers", "no_change"]
Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Conditions:
    """Observed (`given`) and forced (`do`) nodes, as sorted (node, state) pairs."""

    given: Pairs = ()
    do: Pairs = ()

    def label(self) -> str:
        parts = [f"{n}={s}" for n, s in self.given] + [f"do({n}={s})" for n, s in self.do]
        return ", ".join(parts)


@dataclass(frozen=True)
class Statement:
    """A claim or an analyst assumption: a level or a push on P(node=state | conditions).

    A column statement (`column` set) conditions on exactly the node's parents; any other
    is a query statement. A relative statement (`direction` set) is a push: `low` and
    `high` are then odds ratios against `reference`; otherwise they are probabilities.
    """

    id: str
    kind: StatementKind
    source_id: str | None
    node: str
    state: str
    conditions: Conditions
    column: ColumnKey | None
    low: float
    high: float
    stated: str
    weight: float
    credibility: int | None
    quote: str
    note: str
    retraction: str | None = None  # "DATE: reason" when the claim or its source is retracted
    direction: Direction | None = None
    reference: Conditions | None = None
    reader: str | None = None
    location: str = ""  # "path:line:column" of the statement, for messages after the fit
    context: tuple[str, str] = ("", "")  # the source's words just before and after the quote
    # the source's age in half-lives on the first and last day its date may be (equal when
    # the date is known to the day); `weight` holds the recency at the midpoint
    ages: tuple[float, float] = (0.0, 0.0)

    @property
    def retracted(self) -> bool:
        return self.retraction is not None

    @property
    def cited(self) -> bool:
        return self.kind != "assumption"

    @property
    def relative(self) -> bool:
        return self.direction is not None

    @property
    def given(self) -> dict[str, str]:
        return dict(self.conditions.given)

    @property
    def do(self) -> dict[str, str]:
        return dict(self.conditions.do)

    def key(self) -> ColumnKey:
        """The column of a column statement (ValueError for a query statement)."""
        if self.column is None:
            raise ValueError(f"{self.id} is a query claim, not a column claim")
        return self.column

    def touches(self, key: ColumnKey) -> bool:
        """Whether this statement speaks to a parameter column: a column statement on it, or a
        query on its node that puts the column's moved parents in their states (any query
        on the node, for the base column)."""
        if self.node != key.node:
            return False
        if self.column is not None:
            return self.column == key
        named = {**self.given, **self.do}
        return all(named.get(p) == state for p, state in key.moved)

    def target_label(self) -> str:
        """'node | conditions' for a query statement, the column's label for a column one."""
        if self.column is not None:
            return self.column.label()
        where = self.conditions.label()
        return f"{self.node} | {where}" if where else f"{self.node} (marginal)"


@dataclass(frozen=True)
class Period:
    """A date known to a day, a month or a year: the days it may be, first to last."""

    text: str  # as written: YYYY-MM-DD, YYYY-MM or YYYY
    first: dt.date
    last: dt.date

    @property
    def midpoint(self) -> dt.date:
        return self.first + (self.last - self.first) / 2

    @property
    def exact(self) -> bool:
        return self.first == self.last


def period_of(text: str) -> Period:
    """The period a partial date (YYYY-MM-DD, YYYY-MM or YYYY, already checked) covers."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return Period(text, day, day)
    if len(parts) == 2:
        year, month = parts
        after = dt.date(year + month // 12, month % 12 + 1, 1)
        return Period(text, dt.date(year, month, 1), after - dt.timedelta(days=1))
    return Period(text, dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31))


@dataclass(frozen=True)
class Horizon:
    date: dt.date
    label: str
    reason: str


@dataclass(frozen=True)
class Settings:
    """How claims become numbers, and the sizes checked before anything is computed."""

    yardstick: str
    pooling: Literal["logarithmic", "linear", "extremized"]
    extremizing: float  # the extremized pool's factor on the pooled log-odds
    half_life_years: float
    assumptions: Literal["compete", "give_way"]
    memory_mb: int
    # what a source's whole-question forecast is held against (`fitting.frames`)
    forecasts_against: Literal["source_date", "today"] = "source_date"


@dataclass(frozen=True)
class Reader:
    id: str
    role: str
    read_on: dt.date


@dataclass(frozen=True)
class EdgeCase:
    """A situation a judge could meet at the horizon, and the states it resolves to."""

    case: str
    resolves: tuple[tuple[str, str], ...]
    reason: str


@dataclass(frozen=True)
class ModelFacts:
    """What the model file says besides the network: the question, its dates and settings,
    and how a judge resolves its states."""

    question: str
    as_of: dt.date
    horizon: Horizon
    settings: Settings
    precedence: tuple[tuple[str, tuple[str, ...]], ...]  # node -> states, first wins
    definitions: tuple[tuple[str, str], ...]  # term -> meaning
    edge_cases: tuple[EdgeCase, ...]
    readers: tuple[Reader, ...]


@dataclass(frozen=True)
class Retraction:
    date: dt.date
    reason: str


@dataclass(frozen=True)
class SourceFacts:
    """What is known about a source: who wrote it, when, and how reliable it is."""

    title: str
    author: str
    publisher: str
    date: Period
    date_basis: str  # stated or inferred
    kind: str
    grade: str  # Admiralty reliability, A to F
    rationale: str
    retracted: Retraction | None


@dataclass(frozen=True)
class Source:
    id: str
    meta: SourceFacts
    file: str
    weight: float
    published: dt.date


@dataclass(frozen=True)
class Observation:
    """A node seen in a state (`seen`: when), reported by a text the quote comes from."""

    id: str
    node: str
    state: str
    seen: Period
    reader: str
    quote: str
    note: str
    text: str  # the reporting text's workspace-relative path
    location: str  # "path:line:column" of the record
    retraction: str | None = None

    @property
    def retracted(self) -> bool:
        return self.retraction is not None


def with_observations(
    observed: Mapping[str, str], given: Mapping[str, str], do: Mapping[str, str]
) -> dict[str, str]:
    """A question's observed nodes with what was seen added, except on the nodes the
    question itself fixes (a what-if overrides an observation)."""
    fixed = set(given) | set(do)
    return {**{n: s for n, s in observed.items() if n not in fixed}, **given}


@dataclass(frozen=True)
class Resolution:
    """A question (a node) resolved in a state on a date."""

    node: str
    state: str
    resolved_on: dt.date
    quote: str
    location: str  # "path:line:column" of the record


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    narrative: str
    given: Mapping[str, str]
    do: Mapping[str, str]


@dataclass(frozen=True)
class Study:
    """Everything needed to compute and explain the forecast."""

    model: ModelFacts
    network: Network
    sources: tuple[Source, ...]
    statements: tuple[Statement, ...]
    scenarios: tuple[Scenario, ...]
    warnings: tuple[str, ...] = field(default=())
    resample_readers: bool = True  # the draws' bootstrap over each source's readers
    observations: tuple[Observation, ...] = ()  # conditioned on, never fitted
    files: Digests = ()  # every input file and the digest of the bytes read (`fingerprint`)
    # analyst assumptions weigh their grading weight times this: the mean recency of the
    # live cited claims, so that they age with the evidence around them (`asof`)
    assumption_scale: float = 1.0
    # assumptions that gave way to claims (settings.assumptions: give_way), kept so that a
    # study of an earlier date, when no claim covered their column yet, can use them again
    held_back: tuple[Statement, ...] = ()

    def with_settings(self, settings: Settings) -> Study:
        """The same study computed with other settings."""
        return dataclasses.replace(self, model=dataclasses.replace(self.model, settings=settings))

    def observed(self) -> dict[str, str]:
        """Node to state for every unretracted observation: what the forecast is given."""
        return {o.node: o.state for o in self.observations if not o.retracted}

    def given_for(self, given: Mapping[str, str], do: Mapping[str, str]) -> dict[str, str]:
        """A question's observed nodes with the observations added (`with_observations`)."""
        return with_observations(self.observed(), given, do)

    def baseline_scenario(self) -> Scenario | None:
        """The scenario that observes and forces nothing, if the study has one."""
        return next((sc for sc in self.scenarios if not sc.given and not sc.do), None)

    def readers(self) -> tuple[str, ...]:
        """The readers whose active claims the study holds, sorted."""
        return tuple(sorted({s.reader for s in self.active() if s.reader is not None}))

    def active(self) -> tuple[Statement, ...]:
        """Every statement the fit uses: unretracted claims and assumptions in use."""
        return tuple(s for s in self.statements if not s.retracted)

    def parameters(self) -> tuple[Statement, ...]:
        """Active column statements: claims and assumptions on one column of a table."""
        return tuple(s for s in self.active() if s.column is not None)

    def queries(self) -> tuple[Statement, ...]:
        """Active query statements: marginals, scenario forecasts and pushes."""
        return tuple(s for s in self.active() if s.column is None)

    def forecasts(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind == "forecast" and not s.retracted)

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
