"""The relative scale: how big a push is, as an odds-ratio range (data/pushes.yaml)."""

from __future__ import annotations

from typing import Any

from forecast.base.suggest import did_you_mean
from forecast.base.yamlio import package_yaml


def _table() -> dict[str, Any]:
    return package_yaml("pushes.yaml")


def words() -> list[str]:
    """The words of the relative scale, smallest push first."""
    return list(_table()["words"])


def no_change_range() -> tuple[float, float]:
    """The odds-ratio range that counts as no change."""
    entry = _table()["no_change"]
    return float(entry["low"]), float(entry["high"])


def word_range(word: str) -> tuple[float, float] | None:
    """The odds-ratio range (above 1) a word stands for, or None for an unknown word."""
    entry = _table()["words"].get(" ".join(word.lower().split()))
    if entry is None:
        return None
    return float(entry["low"]), float(entry["high"])


def word_range_of(word: str) -> tuple[float, float]:
    """The odds-ratio range of a word the scale must know (KeyError otherwise)."""
    span = word_range(word)
    if span is None:
        raise KeyError(word)
    return span


def suggest(word: str) -> str:
    """A fix sentence for a word the relative scale does not know."""
    return did_you_mean(word, words(), "relative-scale words") + (
        " (or an odds-ratio range such as [1.5, 3])"
    )


def oriented(direction: str, low: float, high: float) -> tuple[float, float]:
    """A size read for its direction: 'lowers' turns [a, b] above 1 into [1/b, 1/a]."""
    if direction == "lowers" and low >= 1.0:
        return 1.0 / high, 1.0 / low
    return low, high


def fits_direction(direction: str, low: float, high: float) -> bool:
    """Whether an odds-ratio range agrees with its direction."""
    if direction == "raises":
        return low >= 1.0
    if direction == "lowers":
        return high <= 1.0
    return low <= 1.0 <= high
