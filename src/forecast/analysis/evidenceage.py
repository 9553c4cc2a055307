"""How old the evidence behind each node is, against the model's as-of date."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from forecast.inputs.domain import Study

STALE_AFTER_DAYS = 2 * 365  # evidence older than about two years is flagged


class AgeRow(TypedDict):
    """A node's newest cited evidence: its date and source, and its age at the as-of date
    (None throughout when no cited claim speaks to the node)."""

    node: str
    label: str
    newest: str | None
    source: str | None
    age_years: float | None
    stale: bool


def evidence_age(study: Study) -> list[AgeRow]:
    """Per node: the newest active cited claim's source date, that source, its age in
    years at the as-of date, and whether it is stale (None dates: no cited evidence)."""
    as_of = study.model.as_of
    rows = []
    for node in study.network.nodes:
        dated = [
            (study.source(s.source_id).published, s.source_id)
            for s in study.active()
            if s.cited and s.source_id is not None and s.node == node.id
        ]
        newest: tuple[dt.date, str] | None = max(dated) if dated else None
        age = (as_of - newest[0]).days if newest else None
        rows.append(
            AgeRow(
                node=node.id,
                label=node.label,
                newest=newest[0].isoformat() if newest else None,
                source=newest[1] if newest else None,
                age_years=round(age / 365.25, 1) if age is not None else None,
                stale=age is None or age > STALE_AFTER_DAYS,
            )
        )
    return rows
