"""The baseline forecast as it stood at each evidence date, and what each source added.

At each date only sources published by then count; what no source had yet spoken to is
held by the assumptions (explicit or default), which hold throughout. Every snapshot
uses the same seed, and each claim draws from its own stream, so the difference between
two snapshots is the added sources' doing, not a reshuffle of the draws. Each date's fitted
draws are kept in the fit cache, so a report after an edit refits only the dates the
edited claim counts at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass

from forecast.fitting.run import FitCache, kept_draws
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inference.summary import summarise
from forecast.inputs.domain import Study
from forecast.inputs.sizes import DrawPlan


@dataclass(frozen=True)
class Snapshot:
    date: dt.date
    sources: tuple[str, ...]
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]

    def width(self, state: str) -> float:
        return self.high[state] - self.low[state]


@dataclass(frozen=True)
class Step:
    """What the sources added at one date did to the baseline: how far each state's mean
    moved and how much its 90 % interval narrowed (negative: widened), in points."""

    date: dt.date
    added: tuple[str, ...]
    moved: dict[str, float]
    narrowed: dict[str, float]


def steps(snapshots: list[Snapshot]) -> list[Step]:
    """The change from each snapshot to the next, named by the sources it added."""
    out = []
    for before, after in itertools.pairwise(snapshots):
        states = list(after.mean)
        out.append(
            Step(
                after.date,
                tuple(s for s in after.sources if s not in before.sources),
                {s: 100 * (after.mean[s] - before.mean[s]) for s in states},
                {s: 100 * (before.width(s) - after.width(s)) for s in states},
            )
        )
    return out


def history(
    study: Study, draws: int = 200, seed: int = 0, cache: FitCache | None = None
) -> list[Snapshot]:
    """One snapshot per distinct evidence date, oldest first; `cache` keeps each date's
    fitted draws (in its folder, under the date's study's own key)."""
    kept_in = None if cache is None else FitCache(cache.root)
    structure = structure_of(study.network)
    outcome = study.network.node(study.network.outcome)
    snapshots = []
    for date in sorted({s.published for s in study.sources}):
        known = {s.id for s in study.sources if s.published <= date}
        kept = tuple(s for s in study.statements if s.source_id is None or s.source_id in known)
        then = dataclasses.replace(study, statements=kept)
        cpts = kept_draws(then, DrawPlan(draws, draws, 1), seed, None, kept_in)
        assert cpts is not None  # one chunk holds every draw
        stats = summarise(posterior(structure, cpts, outcome.id))
        snapshots.append(
            Snapshot(
                date,
                tuple(sorted(known)),
                {s: float(stats["mean"][i]) for i, s in enumerate(outcome.states)},
                {s: float(stats["p05"][i]) for i, s in enumerate(outcome.states)},
                {s: float(stats["p95"][i]) for i, s in enumerate(outcome.states)},
            )
        )
    return snapshots
