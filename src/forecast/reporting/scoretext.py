"""`forecast score` as plain text: the two scores, each scored forecast, calibration."""

from __future__ import annotations

from collections.abc import Iterator

from forecast.analysis.scoring import ScoreDocument, Unscored


def score_lines(document: ScoreDocument) -> Iterator[str]:
    """The lines of `scoring.score_document`."""
    yield (
        f"{document['entries']} published entries read, {document['counted']} counted "
        f"({document['counting']}), {document['resolved_questions']} resolved questions, "
        f"{document['scored']} scored forecasts"
    )
    resolved, missed = document["resolved_questions"], document["unscored"]
    if not resolved:
        yield "nothing to score yet: record resolutions in ledger/resolutions.yaml"
        return
    if not document["scored"]:
        yield from _unscored_lines(resolved, missed)
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
    if missed:
        yield ""
        yield "not scored:"
        yield from (f"  {_why(m)}" for m in missed)


def _why(missed: Unscored) -> str:
    detail = f" ({missed['detail']})" if missed["detail"] else ""
    return f"{missed['node']} resolved {missed['resolved_on']}: {missed['why']}{detail}"


def _unscored_lines(resolved: int, missed: list[Unscored]) -> Iterator[str]:
    """Resolutions are recorded, but none scored: say why, resolution by resolution."""
    if resolved == 1 and len(missed) == 1:
        one = missed[0]
        detail = f"; {one['detail']}" if one["detail"] else ""
        yield (
            f"1 resolution recorded, but {one['why']} ({one['node']} resolved "
            f"{one['resolved_on']}{detail})"
        )
        return
    yield f"{resolved} resolutions recorded, but none is scored yet:"
    yield from (f"  {_why(m)}" for m in missed)
