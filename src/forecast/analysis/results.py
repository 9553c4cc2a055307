"""The results document (results.json): a stable contract, byte-identical for equal inputs."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from forecast.analysis.explorer import ExplorerRow, explorer_rows
from forecast.fitting.run import Run
from forecast.inference.summary import OutcomeSummary, outcome_summaries
from forecast.inputs.domain import StatementKind


class ScenarioRow(TypedDict):
    """A scenario's conditions and its outcome, given the observations (and without them,
    when any were seen)."""

    id: str
    title: str
    given: dict[str, str]
    do: dict[str, str]
    outcome: OutcomeSummary
    without_observations: NotRequired[OutcomeSummary]


class ObservationRow(TypedDict):
    """Something seen: the node, its state, when, by whom, and whether it was withdrawn."""

    id: str
    node: str
    state: str
    seen: str
    reader: str
    retracted: bool


class ClaimRef(TypedDict):
    """A cited claim the forecast was fitted to (or would be, were it not retracted)."""

    id: str
    source: str | None
    kind: StatementKind  # a claim or a forecast: an assumption is not cited
    retracted: bool


class ResultsDocument(TypedDict):
    """results.json as `forecast run --json` prints it; the report's adds the assessment
    and the signpost explorer (`inputs.resultschema.Results` is the published contract)."""

    question: str
    outcome: str
    horizon: str
    as_of: str
    draws: int
    seed: int
    yardstick: str
    pooling: str
    observations: NotRequired[list[ObservationRow]]
    scenarios: list[ScenarioRow]
    explorer: list[ExplorerRow]
    monte_carlo_error: float
    claims: list[ClaimRef]


def scenario_rows(run: Run) -> list[ScenarioRow]:
    """Each scenario's conditions and outcome summary, as in the results document."""
    states = run.study.network.node(run.study.network.outcome).states
    asked = [(states, r.point, r.samples) for r in run.results]
    asked += [(states, *r.unobserved) for r in run.results if r.unobserved is not None]
    summaries = iter(outcome_summaries(asked))
    rows = [
        ScenarioRow(
            id=r.scenario.id,
            title=r.scenario.title,
            given=dict(r.scenario.given),
            do=dict(r.scenario.do),
            outcome=next(summaries),
        )
        for r in run.results
    ]
    for row, r in zip(rows, run.results, strict=True):
        if r.unobserved is not None:
            row["without_observations"] = next(summaries)
    return rows


def observation_rows(run: Run) -> list[ObservationRow]:
    """What the forecast is given: every observation, retracted ones marked."""
    return [
        ObservationRow(
            id=o.id,
            node=o.node,
            state=o.state,
            seen=o.seen.text,
            reader=o.reader,
            retracted=o.retracted,
        )
        for o in run.study.observations
    ]


def monte_carlo_error(rows: list[ScenarioRow]) -> float:
    """The largest Monte Carlo standard error of any scenario's 5th or 95th percentile
    (given the observations), from the scenarios' summaries."""
    return max(
        max(state["p05_error"], state["p95_error"])
        for row in rows
        for state in row["outcome"].values()
    )


def results_document(run: Run) -> ResultsDocument:
    """The results document for a run."""
    study = run.study
    scenarios = scenario_rows(run)
    doc = ResultsDocument(
        question=" ".join(study.model.question.split()),
        outcome=study.network.outcome,
        horizon=study.model.horizon.date.isoformat(),
        as_of=study.model.as_of.isoformat(),
        draws=run.draws,
        seed=run.seed,
        yardstick=study.model.settings.yardstick,
        pooling=study.model.settings.pooling,
        scenarios=scenarios,
        explorer=explorer_rows(run),
        monte_carlo_error=monte_carlo_error(scenarios),
        claims=[
            ClaimRef(id=st.id, source=st.source_id, kind=st.kind, retracted=st.retracted)
            for st in sorted(study.statements, key=lambda st: st.id)
            if st.cited
        ],
    )
    if study.observations:
        doc["observations"] = observation_rows(run)
    return doc
