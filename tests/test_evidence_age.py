"""The age of the newest evidence behind each node."""

from __future__ import annotations

import datetime as dt

from forecast.analysis.evidenceage import STALE_AFTER_DAYS, evidence_age


def test_every_node_has_its_newest_cited_evidence(study) -> None:  # type: ignore[no-untyped-def]
    rows = {row["node"]: row for row in evidence_age(study)}
    assert set(rows) == set(study.network.ids)
    for node, row in rows.items():
        cited = [
            study.source(s.source_id).published
            for s in study.active()
            if s.cited and s.node == node and s.source_id is not None
        ]
        if not cited:
            assert row["newest"] is None and row["stale"]
            continue
        newest = max(cited)
        assert row["newest"] == newest.isoformat()
        assert row["stale"] == ((study.model.as_of - newest).days > STALE_AFTER_DAYS)
        assert newest <= study.model.as_of + dt.timedelta(days=0)
