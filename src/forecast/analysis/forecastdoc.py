"""The forecast document: every value any report surface shows, computed once in the
analysis layer; the Markdown, the HTML page, the figures and results.json only render it
(`results.json` is its `results` with its `assessment`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from forecast.analysis.assessment import Assessment, Inputs, assess, likelihood_words
from forecast.analysis.audit import NodeAudit, audit_node
from forecast.analysis.byreader import ReaderDocument, by_reader
from forecast.analysis.claimlist import ClaimList, claim_list
from forecast.analysis.comparison import Changes, compare
from forecast.analysis.decides import Decides, what_decides
from forecast.analysis.evidenceage import AgeRow, evidence_age
from forecast.analysis.explorer import ExplorerRow, signpost_rows
from forecast.analysis.history import Snapshot, Step, arrival_dates, history, steps
from forecast.analysis.holdout import (
    HoldoutRow,
    holdout_rows,
    holdout_summary,
    source_fits,
    summary_sentence,
)
from forecast.analysis.influence import (
    Influence,
    claim_influences,
    leave_one_out,
    retraction_effects,
)
from forecast.analysis.precision import VIEW_ERROR
from forecast.analysis.pulls import FitRow, Pull, held_fit_rows, pulling_pairs
from forecast.analysis.resolution import Resolution, resolution
from forecast.analysis.results import (
    ObservationRow,
    ResultsDocument,
    observation_rows,
    results_document,
)
from forecast.analysis.scoring import ScoreDocument
from forecast.analysis.sensitivity import Swing, all_swings, tornado
from forecast.analysis.watchlist import WatchlistDocument, watchlist_document
from forecast.base.arrays import Array
from forecast.fitting.run import Query, Run
from forecast.inference.summary import OutcomeSummary, outcome_summary
from forecast.inputs import grading
from forecast.inputs.coverage import Coverage, coverage
from forecast.inputs.domain import Node, Scenario, Statement
from forecast.inputs.yardstick import yardstick


class HeadlineCard(TypedDict):
    """A baseline card: an outcome state's mean and interval, with the yardstick's words."""

    state: str
    label: str
    mean: float
    p05: float
    p95: float
    words: str  # '' when no term of the yardstick fits
    words_low: float  # the range the words stand for
    words_high: float


class ReaderRow(TypedDict):
    id: str
    role: str
    read_on: str


class SourceRow(TypedDict):
    id: str
    title: str
    date: str
    date_basis: str
    grade: str
    grade_meaning: str
    rationale: str
    claims: int  # its statements, live or retracted


class DriverEffect(TypedDict):
    """The outcome with a driver observed in each of its states, given what was seen."""

    id: str
    label: str
    states: list[str]
    state_labels: list[str]
    outcomes: list[OutcomeSummary]  # one per state, in order


@dataclass(frozen=True)
class ForecastDocument:
    """Every value the report renders; built by `forecast_document`."""

    title: str
    results: ResultsDocument  # results.json, without the assessment and signpost rows
    states: list[str]
    state_labels: dict[str, str]
    horizon_label: str
    horizon_reason: str
    evidence_age: list[AgeRow]
    resolution: Resolution
    readers: list[ReaderRow]
    by_reader: ReaderDocument
    yardstick_name: str
    headline: list[HeadlineCard]
    scenarios: tuple[Scenario, ...]
    fit: list[FitRow]
    holdout: list[HoldoutRow]
    holdout_sentence: str
    assumptions: list[Statement]  # uncited column statements: each has a column
    sources: list[SourceRow]
    audit: list[NodeAudit]
    influence: list[Influence]
    retracted: list[Influence]
    retracted_statements: dict[str, Statement]
    coverage: list[Coverage]
    drivers: list[DriverEffect]
    tornado: dict[str, list[Swing]]
    decides: Decides  # the baseline without the whole-question statements; driver priors
    baseline_point: dict[str, float]
    history: list[Snapshot]
    history_draws: int  # the most draws any history snapshot needed (`precision`)
    history_error: float  # the largest Monte Carlo error of any snapshot's interval end
    interval_errors: dict[str, dict[str, float]]  # scenario -> state -> larger end's error
    steps: list[Step]
    why: dict[str, str]
    pulls: list[Pull]
    changes: Changes | None
    nodes: tuple[Node, ...]  # the network, in its file's order
    draws: dict[str, Array]  # scenario id -> its draws of the outcome (draws, states)
    signpost_explorer: list[ExplorerRow]  # the explorer with one signpost set
    watchlist: WatchlistDocument  # what it is given, the ranked signposts
    observations: list[ObservationRow]  # what was seen, as in results.json
    track_record: ScoreDocument | None  # when any forecast was scored
    explorer_default: OutcomeSummary  # the explorer with nothing set
    assessment: Assessment  # the key judgements (`assessment_document` is their JSON)
    claims: ClaimList  # every cited claim, live or retracted, by node (`claimlist`)

    def of_kind(self, kind: str) -> list[Node]:
        """The network's nodes of one kind (driver, indicator, ...), in the file's order."""
        return [n for n in self.nodes if n.kind == kind]

    def as_template_values(self) -> dict[str, Any]:
        """The fields by name, for the page template (not copied: the same objects), and
        the drivers and signposts the explorer offers."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {
            **fields,
            "drivers_nodes": self.of_kind("driver"),
            "signpost_nodes": self.of_kind("indicator"),
        }


def forecast_document(
    run: Run,
    previous: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    track_record: ScoreDocument | None = None,
    published: Mapping[str, Any] | None = None,
) -> ForecastDocument:
    """Everything the Markdown, HTML and JSON renderers show, computed once; `progress`
    hears about the slow steps. `track_record` (the scores of the published forecasts) is
    shown when it scored anything; `published` (the last ledger entry) is what the key
    judgements say they changed from."""
    study = run.study
    progress("  sensitivity: each driver across its states, each table column across its draws")
    swings = all_swings(run)
    model = study.model
    outcome = study.network.node(study.network.outcome)
    doc = results_document(run)
    stick = yardstick(model.settings.yardstick)
    baseline = next((s for s in doc["scenarios"] if not s["given"] and not s["do"]), None)
    headline = []
    if baseline is not None:
        for state, label in zip(outcome.states, outcome.state_labels, strict=True):
            o = baseline["outcome"][state]
            words, low, high = likelihood_words(stick, o["p05"], o["mean"], o["p95"])
            headline.append(
                HeadlineCard(
                    state=state,
                    label=label,
                    mean=o["mean"],
                    p05=o["p05"],
                    p95=o["p95"],
                    words=words,
                    words_low=low,
                    words_high=high,
                )
            )
    progress(f"  the fit without each source in turn ({len(study.sources)} refits)")
    fits = source_fits(study, run.point_tables)
    holdout = holdout_rows(study, fits)
    claims_per_source = {
        s.id: sum(1 for st in study.statements if st.source_id == s.id) for s in study.sources
    }
    sources = [
        SourceRow(
            id=s.id,
            title=s.meta.title,
            date=s.meta.date.text,
            date_basis=s.meta.date_basis,
            grade=s.meta.grade,
            grade_meaning=grading.grade_meaning("reliability", s.meta.grade),
            rationale=s.meta.rationale,
            claims=claims_per_source[s.id],
        )
        for s in study.sources
    ]
    dates = len(arrival_dates(study))
    progress(
        f"  the forecast as the evidence came in ({dates} dates, each at the fewest draws "
        f"that hold its interval within {100 * VIEW_ERROR:.0f} point)"
    )
    baseline_run = next((r for r in run.results if r.scenario == study.baseline_scenario()), None)
    everyone = (  # the run's own baseline: the same draws and seed
        None
        if baseline_run is None
        else outcome_summary(outcome.states, baseline_run.point, baseline_run.samples)
    )
    snapshots = history(study, seed=run.seed, cache=run.cache, most=run.draws, today=everyone)
    cited = sum(1 for s in study.active() if s.cited)
    progress(f"  the fit without each claim in turn ({cited} refits)")
    refits = leave_one_out(study, run.point_tables)
    progress(
        f"  each reader alone ({len(study.readers())} readers, each at the fewest draws "
        f"that hold its interval within {100 * VIEW_ERROR:.0f} point)"
    )
    readers_doc = by_reader(study, run.draws, run.seed, everyone=everyone, cache=run.cache)
    progress("  what decides the baseline, the retracted claims reinstated, the explorer")
    fit = held_fit_rows(study, run.point_tables, refits)
    watch = watchlist_document(run)
    readers_view = readers_doc if study.readers() else None
    inputs = Inputs(refits, fits, holdout, fit, readers_view, watch, published)
    influences = claim_influences(study, refits)
    return ForecastDocument(
        title=f"{outcome.label}: scenario forecast",
        results=doc,
        states=list(outcome.states),
        state_labels=dict(zip(outcome.states, outcome.state_labels, strict=True)),
        horizon_label=model.horizon.label,
        horizon_reason=" ".join(model.horizon.reason.split()),
        evidence_age=evidence_age(study),
        resolution=resolution(model),
        readers=[
            ReaderRow(id=r.id, role=r.role, read_on=r.read_on.isoformat()) for r in model.readers
        ],
        by_reader=readers_doc,
        yardstick_name=stick.name,
        headline=headline,
        scenarios=study.scenarios,
        fit=fit,
        holdout=holdout,
        holdout_sentence=summary_sentence(
            holdout_summary(study, holdout, fits, run.point_tables), len(study.sources)
        ),
        assumptions=[s for s in study.parameters() if not s.cited],
        sources=sources,
        audit=[audit_node(study, run.point_tables, n) for n in study.network.ids],
        influence=influences,
        retracted=retraction_effects(study, run.point_tables),
        retracted_statements={s.id: s for s in study.statements if s.retracted},
        coverage=coverage(study),
        drivers=_driver_effects(run),
        tornado={state: tornado(swings, state) for state in outcome.states},
        decides=what_decides(study, run.point_tables),
        baseline_point=_baseline_point(run),
        history=snapshots,
        history_draws=max((snap.draws for snap in snapshots), default=0),
        history_error=max((e for snap in snapshots for e in snap.error.values()), default=0.0),
        interval_errors={
            sc["id"]: {k: max(o["p05_error"], o["p95_error"]) for k, o in sc["outcome"].items()}
            for sc in doc["scenarios"]
        },
        steps=steps(snapshots),
        why={", ".join(step.added): why_sentence(step, holdout) for step in steps(snapshots)},
        pulls=pulling_pairs(fit),
        changes=compare(previous, doc) if previous is not None else None,
        nodes=tuple(study.network.nodes),
        draws={r.scenario.id: r.samples for r in run.results},
        signpost_explorer=signpost_rows(run),
        explorer_default=next(r["outcome"] for r in doc["explorer"] if not r["given"]),
        watchlist=watch,
        observations=observation_rows(run),
        track_record=track_record if track_record and track_record["scored"] else None,
        assessment=assess(run, inputs),
        claims=claim_list(study, fit, influences),
    )


def why_sentence(step: Step, holdout: list[HoldoutRow]) -> str:
    """Why a step moved or narrowed the baseline, from the added sources' holdout rows."""
    mine = [r for r in holdout if r["source"] in step.added]
    agree = sum(1 for r in mine if r["coherent"])
    state = max(step.moved, key=lambda s: abs(step.moved[s]))
    widened = sum(step.narrowed.values()) < 0
    if abs(step.moved[state]) < 0.05:
        moved = "it left the baseline where it was (no state moved by 0.05 points or more)."
    else:
        moved = f"the largest move is {state} ({step.moved[state]:+.1f} points)."
    if not mine:  # nothing of it to hold against the others: say only what it moved
        return moved[0].upper() + moved[1:]
    mood = (
        "its claims mostly agree with the others, so it mainly adds weight"
        if 2 * agree >= len(mine)
        else "its claims mostly disagree with the others, so it pulls the forecast"
    )
    spread = " and, disagreeing, widens the intervals" if widened else ""
    return f"{agree} of {len(mine)} of its claims hold against the other sources: {mood}{spread}; {moved}"


def _baseline_point(run: Run) -> dict[str, float]:
    outcome = run.study.network.node(run.study.network.outcome)
    point = run.point(
        run.study.given_for({}, {}), {}, outcome.id
    )  # as the cards: given what was seen
    return {s: float(point[i]) for i, s in enumerate(outcome.states)}


def _driver_effects(run: Run) -> list[DriverEffect]:
    """Each driver observed in each of its states, given what was seen: the outcome summary."""
    outcome = run.study.network.node(run.study.network.outcome)
    out = []
    for node in run.study.network.nodes:
        if node.kind != "driver":
            continue
        given = [run.study.given_for({node.id: s}, {}) for s in node.states]
        summaries = run.summaries([Query(outcome.id, g) for g in given])
        out.append(
            DriverEffect(
                id=node.id,
                label=node.label,
                states=list(node.states),
                state_labels=list(node.state_labels),
                outcomes=summaries,
            )
        )
    return out
