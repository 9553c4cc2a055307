"""What changed since the previous `forecast run`, as one short table for the terminal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forecast.analysis.comparison import compare, shape_problem

MOVED = 0.0005  # a mean that moved by less than 0.05 points has not moved


def run_summary(results: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a results document the next run compares with: the scenarios' means and
    the claims."""
    return {
        "as_of": results["as_of"],
        "scenarios": [
            {
                "id": sc["id"],
                "title": sc["title"],
                "outcome": {s: {"mean": o["mean"]} for s, o in sc["outcome"].items()},
            }
            for sc in results["scenarios"]
        ],
        "claims": results["claims"],
    }


def change_lines(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> Iterator[str]:
    """One line on the claims, then the scenarios whose means moved, in points."""
    if previous is None or shape_problem(previous) is not None:
        yield "since the previous run: nothing to compare with (this is the first run here)"
        return
    changes = compare(previous, current)
    if not changes.any:
        yield "since the previous run: nothing changed"
        return
    parts = [
        f"{len(ids)} claim{'s' if len(ids) != 1 else ''} {what} ({', '.join(ids)})"
        for what, ids in (
            ("added", changes.added),
            ("removed", changes.removed),
            ("retracted", changes.retracted),
        )
        if ids
    ]
    yield "since the previous run: " + ("; ".join(parts) if parts else "no claim changed")
    moved = [
        row
        for row in changes.shifts
        if row["shift"] is None or any(abs(v) >= MOVED for v in row["shift"].values())
    ]
    if not moved:
        return
    states = list(current["scenarios"][0]["outcome"])
    width = max(len(row["title"]) for row in moved)
    yield f"{'change in mean (points)':<{width}}  " + "  ".join(f"{s:>11}" for s in states)
    for row in moved:
        cells = (
            ["new scenario".rjust(11)]
            if row["shift"] is None
            else [f"{100 * row['shift'].get(s, 0.0):+11.1f}" for s in states]
        )
        yield f"{row['title']:<{width}}  " + "  ".join(cells)
