"""Summaries of draws in the stable number format shared by every output."""

from __future__ import annotations

from typing import Any

from forecast.batched import summarise
from forecast.pooling import Array

DECIMALS = 10


def number(value: float) -> float:
    """A value rounded to the shared number of decimals."""
    return round(float(value), DECIMALS)


def outcome_summary(states: tuple[str, ...], point: Array, samples: Array) -> dict[str, Any]:
    """{state: {point, mean, p05, p95}} for one query."""
    stats = summarise(samples)
    return {
        state: {
            "point": number(point[i]),
            "mean": number(stats["mean"][i]),
            "p05": number(stats["p05"][i]),
            "p95": number(stats["p95"][i]),
        }
        for i, state in enumerate(states)
    }
