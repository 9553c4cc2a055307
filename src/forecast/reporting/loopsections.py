"""The report's Markdown for the forecaster's loop: what was seen, what to watch next, and
the track record of the published forecasts."""

from __future__ import annotations

from forecast.analysis.forecastdoc import ForecastDocument
from forecast.reporting.markdown_table import cell, table


def _share(outcome: dict[str, float]) -> str:
    return " / ".join(f"{100 * p:.0f}" for p in outcome.values()) + " %"


def seen_line(context: ForecastDocument) -> list[str]:
    """One sentence naming every observation the forecast is given, or none."""
    seen = [o for o in context.observations if not o["retracted"]]
    if not seen:
        return ["Nothing has been observed yet: every number is the model's alone."]
    items = ", ".join(f"`{o['node']}` = `{o['state']}` ({o['seen']}, `{o['id']}`)" for o in seen)
    return [f"Every number is given what was seen: {items}."]


def watchlist_table(context: ForecastDocument) -> list[str]:
    """The unseen signposts, most informative first, with the outcome if seen or not and, for
    one that tells almost nothing, the document's reason why."""
    signposts = context.watchlist["indicators"]
    if not signposts:
        return ["No signpost to watch: the model has no indicator node that has not been seen."]
    order = " / ".join(context.state_labels[s] for s in context.states)
    rows = []
    for s in signposts:
        seen = [state for state in s["outcome_if"] if state != s["baseline"]]
        rows.append(
            [
                cell(s["label"]) + f" (`{s['node']}`)",
                f"{s['bits']:.3f} [{s['bits_p05']:.3f}–{s['bits_p95']:.3f}]",
                ", ".join(f"{st}: {100 * s['chance'][st]:.0f} %" for st in seen),
                "; ".join(f"{st}: {_share(s['outcome_if'][st])}" for st in seen),
                _share(s["outcome_if"][s["baseline"]]),
                cell(s["reason"] or ""),
            ]
        )
    intro = (
        "Signposts not yet seen, most informative first: the mutual information between each "
        "and the outcome, in bits, on the point network with its 90 % interval over the "
        f"draws, and the outcome ({cell(order)}) if it is seen or not; a signpost below "
        f"{context.watchlist['negligible_bits']} bits says why it tells almost nothing."
    )
    head = ["Signpost", "Bits [90 %]", "Chance of seeing it", "If seen", "If not", "Note"]
    return [intro, "", *table(head, rows)]


def track_record_section(context: ForecastDocument) -> list[str]:
    """The scores of the published forecasts, each scored forecast and calibration."""
    record = context.track_record
    if record is None:
        return []
    lines = [
        "## Track record",
        "",
        f"{record['scored']} scored forecasts from {record['entries']} published entries "
        f"({record['counted']} counted: {record['counting']}). "
        f"Brier score {record['brier']:.4f} ({cell(record['conventions']['brier'])}); "
        f"logarithmic score {record['log']:.4f} ({cell(record['conventions']['log'])}).",
        "",
    ]
    lines += table(
        ["Published", "Question", "Happened", "Brier", "Log"],
        (
            [
                r["published"],
                f"`{r['node']}`",
                f"`{r['happened']}`",
                f"{r['brier']:.4f}",
                f"{r['log']:.4f}",
            ]
            for r in record["rows"]
        ),
    )
    lines += ["", "Calibration: forecasts binned by their probability.", ""]
    lines += table(
        ["Bin", "Forecasts", "Mean forecast", "Happened"],
        (
            [
                f"{100 * b['from']:.0f}–{100 * b['to']:.0f} %",
                str(b["forecasts"]),
                f"{100 * b['mean_forecast']:.1f} %",
                f"{100 * b['happened']:.1f} %",
            ]
            for b in record["calibration"]
        ),
    )
    return [*lines, ""]
