"""Numbers in words: percentages, intervals and yardstick phrases, always together."""

from __future__ import annotations

from typing import Any

from forecast.analysis.assessment import likelihood_words
from forecast.inputs.yardstick import Yardstick


def pct(value: float) -> str:
    """A probability as a whole percent."""
    return f"{100 * value:.0f} %"


def interval(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f} %"


def estimate(stick: Yardstick, mean: float, low: float, high: float) -> str:
    """'62 % (90 % interval 48–75 %); likely, 55–80 %': number first, then the yardstick's words."""
    words = phrase(stick, mean, low, high)
    suffix = f"; {words}" if words else ""
    return f"{pct(mean)} (90 % interval {interval(low, high)}){suffix}"


def phrase(stick: Yardstick, mean: float, low: float, high: float) -> str:
    """The yardstick's words for a 90 % interval with their range, e.g. 'likely, 55–80 %',
    or 'very unlikely to unlikely, 5–45 %' where it straddles two terms ('' in a gap)."""
    words, start, end = likelihood_words(stick, low, mean, high)
    return f"{words}, {interval(start, end)}" if words else ""


def ratio(value: float) -> str:
    """An odds ratio: '×1.50'."""
    return f"×{value:.2f}"


def claimed(row: dict[str, Any]) -> str:
    """What a fit row's claim states, with its range: a probability range, or for a push an
    odds-ratio range."""
    if row.get("direction"):
        return f"{row['stated']} ({ratio(row['low'])}–{ratio(row['high'])})"
    return f"{row['stated']} ({interval(row['low'], row['high'])})"


def value(row: dict[str, Any], key: str) -> str:
    """A fit row's value under a model: a percentage, or an odds ratio for a push."""
    return ratio(row[key]) if row.get("direction") else pct(row[key])
