"""Summaries of draws in the stable number format shared by every output."""

from __future__ import annotations

from typing import Any

from forecast.batched import summarise
from forecast.pooling import Array

DECIMALS = 10


def _number(value: float) -> float:
    return round(float(value), DECIMALS)


def outcome_summary(states: tuple[str, ...], point: Array, samples: Array) -> dict[str, Any]:
    """{state: {point, mean, p05, p95}} for one query."""
    stats = summarise(samples)
    return {
        state: {
            "point": _number(point[i]),
            "mean": _number(stats["mean"][i]),
            "p05": _number(stats["p05"][i]),
            "p95": _number(stats["p95"][i]),
        }
        for i, state in enumerate(states)
    }
