"""What each reader alone makes of the sources, and where the readers part ways.

A reader is an analyst who mapped the texts to claims. Three views:

- the baseline as each reader alone would have it (only that reader's claims, with the
  analyst assumptions), beside the baseline of all readers together;
- how much of the baseline interval's width the readers' disagreement brings: the width
  with the bootstrap over each source's readers, against the width with the readers'
  shares held fixed;
- every effect some reader claims (a push, or a level under moved conditions), with its
  fitted odds ratio in each reader's own point network: do the readers agree on its
  direction, and by how much do they differ in size?
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from forecast.analysis.precision import Precise, fewest_draws, largest_error
from forecast.base.forked import forked_map
from forecast.fitting.claimfit import Where
from forecast.fitting.cpt import Tables, build_tables
from forecast.fitting.run import FitCache, run_study
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inference.summary import OutcomeSummary, outcome_summary
from forecast.inputs.domain import Conditions, Scenario, Statement, Study

ALL = "all readers"
NO_CHANGE = (0.83, 1.2)  # odds ratios read as no change (the relative scale's no_change)

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    del message


def baseline_only(study: Study) -> Study:
    """The study with its scenarios cut to one with no conditions (the baseline)."""
    baseline = study.baseline_scenario()
    if baseline is None:
        baseline = Scenario("baseline", "Baseline (no conditions)", "", {}, {})
    return dataclasses.replace(study, scenarios=(baseline,))


def only_reader(study: Study, reader: str) -> Study:
    """The study with the claims of one reader only (assumptions kept)."""
    kept = tuple(s for s in study.statements if not s.cited or s.reader in (None, reader))
    return dataclasses.replace(study, statements=kept)


@dataclass(frozen=True)
class ReaderView:
    """One reader's baseline (or all readers' together): {state: point, mean, p05, p95}
    at the draws it needed (`precision`), with the point tables it came from (None where
    the baseline was given)."""

    reader: str
    claims: int
    outcome: Precise[OutcomeSummary]
    tables: Tables | None = field(default=None, compare=False, repr=False)


def _baseline(
    study: Study, most: int, seed: int, cache: FitCache | None
) -> tuple[Precise[OutcomeSummary], Tables]:
    """The baseline's summary at the fewest draws (up to `most`) that hold each interval
    end within `precision.VIEW_ERROR`, and the point tables of the run that made it; the
    fitted draws are kept in `cache`'s folder (under the derived study's own key)."""
    kept = None if cache is None else FitCache(cache.root)
    states = study.network.node(study.network.outcome).states
    point: list[Tables] = []

    def fit(draws: int) -> OutcomeSummary:
        run = run_study(baseline_only(study), draws, seed, cache=kept)
        point[:] = [run.point_tables]
        result = run.results[0]
        return outcome_summary(states, result.point, result.samples)

    return fewest_draws(fit, largest_error, most), point[0]


def reader_views(
    study: Study,
    draws: int,
    seed: int,
    progress: Progress = _quiet,
    everyone: OutcomeSummary | None = None,
    cache: FitCache | None = None,
) -> list[ReaderView]:
    """The baseline of all readers together (`everyone`, when a run with `draws` draws and
    the same seed already has it), then of each reader alone, each at the draws it needs
    (at most `draws`), the readers fitted side by side (`forked`)."""
    wanted = _wanted(study, everyone is None)
    return _views(study, draws, everyone, _fitted(wanted, draws, seed, progress, cache))


Fitted = tuple[Precise[OutcomeSummary], Tables]  # a baseline and its point tables
HELD = "readers' shares held fixed"  # the fit `disagreement` compares against


def _wanted(
    study: Study, everyone: bool, held: bool = False, readers: bool = True
) -> dict[str, Study]:
    """The studies whose baselines the views need: all readers' (when not given), each
    reader's alone (`readers`), and (`held`) all readers' with their shares held fixed."""
    out = {ALL: study} if everyone else {}
    out |= {r: only_reader(study, r) for r in study.readers()} if readers else {}
    return out | ({HELD: dataclasses.replace(study, resample_readers=False)} if held else {})


def _fitted(
    studies: Mapping[str, Study], draws: int, seed: int, progress: Progress, cache: FitCache | None
) -> dict[str, Fitted]:
    """The baselines of `studies`, fitted side by side."""
    progress(f"baselines of {', '.join(studies)} (at most {draws} draws each)...")
    fits = forked_map(lambda alone: _baseline(alone, draws, seed, cache), list(studies.values()))
    return dict(zip(studies, fits, strict=True))


def _views(
    study: Study, draws: int, everyone: OutcomeSummary | None, fitted: Mapping[str, Fitted]
) -> list[ReaderView]:
    views = []
    for reader in (ALL, *study.readers()):
        alone = study if reader == ALL else only_reader(study, reader)
        claims = sum(1 for s in alone.active() if s.cited)
        if reader == ALL and everyone is not None:
            given = Precise(everyone, draws, largest_error(everyone))
            views.append(ReaderView(reader, claims, given))
        else:
            views.append(ReaderView(reader, claims, *fitted[reader]))
    return views


@dataclass(frozen=True)
class Disagreement:
    """The 90 % interval's width per outcome state, in probability, with and without the
    bootstrap over readers; `share` is the part of the width it adds. `draws_fixed` are
    the draws of the fit with the shares fixed; `error` the largest Monte Carlo error of
    the four interval ends behind the two widths."""

    state: str
    width: float
    width_fixed: float
    draws_fixed: int
    error: float

    @property
    def share(self) -> float:
        return max(0.0, 1.0 - self.width_fixed / self.width) if self.width > 0 else 0.0


def disagreement(
    study: Study,
    draws: int,
    seed: int,
    progress: Progress = _quiet,
    full: OutcomeSummary | None = None,
    cache: FitCache | None = None,
) -> list[Disagreement]:
    """How much of the baseline interval's width comes from the readers' disagreement;
    `full` is the baseline of all readers when it is already known (same draws and seed);
    the fit with the shares fixed uses the draws it needs (at most `draws`)."""
    wanted = _wanted(study, full is None, held=True, readers=False)
    fitted = _fitted(wanted, draws, seed, progress, cache)
    return _widths(fitted[ALL][0].value if full is None else full, fitted[HELD][0])


def _widths(full: OutcomeSummary, fixed: Precise[OutcomeSummary]) -> list[Disagreement]:
    def error(state: str) -> float:
        ends = (full[state], fixed.value[state])
        return max(max(o["p05_error"], o["p95_error"]) for o in ends)

    return [
        Disagreement(
            s,
            full[s]["p95"] - full[s]["p05"],
            fixed.value[s]["p95"] - fixed.value[s]["p05"],
            fixed.draws,
            error(s),
        )
        for s in full
    ]


@dataclass(frozen=True)
class Effect:
    """An effect some reader claims: the odds of node=state under `conditions` against
    under `reference`, fitted in each reader's point network."""

    node: str
    state: str
    conditions: Conditions
    reference: Conditions
    claimed_by: tuple[str, ...]
    ratios: dict[str, float]  # reader -> fitted odds ratio

    def label(self) -> str:
        return f"{self.node}={self.state} | {self.conditions.label()} vs {self.reference.label()}"

    def directions(self) -> dict[str, str]:
        return {reader: direction(ratio) for reader, ratio in self.ratios.items()}

    def claimants(self) -> dict[str, str]:
        """The fitted direction in the network of each reader who claims the effect: a
        reader who made no claim on it fits it at about no change, which is no dissent."""
        return {r: d for r, d in self.directions().items() if r in self.claimed_by}

    def agree(self) -> bool:
        """Whether the fitted ratio of every reader who claims the effect goes the same way."""
        return len(set(self.claimants().values())) == 1

    def size_ratio(self) -> float | None:
        """The largest fitted log odds ratio over the smallest among the readers who claim
        the effect, in size (1: the same); None unless each of their effects raises, or
        each lowers (a size ratio of two effects near no change says nothing)."""
        if not self.agree() or "no change" in self.claimants().values():
            return None
        sizes = [abs(math.log(r)) for k, r in self.ratios.items() if k in self.claimed_by]
        return max(sizes) / min(sizes)

    def verdict(self) -> str:
        """In words: whether the readers' fitted effects agree, and how far apart; a reader
        who made no claim on the effect is told apart from one who claims it the other way."""
        silent = [r for r in self.ratios if r not in self.claimed_by]
        if not self.agree():
            among = "directions differ"
        else:
            size = self.size_ratio()
            among = (
                "same direction" if size is None else f"same direction, sizes {size:.1f}-fold apart"
            )
        if not silent:
            return among
        claimed = f"claimed by {', '.join(self.claimed_by)} only"
        if len(self.claimed_by) > 1:
            claimed += f" ({among})"
        return f"{claimed}; no claim from {', '.join(silent)}"


def direction(ratio: float) -> str:
    """'raises', 'lowers' or 'no change' for a fitted odds ratio."""
    if ratio > NO_CHANGE[1]:
        return "raises"
    if ratio < NO_CHANGE[0]:
        return "lowers"
    return "no change"


def _reference(study: Study, statement: Statement) -> Conditions:
    """What an effect compares against: a push's reference, or for a level the same
    conditions with every named node at its baseline."""
    if statement.reference is not None:
        return statement.reference
    return study.network.at_baseline(statement.conditions)


def _odds(study: Study, tables: Tables, node: str, state: str, where: Conditions) -> float:
    p = posterior(
        structure_of(study.network), tables.cpts, node, dict(where.given), dict(where.do)
    )[0][study.network.node(node).index(state)]
    return float(p / (1.0 - p))


def effects(study: Study, fitted: Mapping[str, Tables] | None = None) -> list[Effect]:
    """Every claimed effect with its fitted odds ratio in each reader's point network
    (`fitted`: readers' point tables already made; the others are fitted here)."""
    readers = study.readers()
    known = fitted or {}
    fitted = {r: known[r] if r in known else build_tables(only_reader(study, r)) for r in readers}
    claimed: dict[tuple[str, str, Conditions, Conditions], set[str]] = {}
    for s in study.active():
        moved = s.conditions != study.network.at_baseline(s.conditions)
        if not s.cited or s.reader is None or (not s.relative and not moved):
            continue
        key = (s.node, s.state, s.conditions, _reference(study, s))
        claimed.setdefault(key, set()).add(s.reader)
    out = []
    for (node, state, conditions, reference), by in sorted(claimed.items(), key=str):
        ratios = {
            r: _odds(study, fitted[r], node, state, conditions)
            / _odds(study, fitted[r], node, state, reference)
            for r in readers
        }
        out.append(Effect(node, state, conditions, reference, tuple(sorted(by)), ratios))
    return out


def by_reader(
    study: Study,
    draws: int,
    seed: int,
    progress: Progress = _quiet,
    everyone: OutcomeSummary | None = None,
    cache: FitCache | None = None,
) -> ReaderDocument:
    """The three views as one document (`reader_document`); `everyone` is the baseline of
    all readers when a run with the same draws and seed already has it; `cache` keeps the
    fitted draws of each view."""
    fitted = _fitted(_wanted(study, everyone is None, held=True), draws, seed, progress, cache)
    views = _views(study, draws, everyone, fitted)
    widths = _widths(views[0].outcome.value, fitted[HELD][0])
    tables = {v.reader: v.tables for v in views if v.reader != ALL and v.tables is not None}
    return reader_document(views, widths, effects(study, tables))


class ReaderBaseline(TypedDict):
    reader: str  # a reader's id, or `ALL`
    claims: int  # the cited claims the view is fitted to
    outcome: OutcomeSummary
    draws: int  # the draws the view needed (`precision`)
    monte_carlo_error: float  # the largest Monte Carlo error of its interval ends


class WidthRow(TypedDict):
    """An outcome state's 90 % interval width with and without the bootstrap over readers."""

    state: str
    width: float
    width_readers_fixed: float
    share: float  # the part of the width the readers' disagreement adds
    draws_readers_fixed: int  # the draws of the fit with the shares fixed
    monte_carlo_error: float  # the largest of the four interval ends' errors behind the widths


class EffectRow(TypedDict):
    """A push as each reader's own fit makes it: the odds ratio, its direction, the verdict."""

    node: str
    state: str
    given: dict[str, str]
    where: str
    do: dict[str, str]
    reference: Where
    claimed_by: list[str]
    fitted_odds_ratio: dict[str, float]  # reader -> the ratio under that reader's fit
    direction: dict[str, str]  # reader -> raises, lowers or no effect
    agree_on_direction: bool  # among the readers who claim it
    verdict: str
    size_ratio: float | None


class ReaderDocument(TypedDict):
    baselines: list[ReaderBaseline]
    disagreement: list[WidthRow]
    effects: list[EffectRow]


def reader_document(
    views: list[ReaderView], widths: list[Disagreement], found: list[Effect]
) -> ReaderDocument:
    """The three views as plain data (for JSON and the report)."""
    return ReaderDocument(
        baselines=[
            ReaderBaseline(
                reader=v.reader,
                claims=v.claims,
                outcome=v.outcome.value,
                draws=v.outcome.draws,
                monte_carlo_error=round(v.outcome.error, 10),
            )
            for v in views
        ],
        disagreement=[
            WidthRow(
                state=d.state,
                width=round(d.width, 10),
                width_readers_fixed=round(d.width_fixed, 10),
                share=round(d.share, 10),
                draws_readers_fixed=d.draws_fixed,
                monte_carlo_error=round(d.error, 10),
            )
            for d in widths
        ],
        effects=[_effect_row(e) for e in found],
    )


def _effect_row(e: Effect) -> EffectRow:
    size = e.size_ratio()
    return EffectRow(
        node=e.node,
        state=e.state,
        given=dict(e.conditions.given),
        where=e.conditions.label(),
        do=dict(e.conditions.do),
        reference=Where(given=dict(e.reference.given), do=dict(e.reference.do)),
        claimed_by=list(e.claimed_by),
        fitted_odds_ratio={r: round(x, 10) for r, x in e.ratios.items()},
        direction=e.directions(),
        agree_on_direction=e.agree(),
        verdict=e.verdict(),
        size_ratio=None if size is None else round(size, 10),
    )
