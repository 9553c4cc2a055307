"""The baseline forecast as it stood at each evidence date.

At each date only sources published by then count; a column that no source had yet
spoken to stays at its reference (uniform, or no effect), and analyst assumptions hold
throughout. Fewer draws than the main run keep this quick.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from forecast.batched import posterior, structure_of, summarise
from forecast.cpt import build_tables
from forecast.domain import Study


@dataclass(frozen=True)
class Snapshot:
    date: dt.date
    sources: tuple[str, ...]
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]


def history(study: Study, draws: int = 4_000, seed: int = 0) -> list[Snapshot]:
    """One snapshot per distinct evidence date, oldest first."""
    structure = structure_of(study.network)
    outcome = study.network.node(study.network.outcome)
    snapshots = []
    for date in sorted({s.published for s in study.sources}):
        known = {s.id for s in study.sources if s.published <= date}
        kept = tuple(s for s in study.statements if s.source_id is None or s.source_id in known)
        tables = build_tables(
            dataclasses.replace(study, statements=kept), draws, np.random.default_rng(seed)
        )
        stats = summarise(posterior(structure, tables.cpts, outcome.id))
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
