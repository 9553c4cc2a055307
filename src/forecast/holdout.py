"""Leave one source out: what the other sources imply for each of its claims.

For each source, the tables are rebuilt without any of its claims, and each of its claims
is valued under the network the others make. A claim is coherent only when that point
value lies inside its range; in-sample agreement proves nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from forecast.claimfit import active_claims, claim_row, misses_first
from forecast.cpt import build_tables
from forecast.domain import Study
from forecast.influence import source_influence


def without_source(study: Study, source_id: str) -> Study:
    """The study with every statement of one source left out."""
    kept = tuple(s for s in study.statements if s.source_id != source_id)
    return dataclasses.replace(study, statements=kept)


def holdout_rows(study: Study) -> list[dict[str, Any]]:
    """One row per active claim, valued by the network built from the other sources."""
    rows = []
    for source in study.sources:
        claims = [s for s in active_claims(study) if s.source_id == source.id]
        if not claims:
            continue
        others = build_tables(without_source(study, source.id))
        for statement in claims:
            row = claim_row(study, others, statement)
            row["coherent"] = row.pop("honoured")
            row["others"] = row.pop("fitted")
            rows.append(row)
    return misses_first(rows, ok="coherent")


def holdout_summary(study: Study, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Which sources the others contradict, and which source the baseline leans on most."""
    disagree = sorted({r["source"] for r in rows if not r["coherent"]})
    leans = max(
        (source_influence(study, s.id) for s in study.sources if not s.meta.retracted),
        key=lambda inf: (inf.size, inf.what),
        default=None,
    )
    return {
        "disagree": disagree,
        "leans_on": None if leans is None else leans.source,
        "leans_on_shift": None if leans is None else leans.shift,
    }
