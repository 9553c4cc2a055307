"""The draws a side view needs: as few as hold every interval end it prints to a point.

The run's scenarios keep their own precision target (`sizes`). The views beside them (each
reader's baseline, the readers' shares held fixed, the forecast at each arrival date)
may use fewer draws, on one condition: each shows its own Monte Carlo error, and that
error is at most `VIEW_ERROR` at every interval end it prints. A view is fitted at
`FIRST_DRAWS`, then at twice as many, and so on up to the most it may use, until its
largest error is within the limit; the view carries the draws it used and that error.
The ladder depends on the fitted draws alone, so the same inputs and seed always stop on
the same rung.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from forecast.inference.summary import OutcomeSummary

VIEW_ERROR = 0.01  # the largest Monte Carlo error of an interval end a view prints (a point)
FIRST_DRAWS = 500  # the first rung; the estimate of a 5th percentile's error has 25 draws below it

T = TypeVar("T")


def ladder(most: int) -> list[int]:
    """The draw counts tried, fewest first: FIRST_DRAWS doubled while below `most`, then
    `most` itself."""
    rungs = []
    draws = FIRST_DRAWS
    while draws < most:
        rungs.append(draws)
        draws *= 2
    return [*rungs, most]


def largest_error(summary: OutcomeSummary) -> float:
    """The largest Monte Carlo error of any interval end of a summary."""
    return max(max(s["p05_error"], s["p95_error"]) for s in summary.values())


@dataclass(frozen=True)
class Precise(Generic[T]):
    """A view fitted on the ladder: its value, the draws it used and its largest error."""

    value: T
    draws: int
    error: float


def fewest_draws(fit: Callable[[int], T], error: Callable[[T], float], most: int) -> Precise[T]:
    """`fit` at each rung of `ladder(most)` until `error` of its value is at most
    VIEW_ERROR (or the last rung is reached)."""
    for draws in ladder(most):
        value = fit(draws)
        worst = error(value)
        if worst <= VIEW_ERROR:
            break
    return Precise(value, draws, worst)
