"""Sensitivity of the outcome to each driver and each pooled parameter (tornado data).

pgmpy has no sensitivity analysis, so it is computed here with the numpy engine on the
point tables: a driver swings between its states; a parameter swings between all its
claims at the low ends of their ranges and all at the high ends.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from forecast.analysis.influence import outcome_point
from forecast.fitting.cpt import build_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Study


@dataclass(frozen=True)
class Swing:
    factor: str
    kind: str  # "driver" or "parameter"
    low: dict[str, float]  # outcome state -> probability at the factor's low setting
    high: dict[str, float]

    def width(self, state: str) -> float:
        return abs(self.high[state] - self.low[state])


def _as_dict(study: Study, values: object) -> dict[str, float]:
    states = study.network.node(study.network.outcome).states
    return {s: float(values[i]) for i, s in enumerate(states)}  # type: ignore[index]


def driver_swings(study: Study) -> list[Swing]:
    """Each driver observed in each of its states: the lowest and highest outcome per state."""
    tables = build_tables(study)  # one set of point tables serves every driver and state
    structure = structure_of(study.network)
    swings = []
    for node in study.network.nodes:
        if node.kind != "driver":
            continue
        results = np.stack(
            [
                posterior(structure, tables.cpts, study.network.outcome, {node.id: s})[0]
                for s in node.states
            ]
        )
        swings.append(
            Swing(
                node.label,
                "driver",
                _as_dict(study, results.min(axis=0)),
                _as_dict(study, results.max(axis=0)),
            )
        )
    return swings


def parameter_swings(study: Study) -> list[Swing]:
    """Each parameter column with its claims at the low ends, then at the high ends."""
    columns = sorted({s.key() for s in study.parameters()}, key=str)
    warm = build_tables(study)
    swings = []
    for column in columns:
        ends = []
        for pick_low in (True, False):
            moved = tuple(
                dataclasses.replace(
                    s, low=s.low if pick_low else s.high, high=s.low if pick_low else s.high
                )
                if s.column == column and not s.retracted
                else s
                for s in study.statements
            )
            ends.append(outcome_point(dataclasses.replace(study, statements=moved), warm=warm))
        swings.append(
            Swing(column.label(), "parameter", _as_dict(study, ends[0]), _as_dict(study, ends[1]))
        )
    return swings


def all_swings(study: Study) -> list[Swing]:
    """Drivers and parameters together (computed once, ranked per outcome state)."""
    return driver_swings(study) + parameter_swings(study)


def tornado(swings: list[Swing], state: str, limit: int = 12) -> list[Swing]:
    """The widest swings for one outcome state."""
    return sorted(swings, key=lambda s: -s.width(state))[:limit]
