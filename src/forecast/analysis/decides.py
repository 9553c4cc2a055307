"""What the whole-question forecasts decide, and what the driver priors decide.

The sources' whole-question statements (a level on the outcome with no condition, a
forecast or not) pin its marginal, and the drivers' effects can absorb whatever the driver
priors say. Refits of the point network show it: the baseline with the whole-question
statements left out (the drivers and their effects alone), and, for each statement on a
driver's prior, the baseline with that statement held at the low and at the high end of
its range, the rest refitted, with the whole-question statements and without them; and
the baseline with those statements held against the other frame (`fitting.frames`: the
driver priors of their source's date, or today's). Baselines here are the point network's
outcome without the observations, as the claims speak of the model.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, TypedDict

from forecast.base.forked import forked_map
from forecast.fitting.cpt import Tables, build_tables
from forecast.fitting.frames import whole_question
from forecast.inference.compiled import posterior
from forecast.inference.structure import Structure, structure_of
from forecast.inputs.domain import ColumnKey, Statement, Study


class PriorSwing(TypedDict):
    """The baseline with one driver-prior statement held at each end of its range."""

    statement: str
    node: str
    state: str
    assumption: bool  # an analyst assumption, no source behind it
    low: float
    high: float
    at_low: dict[str, float]
    at_high: dict[str, float]
    alone_low: dict[str, float]  # the same, with the whole-question statements left out
    alone_high: dict[str, float]


class Decides(TypedDict):
    full: dict[str, float]  # the baseline of the full fit
    without_forecasts: dict[str, float]  # the whole-question statements left out
    forecasts: list[str]  # the whole-question statements left out
    priors: list[PriorSwing]  # widest first
    against: str  # settings.forecasts_against: source_date or today
    frames: dict[str, str]  # each whole-question statement held at its source's date: the date
    other: str  # the other setting
    with_other: dict[str, float]  # the baseline of the full fit under the other setting


def _baseline(study: Study, structure: Structure, tables: Tables) -> dict[str, float]:
    outcome = study.network.node(study.network.outcome)
    answer = posterior(structure, tables.cpts, outcome.id)[0]
    return {s: round(float(answer[i]), 10) for i, s in enumerate(outcome.states)}


def _replaced(study: Study, old: Statement, new: Statement) -> Study:
    return dataclasses.replace(
        study, statements=tuple(new if s is old else s for s in study.statements)
    )


def driver_priors(study: Study) -> list[Statement]:
    """The active statements on a driver's prior: its base column, or its marginal."""
    out = []
    for s in study.active():
        if study.network.node(s.node).kind != "driver" or s.direction is not None:
            continue
        if s.column == ColumnKey(s.node) or (s.column is None and not s.given and not s.do):
            out.append(s)
    return out


def _held_at_ends(
    study: Study, structure: Structure, s: Statement, warm: Tables
) -> list[dict[str, float]]:
    """The baseline with `s` held at the low and at the high end of its range."""
    ends = []
    for end in (s.low, s.high):
        held = _replaced(study, s, dataclasses.replace(s, low=end, high=end))
        ends.append(_baseline(held, structure, build_tables(held, point=warm)))
    return ends


def what_decides(study: Study, warm: Tables | None = None) -> Decides:
    """The baseline without the whole-question statements, and each driver prior's swing
    with them and without them."""
    warm = build_tables(study) if warm is None else warm
    structure = structure_of(study.network)
    whole = whole_question(study)
    alone = dataclasses.replace(
        study, statements=tuple(s for s in study.statements if s not in whole)
    )
    swings = []
    priors = driver_priors(study)
    held = forked_map(  # each prior's four refits, the priors shared out over the cores
        lambda s: (
            _held_at_ends(study, structure, s, warm),
            _held_at_ends(alone, structure, s, warm),
        ),
        priors,
    )
    for s, (both, bare) in zip(priors, held, strict=True):
        swings.append(
            PriorSwing(
                statement=s.id,
                node=s.node,
                state=s.state,
                assumption=not s.cited,
                low=s.low,
                high=s.high,
                at_low=both[0],
                at_high=both[1],
                alone_low=bare[0],
                alone_high=bare[1],
            )
        )
    swings.sort(key=lambda w: (-_width(w), w["statement"]))
    settings = study.model.settings
    other = _OTHER[settings.forecasts_against]
    flipped = study.with_settings(dataclasses.replace(settings, forecasts_against=other))
    return Decides(
        full=_baseline(study, structure, warm),
        without_forecasts=_baseline(alone, structure, build_tables(alone, point=warm)),
        forecasts=[s.id for s in whole],
        priors=swings,
        against=settings.forecasts_against,
        frames={k: f.date.isoformat() for k, f in sorted(warm.frames.items())},
        other=other,
        with_other=_baseline(flipped, structure, build_tables(flipped, point=warm)),
    )


_OTHER: dict[str, Literal["source_date", "today"]] = {
    "source_date": "today",
    "today": "source_date",
}


def _width(swing: PriorSwing) -> float:
    return max(abs(swing["at_high"][k] - swing["at_low"][k]) for k in swing["at_low"])
