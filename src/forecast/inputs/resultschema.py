"""The contract of results.json: its JSON Schema, and the check that a document keeps it.

`results.json` (and `forecast run --json`) carries `schema_version`; this model is that
version's schema, published by `forecast schema` beside the input schemas. Every key is
named here and nothing else is allowed, so a key renamed in the code fails the tests
before it reaches a downstream script.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from forecast.inputs.filemodels import Identifier
from forecast.inputs.ledgerschema import (
    IsoDate,
    NonNegative,
    Outcome,
    Probability,
    ScenarioRecord,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Observed(_Strict):
    id: Identifier
    node: Identifier
    state: Identifier
    seen: str
    reader: str
    retracted: bool


class ScenarioResult(ScenarioRecord):
    """A scenario as the ledger records it, and without the observations when any."""

    without_observations: Outcome | None = None


class ExplorerRow(_Strict):
    given: dict[Identifier, Identifier]
    outcome: Outcome


class ClaimRef(_Strict):
    id: Identifier
    source: Identifier | None
    kind: Literal["claim", "forecast"]
    retracted: bool


class Support(_Strict):
    claim: Identifier
    source: Identifier | None
    grade: str | None
    credibility: int | None
    kind: str
    stated: str
    quote: str
    note: str
    shift: float


class Alternative(_Strict):
    scenario: Identifier
    title: str
    mean: Probability


class Signal(_Strict):
    node: Identifier
    label: str
    bits: NonNegative
    if_seen: Probability


class Judgement(_Strict):
    id: str
    scenario: Identifier
    scenario_title: str
    state: Identifier
    state_label: str
    mean: Probability
    p05: Probability
    p95: Probability
    point: Probability
    words: str
    words_low: Probability
    words_high: Probability
    sentence: str
    confidence: Literal["high", "moderate", "low"]
    confidence_sentence: str
    measures: dict[str, float]
    fired: list[str]
    rests_on: list[Support]
    raises_most: Alternative | None
    lowers_most: Alternative | None
    signposts: list[Signal]
    disagreement: list[str]
    changed: str | None


class Assessment(_Strict):
    question: str
    horizon: IsoDate
    as_of: IsoDate
    yardstick: str
    newest_evidence: str
    judgements: list[Judgement]
    rules: list[str]


class Results(_Strict):
    """results.json, schema version 1."""

    schema_version: Literal[1]
    question: str
    outcome: Identifier
    horizon: IsoDate
    as_of: IsoDate
    draws: int
    seed: int
    yardstick: str
    pooling: str
    observations: list[Observed] | None = None
    scenarios: list[ScenarioResult]
    explorer: list[ExplorerRow]
    monte_carlo_error: NonNegative
    claims: list[ClaimRef]
    assessment: Assessment | None = None  # in the report's results.json
    signpost_explorer: list[ExplorerRow] | None = None  # in the report's results.json


def check_results(document: dict[str, Any]) -> None:
    """Raise pydantic's ValidationError unless `document` keeps the results contract."""
    Results.model_validate(document)
