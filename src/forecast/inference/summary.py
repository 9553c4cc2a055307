"""Summaries of draws (means, quantiles and the Monte Carlo error of a quantile), in the
stable number format shared by every output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from forecast.base.arrays import Array

DECIMALS = 10


class StateSummary(TypedDict):
    """One state of a question over the draws: the point network's value, the draws' mean
    and 90 % interval, and the Monte Carlo errors of the interval's ends."""

    point: float
    mean: float
    p05: float
    p95: float
    p05_error: float
    p95_error: float


OutcomeSummary = dict[str, StateSummary]  # state -> its summary


def without_errors(summary: StateSummary) -> dict[str, float]:
    """A state's point value, mean and interval, the Monte Carlo errors left out."""
    o = summary
    return {"point": o["point"], "mean": o["mean"], "p05": o["p05"], "p95": o["p95"]}


def summarise(samples: Array, quantiles: Sequence[float] = (0.05, 0.95)) -> dict[str, Array]:
    """Mean and quantiles over the draw axis of (draws, states) samples."""
    out = {"mean": samples.mean(axis=0)}
    values = np.quantile(samples, list(quantiles), axis=0)  # one partition for all of them
    for q, value in zip(quantiles, values, strict=True):
        out[f"p{round(q * 100):02d}"] = value
    return out


ERROR_WINDOW = 2.0  # binomial standard deviations either side of a quantile's rank


def quantile_error(samples: Array, q: float) -> Array:
    """Monte Carlo standard error of the q-quantile over the draw axis, per state: the
    distance between the order statistics ERROR_WINDOW binomial standard deviations
    either side of its rank, over twice ERROR_WINDOW (needs no assumption about the
    draws' distribution). The rank of the sample quantile has a binomial standard
    deviation sqrt(n q (1 - q)); a window of two of them either side makes the estimate's
    own noise about 1.4 times smaller than a window of one, at a bias that is negligible
    where the quantile function is smooth."""
    return _error_of_sorted(np.sort(samples, axis=0), q)


def _error_of_sorted(ordered: Array, q: float) -> Array:
    """`quantile_error` from the draws already sorted along the draw axis."""
    n = ordered.shape[0]
    spread = ERROR_WINDOW * np.sqrt(n * q * (1.0 - q))
    low = ordered[max(0, int(np.floor(n * q - spread)))]
    high = ordered[min(n - 1, int(np.ceil(n * q + spread)))]
    out: Array = (high - low) / (2.0 * ERROR_WINDOW)
    return out


def number(value: float) -> float:
    """A value rounded to the shared number of decimals."""
    return round(float(value), DECIMALS)


def outcome_summary(states: Sequence[str], point: Array, samples: Array) -> OutcomeSummary:
    """{state: {point, mean, p05, p95, p05_error, p95_error}} for one query; the errors are
    the Monte Carlo standard errors of the interval's ends."""
    stats = summarise(samples)
    ordered = np.sort(samples, axis=0)  # one sort for both ends' errors
    low, high = _error_of_sorted(ordered, 0.05), _error_of_sorted(ordered, 0.95)
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
