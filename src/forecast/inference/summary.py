"""Summaries of draws in the stable number format shared by every output."""

from __future__ import annotations

from typing import Any

from forecast.base.arrays import Array
from forecast.inference.structure import quantile_error, summarise

DECIMALS = 10


def number(value: float) -> float:
    """A value rounded to the shared number of decimals."""
    return round(float(value), DECIMALS)


def outcome_summary(states: tuple[str, ...], point: Array, samples: Array) -> dict[str, Any]:
    """{state: {point, mean, p05, p95, p05_error, p95_error}} for one query; the errors are
    the Monte Carlo standard errors of the interval's ends."""
    stats = summarise(samples)
    low, high = quantile_error(samples, 0.05), quantile_error(samples, 0.95)
    return {
        state: {
            "point": number(point[i]),
            "mean": number(stats["mean"][i]),
            "p05": number(stats["p05"][i]),
            "p95": number(stats["p95"][i]),
            "p05_error": number(low[i]),
            "p95_error": number(high[i]),
        }
        for i, state in enumerate(states)
    }
