"""`forecast history` as plain text: one line per arrival date."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def history_lines(document: Mapping[str, Any]) -> Iterator[str]:
    """The lines of `history.history_document`."""
    snapshots = document["snapshots"]
    if not snapshots:
        yield "no source and no observation yet"
        return
    states = list(snapshots[0]["baseline"])
    yield (
        f"The baseline of {document['outcome']} at each arrival date (point, and mean "
        "[90 % interval] of the date's draws, in %; ± the largest Monte Carlo error of an end)"
    )
    yield f"{'date':<10}  " + "  ".join(f"{s:>24}" for s in states) + "  draws  error  arrived"
    for snap in snapshots:
        cells = []
        for s in states:
            o = snap["baseline"][s]
            cells.append(
                f"{100 * o['point']:4.1f} {100 * o['mean']:4.1f} "
                f"[{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]"
            )
        arrived = snap["arrived"]["sources"] + [
            f"seen: {o}" for o in snap["arrived"]["observations"]
        ]
        yield (
            f"{snap['date']:<10}  "
            + "  ".join(f"{c:>24}" for c in cells)
            + f"  {snap['draws']:5d}  ±{100 * snap['interval_error']:4.2f}  "
            + ", ".join(arrived)
        )
