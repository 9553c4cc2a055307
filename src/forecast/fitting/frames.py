"""The world a whole-question forecast was made in: the driver priors of its source's date.

A source that forecasts the outcome with no condition forecast it for the world as it saw
it then. With `settings.forecasts_against: source_date`, such a claim is held against the
outcome's marginal under the priors of the outcome's parentless ancestors (the drivers) as
the model had them at the source's publication date: the point fit of the study that date
knew (`asof.known_on`, its own forecasts held against its own priors), its root tables
frozen, while everything below them is fitted to today's claims. With `today`, the claim is
held against today's priors, like any other query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.structure import ancestral, structure_of
from forecast.inputs.asof import known_on
from forecast.inputs.domain import Conditions, Network, Statement, Study

PointFit = Callable[[Study, dt.date], Mapping[str, Array]]  # the point tables of a date


@dataclass(frozen=True)
class Frame:
    """The root tables a whole-question claim is held against: those fitted as of `date`."""

    date: dt.date
    tables: dict[str, Array]  # root node -> (1, states), the point fit as of the date
    # every joint state of the roots, as a do() on them, with its weight under the frame
    mixture: tuple[tuple[Conditions, float], ...]

    def applied(self, cpts: Mapping[str, Array]) -> dict[str, Array]:
        """`cpts` with the frame's root tables in place of their own, for every draw."""
        draws = next(iter(cpts.values())).shape[0]
        out = dict(cpts)
        for node, table in self.tables.items():
            out[node] = table.repeat(draws, axis=0)
        return out


def frame_at(date: dt.date, network: Network, cpts: Mapping[str, Array]) -> Frame:
    """The frame of `date` from the point tables fitted as of then: the outcome's roots'
    tables, and their joint states weighed by them (the roots are independent)."""
    roots = roots_above(network, network.outcome)
    tables = {r: cpts[r][:1].copy() for r in roots}
    states = [network.node(r).states for r in roots]
    mixture = []
    for combo in itertools.product(*(range(len(s)) for s in states)):
        weight = float(np.prod([tables[r][0, i] for r, i in zip(roots, combo, strict=True)]))
        forced = tuple(sorted((r, s[i]) for r, s, i in zip(roots, states, combo, strict=True)))
        mixture.append((Conditions(do=forced), weight))
    return Frame(date, tables, tuple(mixture))


def roots_above(network: Network, node: str) -> tuple[str, ...]:
    """The parentless ancestors of `node`, in the model's order."""
    above = ancestral(structure_of(network), [node]) - {node}
    return tuple(n.id for n in network.nodes if n.id in above and not n.parents)


def whole_question(study: Study) -> list[Statement]:
    """The sources' forecasts of the whole question: active cited levels on the outcome
    with no condition, the claims a frame applies to."""
    outcome = study.network.outcome
    return [
        s
        for s in study.active()
        if s.cited and s.node == outcome and s.reference is None and not s.given and not s.do
    ]


def source_frames(study: Study, point_fit: PointFit) -> dict[str, Frame]:
    """Each whole-question claim's frame (statement id -> Frame); none with `today`, for a
    claim without a source, or when the source is dated at or after the model's as-of."""
    if study.model.settings.forecasts_against != "source_date":
        return {}
    settings = dataclasses.replace(study.model.settings, forecasts_against="today")
    plain = study.with_settings(settings)
    by_date: dict[dt.date, Frame] = {}
    out = {}
    for s in whole_question(study):
        if s.source_id is None:  # no source, no date of its own (a constructed study)
            continue
        date = study.source(s.source_id).published
        if date >= study.model.as_of:
            continue
        if date not in by_date:
            by_date[date] = frame_at(date, study.network, point_fit(known_on(plain, date), date))
        out[s.id] = by_date[date]
    return out
