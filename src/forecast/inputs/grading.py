"""Claim weights from Admiralty grades and source recency, read from a documented table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from forecast.base.yamlio import package_yaml

DAYS_PER_YEAR = 365.25


def _table() -> dict[str, Any]:
    return package_yaml("grading.yaml")


def reliability_weight(grade: str) -> float:
    """Weight of a source reliability grade A-F."""
    return float(_table()["reliability"][grade]["weight"])


def credibility_weight(grade: int) -> float:
    """Weight of an information credibility grade 1-6."""
    return float(_table()["credibility"][grade]["weight"])


def grade_meaning(scale: str, grade: str | int) -> str:
    """The Admiralty wording of a grade, e.g. 'usually reliable'."""
    return str(_table()[scale][grade]["meaning"])


def assumption_weight() -> float:
    """Weight of an analyst assumption in the model file."""
    return float(_table()["assumption_weight"])


def default_assumption_weight() -> float:
    """Weight of the default assumptions: a uniform base column, no effect of a parent."""
    return float(_table()["default_assumption"]["weight"])


def default_effect_size() -> str:
    """The relative-scale word whose upper end is the typical size of an unclaimed effect."""
    return str(_table()["default_assumption"]["effect_scale"])


def age_in_half_lives(published: dt.date, as_of: dt.date, half_life_years: float) -> float:
    """How many half-lives old a source published on `published` is at `as_of`."""
    return (as_of - published).days / DAYS_PER_YEAR / half_life_years


def period_ages(
    first: dt.date, last: dt.date, as_of: dt.date, half_life_years: float
) -> tuple[float, float]:
    """The age in half-lives at `as_of` of the first and the last day a date may be."""
    return (
        age_in_half_lives(first, as_of, half_life_years),
        age_in_half_lives(last, as_of, half_life_years),
    )


def source_weight(grade: str, ages: tuple[float, float]) -> float:
    """A source's weight: its reliability times its recency at the midpoint of its ages."""
    return reliability_weight(grade) * float(recency_at((ages[0] + ages[1]) / 2))


def recency_weight(published: dt.date, as_of: dt.date, half_life_years: float) -> float:
    """Exponential decay with the given half-life; a source is never weighted above 1."""
    return float(recency_at(age_in_half_lives(published, as_of, half_life_years)))


def recency_at(half_lives: Any) -> Any:
    """The recency weight at an age in half-lives (a number or an array): 2^-age, and 1 for
    a source no older than the as-of date."""
    return 0.5 ** np.maximum(0.0, half_lives)
