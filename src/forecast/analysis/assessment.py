"""Key judgements an analyst can sign: likelihood in the yardstick's words and numbers,
confidence apart from it, the quotes that carry each, and what would change it.

A judgement is one outcome state under one scenario (given every observation): first the
baseline's states, most probable first, then the scenarios that move the outcome most. Its
likelihood sentence names the yardstick's term for the 90 % interval (both terms when the
interval straddles two, so the words never contradict the numbers). Its confidence (high,
moderate or low, ICD 203) comes from rules kept as data (`data/confidence.yaml`): how many
sources speak to the outcome and their grades, whether the judgement survives leaving each
source out, whether sources or readers disagree, how many claims the fit misses, how much
rests on analyst assumptions, and how old the newest evidence is. The two are never put in
one sentence. Quotes appear only as attributed quotes, never inside generated text.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from forecast.analysis.byreader import ReaderDocument
from forecast.analysis.holdout import HoldoutRow
from forecast.analysis.influence import LeftOut
from forecast.analysis.watchlist import WatchlistDocument
from forecast.fitting.claimfit import ClaimRow
from forecast.fitting.cpt import Tables
from forecast.fitting.run import Run, ScenarioResult
from forecast.inference.compiled import posterior
from forecast.inference.structure import Structure
from forecast.inference.summary import outcome_summary
from forecast.inputs.domain import Scenario, Statement, Study
from forecast.inputs.yardstick import Yardstick, yardstick

LEVELS = ("high", "moderate", "low")
MAX_JUDGEMENTS = 6
SCENARIO_JUDGEMENTS = 2  # after the baseline's states: the scenarios that move it most
RESTS_ON = 3  # claims shown under each judgement
SIGNPOSTS = 2


@dataclass(frozen=True)
class Rule:
    """One documented confidence rule, as data."""

    id: str
    measure: str
    reason: str
    below: float | None = None
    above: float | None = None
    cap: str | None = None
    lower: int = 0

    def fires(self, value: float) -> bool:
        return (self.below is not None and value < self.below) or (
            self.above is not None and value > self.above
        )

    def text(self) -> str:
        """The rule as a reviewer reads it in the method section."""
        test = f"below {self.below:g}" if self.below is not None else f"above {self.above:g}"
        effect = f"at most {self.cap}" if self.cap else f"one level lower ({self.lower})"
        return f"{self.measure.replace('_', ' ')} {test}: {effect}; {self.reason}"


@dataclass(frozen=True)
class Rules:
    levels: tuple[str, ...]
    rules: tuple[Rule, ...]
    weak_grades: tuple[str, ...]
    carries_from: float


@functools.cache
def confidence_rules() -> Rules:
    """The confidence rules shipped in `data/confidence.yaml`."""
    text = resources.files("forecast").joinpath("data/confidence.yaml").read_text("utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    return Rules(
        tuple(data["levels"]),
        tuple(Rule(**rule) for rule in data["rules"]),
        tuple(data["weak_grades"]),
        float(data["carries_from"]),
    )


@dataclass(frozen=True)
class Support:
    """A claim that carries a judgement: leaving it out moves the judgement by `shift`."""

    claim: str
    source: str | None
    grade: str | None  # the source's Admiralty reliability
    credibility: int | None
    kind: str
    stated: str
    quote: str
    note: str
    shift: float  # the judgement's probability without the claim, minus with it


@dataclass(frozen=True)
class Alternative:
    scenario: str
    title: str
    mean: float


@dataclass(frozen=True)
class Signal:
    """A signpost that would move the judgement: its probability if the signpost is seen."""

    node: str
    label: str
    bits: float
    if_seen: float


@dataclass(frozen=True)
class Judgement:
    id: str
    scenario: str
    scenario_title: str
    state: str
    state_label: str
    mean: float
    p05: float
    p95: float
    point: float
    words: str  # the yardstick's term(s) for the interval ('' when it has none)
    words_low: float
    words_high: float
    sentence: str  # the likelihood, in words and numbers; never a confidence word
    confidence: str  # high, moderate or low
    confidence_sentence: str  # why; never a likelihood word
    measures: Mapping[str, float]
    fired: tuple[str, ...]  # the ids of the rules that lowered or capped it
    rests_on: tuple[Support, ...]
    raises_most: Alternative | None
    lowers_most: Alternative | None
    signposts: tuple[Signal, ...]
    disagreement: tuple[str, ...]
    changed: str | None  # since the last published forecast, when it moved


@dataclass(frozen=True)
class Assessment:
    question: str
    horizon: str
    as_of: str
    yardstick: str
    newest_evidence: str  # one line: the newest evidence's date and its age at the as-of date
    judgements: tuple[Judgement, ...]
    rules: tuple[str, ...]  # the confidence rules, as the method section lists them


@dataclass(frozen=True)
class Inputs:
    """What an assessment is computed from, each computed once for the whole report."""

    refits: Mapping[str, LeftOut]  # every cited claim left out (`influence.leave_one_out`)
    source_fits: Mapping[str, Tables]  # every source left out (`holdout.source_fits`)
    holdout: Sequence[HoldoutRow]
    fit: Sequence[ClaimRow]
    readers: ReaderDocument | None  # when the model has readers
    watchlist: WatchlistDocument
    published: Mapping[str, Any] | None  # the last ledger entry (checked on reading), if any


def likelihood_words(
    stick: Yardstick, low: float, mean: float, high: float
) -> tuple[str, float, float]:
    """The term(s) for an interval: one term when both ends share it, 'A to B' when they
    straddle; with the range the words stand for. ('', 0, 0) when no term fits."""
    terms = [t for t in (stick.term_for(p) for p in (low, mean, high)) if t is not None]
    if not terms:
        return "", 0.0, 0.0
    first, last = terms[0], terms[-1]
    if first == last:
        return first.phrases[0], first.low, first.high
    return f"{first.phrases[0]} to {last.phrases[0]}", first.low, last.high


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def _range(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f} %"


def assess(run: Run, inputs: Inputs) -> Assessment:
    """The key judgements of a run."""
    study = run.study
    stick = yardstick(study.model.settings.yardstick)
    baseline = next((r for r in run.results if r.scenario == study.baseline_scenario()), None)
    picks: list[tuple[ScenarioResult, int]] = []
    if baseline is not None:
        order = sorted(
            range(len(baseline.point)), key=lambda i: -float(baseline.samples[:, i].mean())
        )
        picks += [(baseline, i) for i in order]
        moved = sorted(
            (r for r in run.results if r is not baseline),
            key=lambda r: -float(abs(r.samples.mean(0) - baseline.samples.mean(0)).max()),
        )
        for r in moved[:SCENARIO_JUDGEMENTS]:
            i = int(abs(r.samples.mean(0) - baseline.samples.mean(0)).argmax())
            picks.append((r, i))
    judgements = tuple(
        _judgement(run, inputs, stick, result, index, baseline)
        for result, index in picks[:MAX_JUDGEMENTS]
    )
    newest = max(s.published for s in study.sources)
    age = (study.model.as_of - newest).days / 365.25
    return Assessment(
        " ".join(study.model.question.split()),
        study.model.horizon.date.isoformat(),
        study.model.as_of.isoformat(),
        stick.name,
        f"Newest evidence {newest.isoformat()}, {age:.1f} years before the as-of date "
        f"{study.model.as_of.isoformat()}",
        judgements,
        tuple(rule.text() for rule in confidence_rules().rules),
    )


def _judgement(
    run: Run,
    inputs: Inputs,
    stick: Yardstick,
    result: ScenarioResult,
    index: int,
    baseline: ScenarioResult | None,
) -> Judgement:
    study = run.study
    outcome = study.network.node(study.network.outcome)
    scenario = result.scenario
    state = outcome.states[index]
    summary = outcome_summary(outcome.states, result.point, result.samples)[state]
    mean, p05, p95 = float(summary["mean"]), float(summary["p05"]), float(summary["p95"])
    words, low, high = likelihood_words(stick, p05, mean, p95)
    is_baseline = baseline is not None and result is baseline
    subject = (
        f"the outcome, {outcome.label}, is “{outcome.state_labels[index]}” "
        f"({study.model.horizon.label})"
    )
    sentence = _likelihood_sentence(
        stick,
        None if is_baseline else scenario.title,
        subject,
        (mean, p05, p95),
        (words, low, high),
    )
    query = _Query(study, run.structure, scenario, state, index)
    point = float(summary["point"])
    supports = _supports(study, inputs, query, point)
    measures = _measures(study, inputs, query, point, supports)
    confidence, fired, because = _confidence(measures)
    carrier = supports[0] if supports else None
    return Judgement(
        id=f"{scenario.id}:{state}",
        scenario=scenario.id,
        scenario_title=scenario.title,
        state=state,
        state_label=outcome.state_labels[index],
        mean=mean,
        p05=p05,
        p95=p95,
        point=point,
        words=words,
        words_low=low,
        words_high=high,
        sentence=sentence,
        confidence=confidence,
        confidence_sentence=_confidence_sentence(confidence, measures, because, carrier),
        measures=measures,
        fired=fired,
        rests_on=tuple(supports[:RESTS_ON]),
        raises_most=_alternative(run, result, index, mean, highest=True),
        lowers_most=_alternative(run, result, index, mean, highest=False),
        signposts=_signals(inputs, state) if is_baseline else (),
        disagreement=_disagreement(study, inputs, state),
        changed=_changed(study, inputs, scenario, state, mean),
    )


def _likelihood_sentence(
    stick: Yardstick,
    scenario: str | None,
    subject: str,
    values: tuple[float, float, float],
    terms: tuple[str, float, float],
) -> str:
    """'We judge it likely (55–80 %) that …: 67 %, 90 % interval 60–74 %.', prefixed with the
    scenario when there is one; `terms` are the interval's (`likelihood_words`)."""
    mean, p05, p95 = values
    words, low, high = terms
    numbers = f"{_pct(mean)}, 90 % interval {_range(p05, p95)}"
    we = "We" if scenario is None else f"In the scenario “{scenario}”, we"
    if not words:
        return (
            f"{we} put the chance that {subject} at {numbers}; the {stick.name} has no term for it."
        )
    return f"{we} judge it {words} ({_range(low, high)}) that {subject}: {numbers}."


@dataclass(frozen=True)
class _Query:
    study: Study
    structure: Structure
    scenario: Scenario
    state: str
    index: int

    def under(self, tables: Tables) -> float:
        """The judgement's point probability under other tables (given the observations)."""
        given = self.study.given_for(self.scenario.given, self.scenario.do)
        answer = posterior(
            self.structure,
            tables.cpts,
            self.study.network.outcome,
            given,
            self.scenario.do,
        )[0]
        return float(answer[self.index])


def _supports(study: Study, inputs: Inputs, query: _Query, point: float) -> list[Support]:
    """The cited claims whose removal moves the judgement, most first."""
    by_id = {s.id: s for s in study.active()}
    rows = []
    for claim_id, left in inputs.refits.items():
        statement = by_id.get(claim_id)
        if statement is None:
            continue
        shift = query.under(left.tables) - point
        if abs(shift) >= confidence_rules().carries_from:
            rows.append(_support(study, statement, shift))
    rows.sort(key=lambda s: (-abs(s.shift), s.claim))
    return rows


def _support(study: Study, statement: Statement, shift: float) -> Support:
    source = study.source(statement.source_id) if statement.source_id else None
    return Support(
        claim=statement.id,
        source=statement.source_id,
        grade=source.meta.grade if source else None,
        credibility=statement.credibility,
        kind=statement.kind,
        stated=statement.stated,
        quote=statement.quote,
        note=" ".join(statement.note.split()),
        shift=round(shift, 10),
    )


def _on_outcome(study: Study) -> list[Statement]:
    return [s for s in study.active() if s.node == study.network.outcome]


def _measures(
    study: Study, inputs: Inputs, query: _Query, point: float, supports: list[Support]
) -> dict[str, float]:
    """Every measure a confidence rule may read, for one judgement."""
    on_outcome = _on_outcome(study)
    cited = [s for s in on_outcome if s.cited and s.source_id is not None]
    sources = {s.source_id for s in cited}
    swings = [abs(query.under(t) - point) for t in inputs.source_fits.values()]
    contradicted = {  # with one source there are no others to contradict it
        r["source"]
        for r in inputs.holdout
        if not r["coherent"] and r["source"] in sources and len(study.sources) > 1
    }
    misses = sum(
        1 for r in inputs.fit if r["target"]["node"] == study.network.outcome and not r["honoured"]
    )
    weight = sum(s.weight for s in on_outcome)
    assumed = sum(s.weight for s in on_outcome if s.kind == "assumption")
    newest = max((study.source(s).published for s in sources if s), default=None)
    age = (study.model.as_of - newest).days / 365.25 if newest else 99.0
    share = (
        _reader_share(inputs.readers, query) if query.scenario == study.baseline_scenario() else 0.0
    )
    weak = confidence_rules().weak_grades
    return {
        "sources": float(len(sources)),
        "largest_source_swing": round(max(swings, default=0.0), 10),
        "contradicted_sources": float(len(contradicted)),
        "reader_share": share,
        "misses": float(misses),
        "assumption_share": round(assumed / weight, 10) if weight else 0.0,
        "weak_carrier": float(bool(supports) and supports[0].grade in weak),
        "evidence_age_years": round(age, 2),
    }


def _reader_share(readers: ReaderDocument | None, query: _Query) -> float:
    if not readers:
        return 0.0
    for row in readers["disagreement"]:
        if row["state"] == query.state:
            return float(row["share"])
    return 0.0


def _confidence(measures: Mapping[str, float]) -> tuple[str, tuple[str, ...], list[str]]:
    """The level the rules leave, the rules that fired, and their reasons."""
    rules = confidence_rules()
    level = 0
    fired, because = [], []
    for rule in rules.rules:
        if not rule.fires(measures[rule.measure]):
            continue
        fired.append(rule.id)
        because.append(rule.reason)
        level = max(level, rules.levels.index(rule.cap)) if rule.cap else level + rule.lower
    return rules.levels[min(level, len(rules.levels) - 1)], tuple(fired), because


def _confidence_sentence(
    level: str, measures: Mapping[str, float], because: list[str], carrier: Support | None
) -> str:
    """Why the confidence is what it is: the rules that lowered it, or what holds it up."""
    if because:
        sentence = f"{level.capitalize()} confidence, because " + "; ".join(because)
        if carrier is not None and measures["weak_carrier"]:
            sentence += f" (its main claim, {carrier.claim}, comes from {carrier.source}, graded {carrier.grade})"
        return sentence + "."
    sources = int(measures["sources"])
    return (
        f"{level.capitalize()} confidence: {sources} sources speak to the outcome, and leaving "
        f"one out moves it by {100 * measures['largest_source_swing']:.1f} points at most."
    )


def _alternative(
    run: Run, result: ScenarioResult, index: int, mean: float, highest: bool
) -> Alternative | None:
    others = [r for r in run.results if r is not result]
    if not others:
        return None
    pick = (max if highest else min)(others, key=lambda r: float(r.samples[:, index].mean()))
    value = float(pick.samples[:, index].mean())
    if (value <= mean) if highest else (value >= mean):
        return None
    return Alternative(pick.scenario.id, pick.scenario.title, value)


def _signals(inputs: Inputs, state: str) -> tuple[Signal, ...]:
    out = []
    for row in inputs.watchlist.get("indicators", [])[:SIGNPOSTS]:
        seen = next((s for s in row["outcome_if"] if s != row["baseline"]), None)
        if seen is None:
            continue
        out.append(
            Signal(
                row["node"], row["label"], float(row["bits"]), float(row["outcome_if"][seen][state])
            )
        )
    return tuple(out)


def _disagreement(study: Study, inputs: Inputs, state: str) -> tuple[str, ...]:
    """Sources the others contradict beyond their ranges, and readers who differ in
    direction, on the outcome's claims about this state: named, not averaged away."""
    target = {"node": study.network.outcome, "state": state}
    others = len(study.sources) > 1  # with one source there are no others to contradict it
    lines = [
        f"the other sources contradict {r['id']} ({r['source']}): it states {r['stated']}, "
        f"they imply {_pct(float(r['others']))}"
        for r in inputs.holdout
        if others and not r["coherent"] and r["target"] == target and not r.get("direction")
    ]
    for effect in inputs.readers["effects"] if inputs.readers is not None else []:
        about = {"node": effect["node"], "state": effect["state"]} == target
        if about and len(effect["claimed_by"]) > 1 and not effect["agree_on_direction"]:
            claimed = effect["claimed_by"]
            directions = ", ".join(
                f"{k} {v}" for k, v in effect["direction"].items() if k in claimed
            )
            lines.append(f"readers differ in direction on {effect['where']}: {directions}")
    return tuple(lines)


def _changed(
    study: Study, inputs: Inputs, scenario: Scenario, state: str, mean: float
) -> str | None:
    """How far the judgement moved since the last published forecast, when it moved by a
    point or more, with the observations and claims that arrived or left since."""
    entry = inputs.published
    if entry is None:
        return None
    row = next((s for s in entry.get("scenarios", []) if s.get("id") == scenario.id), None)
    if row is None:
        return None
    then = float(row["outcome"][state]["mean"])
    if abs(mean - then) < 0.01:
        return None
    sentence = (
        f"since the forecast published on {entry['published']}: {_pct(then)} then, "
        f"{_pct(mean)} now ({100 * (mean - then):+.1f} points)"
    )
    seen = {f"{n}={s}" for n, s in study.observed().items()}
    before = {f"{n}={s}" for n, s in entry.get("observed", {}).items()}
    parts = []
    if seen - before:
        parts.append("observed since: " + ", ".join(sorted(seen - before)))
    if entry.get("claims") is not None:
        now = {s.id for s in study.active() if s.cited}
        added, gone = sorted(now - set(entry["claims"])), sorted(set(entry["claims"]) - now)
        parts += [
            f"{what}: {', '.join(ids)}"
            for what, ids in (("claims added", added), ("claims gone", gone))
            if ids
        ]
    return sentence + ("; " + "; ".join(parts) if parts else "")


def assessment_inputs(run: Run, published: Mapping[str, Any] | None = None) -> Inputs:
    """Everything `assess` reads, computed for a run (the report computes these once for
    all its views and passes them in instead)."""
    from forecast.analysis.byreader import by_reader
    from forecast.analysis.holdout import holdout_rows, source_fits
    from forecast.analysis.influence import leave_one_out
    from forecast.analysis.watchlist import watchlist_document
    from forecast.fitting.claimfit import fit_rows

    study = run.study
    fits = source_fits(study, run.point_tables)
    readers = by_reader(study, run.draws, run.seed, cache=run.cache) if study.readers() else None
    return Inputs(
        refits=leave_one_out(study, run.point_tables),
        source_fits=fits,
        holdout=holdout_rows(study, fits),
        fit=fit_rows(study, run.point_tables),
        readers=readers,
        watchlist=watchlist_document(run),
        published=published,
    )


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    """The assessment as JSON data: every field, numbers rounded as everywhere else."""
    import dataclasses

    from forecast.inference.summary import number

    def plain(value: Any) -> Any:
        if isinstance(value, float):
            return number(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return dict(plain(dataclasses.asdict(assessment)))
