"""The shape of one published entry of the ledger (ledger/forecasts.jsonl), as
`analysis.ledger.ledger_entry` writes it.

Every key the writer writes is required and no other is allowed, except in the mappings
whose keys are the model's own nodes and states (`observed`, `given`, `do`, `outcome`,
`questions`). Dates are real ISO dates (YYYY-MM-DD), an entry is published no later than
today, every probability is a finite number in [0, 1], and each distribution's means add
up to 1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from forecast.inputs.filemodels import Identifier

ZERO_HASH = "0" * 64  # the "prev" of the first entry
SUM_TOLERANCE = 1e-6  # how far a distribution's means may add up from 1
SHOWN_INPUT = 40  # characters of a refused value quoted in a message

S = TypeVar("S", bound="Summary")


def _real_date(value: str) -> str:
    """A YYYY-MM-DD text that names a day of the calendar."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", "not a real date") from None
    return value


def _not_after_today(value: str) -> str:
    if dt.date.fromisoformat(value) > dt.date.today():
        raise PydanticCustomError("date_future", "after today")
    return value


IsoDate = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}$"),
    AfterValidator(_real_date),
]
Probability = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Hash = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9a-f]{64}$")]
Commit = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9a-f]{40}([0-9a-f]{24})?$")]
Count = Annotated[int, Field(strict=True, ge=0)]


def _sums_to_one(states: Mapping[str, S]) -> Mapping[str, S]:
    """Refuse a distribution whose means do not add up to 1."""
    total = math.fsum(s.mean for s in states.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise PydanticCustomError(
            "means_sum",
            "the means of its states add up to {total}, not 1",
            {"total": round(total, 10)},
        )
    return states


class Ledgered(BaseModel):
    """Base of the entry's parts: only the keys the writer writes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Summary(Ledgered):
    """One state of a question: the point-network value and the draws' mean and interval."""

    point: Probability
    mean: Probability
    p05: Probability
    p95: Probability


class OutcomeSummary(Summary):
    """One outcome state of a scenario, with the Monte Carlo errors of the interval's ends."""

    p05_error: NonNegative
    p95_error: NonNegative


Question = Annotated[dict[Identifier, Summary], Field(min_length=1), AfterValidator(_sums_to_one)]
Outcome = Annotated[
    dict[Identifier, OutcomeSummary], Field(min_length=1), AfterValidator(_sums_to_one)
]


class ScenarioRecord(Ledgered):
    id: Identifier
    title: str
    given: dict[Identifier, Identifier]
    do: dict[Identifier, Identifier]
    outcome: Outcome


class WatchItem(Ledgered):
    node: Identifier
    bits: NonNegative


class Entry(Ledgered):
    """One line of the ledger."""

    prev: Hash
    schema_version: Literal[1] | None = None  # absent from entries written before version 1
    published: Annotated[IsoDate, AfterValidator(_not_after_today)]
    commit: Commit | None
    uncommitted_inputs: Annotated[bool, Field(strict=True)]
    as_of: IsoDate
    horizon: IsoDate
    outcome: Identifier
    draws: Annotated[int, Field(strict=True, ge=1)]
    seed: Count
    observed: dict[Identifier, Identifier]
    claims: list[Identifier] | None = None  # the live cited claims (from schema version 1)
    scenarios: list[ScenarioRecord]
    watchlist: list[WatchItem]
    questions: Annotated[dict[Identifier, Question], Field(min_length=1)]


_DATES = ("published", "as_of", "horizon")
_EXPECTED = {
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "a text",
    "finite_number": "a finite number",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_INPUT else text[: SHOWN_INPUT - 3] + "..."


def _describe(error: Any) -> str:
    """One pydantic error as 'where: what is wrong'."""
    loc = tuple(str(step) for step in error["loc"])
    where = ".".join(loc) or "the entry"
    kind, found = error["type"], error.get("input")
    if kind == "missing":
        return f'"{where}" is missing'
    if kind == "extra_forbidden":
        return f'unknown key "{where}"'
    if kind == "too_short":
        return f"{where} is empty"
    if kind in ("date_invalid", "date_future"):
        return f"{where}: {_shown(found)} is {error['msg']}"
    if kind == "means_sum":
        return f"{where}: {error['msg']}"
    if kind in ("string_type", "string_pattern_mismatch") and loc[-1] in _DATES:
        return f"{where}: {_shown(found)} is not a date written YYYY-MM-DD"
    if kind in ("float_type", "int_type", "bool_type", "string_type", "finite_number"):
        return f"{where}: {_shown(found)} is not {_EXPECTED[kind]}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{where}: {_shown(found)} is out of range ({error['msg'].lower()})"
    return f"{where}: {error['msg'].lower()} (found {_shown(found)})"


_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def entry_problem(value: object) -> str | None:
    """What is wrong with a parsed line as a published entry (its first error), or None."""
    if not isinstance(value, dict):
        return f"not an entry (a JSON object) but {_JSON_KINDS.get(type(value), 'a value')}"
    try:
        Entry.model_validate(value)
    except PydanticValidationError as exc:
        return _describe(exc.errors()[0])
    return None
