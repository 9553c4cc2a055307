"""Numbers in words: percentages, intervals and yardstick phrases, always together."""

from __future__ import annotations

from forecast.yardstick import Yardstick


def pct(value: float) -> str:
    """A probability as a whole percent."""
    return f"{100 * value:.0f} %"


def interval(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f} %"


def estimate(stick: Yardstick, mean: float, low: float, high: float) -> str:
    """'likely: 62 % (90 % interval 48–75 %)', the phrase from the chosen yardstick."""
    words = stick.words_for(mean)
    prefix = f"{words}: " if words else ""
    return f"{prefix}{pct(mean)} (90 % interval {interval(low, high)})"
