"""`forecast run --by-reader` as plain text: the reader views laid out for a terminal."""

from __future__ import annotations

from collections.abc import Iterator

from forecast.analysis.byreader import ReaderDocument
from forecast.inference.summary import StateSummary


def _cell(o: StateSummary) -> str:
    return f"{100 * o['mean']:5.1f} % [{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]"


def reader_lines(document: ReaderDocument, draws: int) -> Iterator[str]:
    """The lines of the by-reader view of `byreader.reader_document`."""
    baselines = document["baselines"]
    states = list(baselines[0]["outcome"]) if baselines else []
    width = max(len(f"{b['reader']} ({b['claims']} claims)") for b in baselines)
    yield (
        f"Baseline by reader (mean % [90 % interval]; each view at the fewest draws, at most "
        f"{draws}, that hold its interval ends within a point)"
    )
    yield f"{'reader':<{width}}  " + "  ".join(f"{s:>22}" for s in states) + "  draws (error)"
    for b in baselines:
        who = f"{b['reader']} ({b['claims']} claims)"
        cells = "  ".join(f"{_cell(b['outcome'][s]):>22}" for s in states)
        yield f"{who:<{width}}  {cells}  {b['draws']} (±{100 * b['monte_carlo_error']:.2f})"
    yield ""
    yield "Width of the baseline's 90 % interval, in points, and the part the readers bring"
    for d in document["disagreement"]:
        yield (
            f"  {d['state']:<12} {100 * d['width']:5.1f} with the bootstrap over readers, "
            f"{100 * d['width_readers_fixed']:5.1f} with their shares fixed "
            f"({d['draws_readers_fixed']} draws): "
            f"{100 * d['share']:3.0f} % from the readers' disagreement "
            f"(each end ±{100 * d['monte_carlo_error']:.2f})"
        )
    yield ""
    yield "Claimed effects: fitted odds ratio in each reader's own network"
    for e in document["effects"]:
        where = e["where"]
        ratios = ", ".join(
            f"{r} x{x:.2f} ({e['direction'][r]})" for r, x in e["fitted_odds_ratio"].items()
        )
        verdict = e["verdict"] if e["agree_on_direction"] else e["verdict"].upper()
        claimed = ", ".join(e["claimed_by"])
        yield f"  {e['node']}={e['state']} | {where}: {ratios}; {verdict} (claimed by {claimed})"
