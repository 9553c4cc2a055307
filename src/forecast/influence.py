"""Leave-one-out influence: how far the point forecast moves when one claim is left out.

A claim that is alone on its column leaves that column at its reference when removed
(uniform for a base column, no effect for an effect column).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from forecast.batched import posterior
from forecast.cpt import build_tables
from forecast.domain import Study
from forecast.network import structure_of
from forecast.pooling import Array


@dataclass(frozen=True)
class Influence:
    claim: str
    source: str | None
    column: str
    shift: dict[str, float]  # outcome state -> change in probability (without - with)

    @property
    def size(self) -> float:
        """Largest absolute change over the outcome states."""
        return max(abs(v) for v in self.shift.values())


def _point(study: Study, given: Mapping[str, str], do: Mapping[str, str]) -> Array:
    tables = build_tables(study)
    return posterior(structure_of(study.network), tables.cpts, study.network.outcome, given, do)[0]


def influences(
    study: Study, given: Mapping[str, str] | None = None, do: Mapping[str, str] | None = None
) -> list[Influence]:
    """Every parameter claim's leave-one-out effect on the outcome, largest first."""
    given, do = dict(given or {}), dict(do or {})
    states = study.network.node(study.network.outcome).states
    full = _point(study, given, do)
    out = []
    for statement in study.parameters():
        if not statement.cited:
            continue
        rest = tuple(s for s in study.statements if s is not statement)
        without = _point(dataclasses.replace(study, statements=rest), given, do)
        delta = without - full
        out.append(
            Influence(
                statement.id,
                statement.source_id,
                statement.column.label(),
                {s: float(np.round(delta[i], 10)) for i, s in enumerate(states)},
            )
        )
    out.sort(key=lambda inf: (-inf.size, inf.claim))
    return out
