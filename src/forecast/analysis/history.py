"""The baseline forecast as it stood at each evidence date, and what each arrival added.

Each date's snapshot is the study that date knew (`asof.known_on`, the same question
`run --as-of` answers): the sources published and the observations seen by then, as read
today, each claim weighed at that date; what no source had yet spoken to is held by the
assumptions (explicit or default). The last snapshot is the model's own as-of date, which
is the study `run` answers. Every snapshot uses the same seed, and each claim draws from its
own stream, so the difference between two snapshots is the added sources' doing, not a
reshuffle of the draws. Each date's fitted draws are kept in the fit cache, so a report
after an edit refits only the dates the edited claim counts at. Given no draw count, each
date uses the fewest draws that hold its interval ends within a point (`precision`), and
every snapshot carries its draws and the Monte Carlo error of its interval's ends.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from forecast.analysis.precision import fewest_draws, largest_error
from forecast.base.defaults import DEFAULT_DRAWS
from forecast.base.forked import forked_map
from forecast.fitting.run import FitCache, kept_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inference.summary import OutcomeSummary, number, outcome_summary
from forecast.inputs.asof import known_on
from forecast.inputs.domain import Study


@dataclass(frozen=True)
class Snapshot:
    date: dt.date
    sources: tuple[str, ...]  # published by then
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]
    point: dict[str, float] = field(default_factory=dict)
    observations: tuple[str, ...] = ()  # seen by then
    draws: int = 0  # the draws the date's intervals come from
    error: dict[str, float] = field(default_factory=dict)  # the interval ends' largest MC error

    def width(self, state: str) -> float:
        return self.high[state] - self.low[state]

    def document(self, before: Snapshot | None) -> dict[str, Any]:
        """This snapshot as JSON, with what arrived since `before`."""
        return {
            "date": self.date.isoformat(),
            "arrived": {
                "sources": [s for s in self.sources if before is None or s not in before.sources],
                "observations": [
                    o for o in self.observations if before is None or o not in before.observations
                ],
            },
            "baseline": {
                s: {
                    "point": number(self.point[s]),
                    "mean": number(self.mean[s]),
                    "p05": number(self.low[s]),
                    "p95": number(self.high[s]),
                    "interval_error": number(self.error[s]),
                }
                for s in self.mean
            },
            "draws": self.draws,
            "interval_error": number(max(self.error.values(), default=0.0)),
        }


@dataclass(frozen=True)
class Step:
    """What arrived at one date did to the baseline: how far each state's mean moved and
    how much its 90 % interval narrowed (negative: widened), in points."""

    date: dt.date
    added: tuple[str, ...]
    moved: dict[str, float]
    narrowed: dict[str, float]


def steps(snapshots: list[Snapshot]) -> list[Step]:
    """The change from each snapshot to the next, named by the sources and observations it
    added."""
    out = []
    for before, after in itertools.pairwise(snapshots):
        states = list(after.mean)
        added = tuple(s for s in after.sources if s not in before.sources)
        added += tuple(o for o in after.observations if o not in before.observations)
        out.append(
            Step(
                after.date,
                added,
                {s: 100 * (after.mean[s] - before.mean[s]) for s in states},
                {s: 100 * (before.width(s) - after.width(s)) for s in states},
            )
        )
    return out


def arrival_dates(study: Study) -> list[dt.date]:
    """Every date on which a source was published or something was seen, oldest first,
    and the model's own as-of date last."""
    seen = {o.seen.first for o in study.observations if not o.retracted}
    dates = {s.published for s in study.sources} | seen
    return sorted(d for d in dates | {study.model.as_of} if d <= study.model.as_of)


def history(
    study: Study,
    draws: int | None = None,
    seed: int = 0,
    cache: FitCache | None = None,
    also: tuple[dt.date, ...] = (),
    most: int = DEFAULT_DRAWS,
    today: OutcomeSummary | None = None,
) -> list[Snapshot]:
    """One snapshot per arrival date (and per date in `also`), oldest first, each fitted on
    `draws` draws, or, when None, on the fewest (up to `most`) that hold its interval ends
    within `precision.VIEW_ERROR`; `cache` keeps each date's fitted draws (in its folder,
    under the date's study's own key). The dates are fitted side by side (`forked`).
    `today`, the baseline a run of `study` itself on `most` draws already has, is the
    snapshot of the date whose study is `study` (the model's as-of date), not fitted again."""
    kept_in = None if cache is None else FitCache(cache.root)
    structure = structure_of(study.network)
    outcome = study.network.outcome
    states = study.network.node(outcome).states

    def snapshot(date: dt.date) -> Snapshot:
        then = known_on(study, date)
        given = then.given_for({}, {})

        def fit(count: int) -> OutcomeSummary:
            tables, cpts = kept_tables(then, count, seed, kept_in)
            point = posterior(structure, tables, outcome, given)[0]
            return outcome_summary(states, point, posterior(structure, cpts, outcome, given))

        if draws is None and today is not None and then == study:
            summary, used = today, most
        elif draws is None:
            done = fewest_draws(fit, largest_error, most)
            summary, used = done.value, done.draws
        else:
            summary, used = fit(draws), draws
        return Snapshot(
            date,
            tuple(sorted(s.id for s in then.sources)),
            {s: summary[s]["mean"] for s in states},
            {s: summary[s]["p05"] for s in states},
            {s: summary[s]["p95"] for s in states},
            {s: summary[s]["point"] for s in states},
            tuple(o.id for o in then.observations if not o.retracted),
            used,
            {s: max(summary[s]["p05_error"], summary[s]["p95_error"]) for s in states},
        )

    # the dates are independent fits: shared out over the cores
    return forked_map(snapshot, sorted(set(arrival_dates(study)) | set(also)))


def history_document(study: Study, snapshots: list[Snapshot]) -> dict[str, Any]:
    """The history as JSON: the outcome and the snapshots, each with the draws it used and
    its interval ends' Monte Carlo error."""
    return {
        "outcome": study.network.outcome,
        "snapshots": [
            snap.document(before)
            for before, snap in zip([None, *snapshots[:-1]], snapshots, strict=True)
        ],
    }
