"""`forecast score` as plain text: the two scores, each scored forecast, calibration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def score_lines(document: Mapping[str, Any]) -> Iterator[str]:
    """The lines of `scoring.score_document`."""
    yield (
        f"{document['entries']} published entries, {document['resolved_questions']} resolved "
        f"questions, {document['scored']} scored forecasts"
    )
    if not document["scored"]:
        yield "nothing to score yet: record resolutions in ledger/resolutions.yaml"
        return
    yield f"Brier score {document['brier']:.4f} ({document['conventions']['brier']})"
    yield f"log score   {document['log']:.4f} ({document['conventions']['log']})"
    yield ""
    yield f"{'published':<10}  {'question':<20} {'happened':<16} {'brier':>7} {'log':>8}"
    for row in document["rows"]:
        yield (
            f"{row['published']:<10}  {row['node']:<20} {row['happened']:<16} "
            f"{row['brier']:7.4f} {row['log']:8.4f}"
        )
    yield ""
    yield "calibration: forecast bin, forecasts, mean forecast, share that happened"
    for b in document["calibration"]:
        yield (
            f"  {100 * b['from']:3.0f}–{100 * b['to']:3.0f} %  {b['forecasts']:4d}  "
            f"{100 * b['mean_forecast']:5.1f} %  {100 * b['happened']:5.1f} %"
        )
