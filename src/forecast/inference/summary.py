"""Summaries of draws (means, quantiles and the Monte Carlo error of a quantile), in the
stable number format shared by every output."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from forecast.base.arrays import Array
from forecast.base.threads import spans, thread_count, threaded_map

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
    return _summarise_sorted(samples, _sorted_rows(samples), quantiles)


def _summarise_sorted(
    samples: Array, ordered: Array, quantiles: Sequence[float]
) -> dict[str, Array]:
    out = {"mean": samples.mean(axis=0)}
    for q in quantiles:
        out[f"p{round(q * 100):02d}"] = sorted_quantile(ordered, q)
    return out


def _sorted_rows(samples: Array) -> Array:
    """Each state's draws sorted, one row per state: (states, draws). A row is sorted
    along its contiguous axis, where numpy's vectorised sort runs several times faster
    than the partial sorts of `np.quantile` (one per quantile and state)."""
    return np.sort(samples.T, axis=-1)


def sorted_quantile(ordered: Array, q: float) -> Array:
    """The q-quantile of each row of rows sorted along their last axis, equal to the bit
    to `np.quantile`'s default ("linear") method: position (n - 1) q, between the two
    order statistics either side, interpolated the way numpy does it (from the upper one
    when the weight is at least one half)."""
    n = ordered.shape[-1]
    position = (n - 1) * q
    if position >= n - 1:
        return ordered[..., -1].copy()
    below = max(0, math.floor(position))
    weight = position - below
    low, high = ordered[..., below], ordered[..., below + 1]
    step = high - low
    out: Array = high - step * (1 - weight) if weight >= 0.5 else low + step * weight
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
    return _error_of_sorted(_sorted_rows(samples), q)


def _error_of_sorted(ordered: Array, q: float) -> Array:
    """`quantile_error` from the draws already sorted, one row per state."""
    n = ordered.shape[-1]
    spread = ERROR_WINDOW * np.sqrt(n * q * (1.0 - q))
    low = ordered[..., max(0, int(np.floor(n * q - spread)))]
    high = ordered[..., min(n - 1, int(np.ceil(n * q + spread)))]
    out: Array = (high - low) / (2.0 * ERROR_WINDOW)
    return out


def number(value: float) -> float:
    """A value rounded to the shared number of decimals."""
    return round(float(value), DECIMALS)


def outcome_summary(states: Sequence[str], point: Array, samples: Array) -> OutcomeSummary:
    """{state: {point, mean, p05, p95, p05_error, p95_error}} for one query; the errors are
    the Monte Carlo standard errors of the interval's ends."""
    return outcome_summaries([(states, point, samples)])[0]


THREADED_FROM = 50_000  # values to sort (draws times states, over all questions) worth threads

Asked = tuple[Sequence[str], Array, Array]  # states, point (states,), samples (draws, states)


def outcome_summaries(asked: Sequence[Asked]) -> list[OutcomeSummary]:
    """`outcome_summary` of each (states, point, samples), in order. The questions with
    samples of one shape are sorted as one block, one sort per state's row (`_sorted_rows`),
    its parts side by side in threads when they are many; each summary is exactly what it
    would be alone."""
    out: list[OutcomeSummary] = [{} for _ in asked]
    alike: dict[tuple[int, ...], list[int]] = {}
    for i, (_, _, samples) in enumerate(asked):
        alike.setdefault(samples.shape, []).append(i)
    for members in alike.values():
        means, ordered = _sorted_block([asked[i][2] for i in members])
        low, high = _error_of_sorted(ordered, 0.05), _error_of_sorted(ordered, 0.95)
        p05, p95 = sorted_quantile(ordered, 0.05), sorted_quantile(ordered, 0.95)
        for j, i in enumerate(members):
            states, point, _ = asked[i]
            mean = means[j]
            out[i] = {
                state: {
                    "point": number(point[k]),
                    "mean": number(mean[k]),
                    "p05": number(p05[j, k]),
                    "p95": number(p95[j, k]),
                    "p05_error": number(low[j, k]),
                    "p95_error": number(high[j, k]),
                }
                for k, state in enumerate(states)
            }
    return out


def _sorted_block(samples: Sequence[Array]) -> tuple[Array, Array]:
    """The means of (draws, states) arrays, (arrays, states), and their rows of
    `_sorted_rows` stacked, (arrays, states, draws); made and sorted in consecutive parts
    over threads when there are many values. A mean sums its state's draws along their
    row (numpy's pairwise sum, as `np.mean` does along a contiguous axis)."""
    block = np.empty((len(samples), *samples[0].shape[::-1]))
    means = np.empty(block.shape[:2])
    count = thread_count() if block.size >= THREADED_FROM else 1

    def fill(span: tuple[int, int]) -> None:
        part = block[span[0] : span[1]]
        for i in range(*span):
            block[i] = samples[i].T
        np.mean(part, axis=-1, out=means[span[0] : span[1]])
        part.sort(axis=-1)

    threaded_map(fill, spans(len(samples), count))
    return means, block
