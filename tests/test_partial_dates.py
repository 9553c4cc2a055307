"""Sources known only by their year or month: the period they cover, the recency weight at
its midpoint, and a publication day drawn across it in every draw."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.fitting.cpt import date_factors
from forecast.inputs import grading
from forecast.inputs.checks import build_study
from forecast.inputs.domain import period_of
from forecast.inputs.loading import load_inputs

from .synthetic import random_network, statement

MINI = Path(__file__).parent / "data" / "mini"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023-12", dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
        ("2024-06-15", dt.date(2024, 6, 15), dt.date(2024, 6, 15)),
    ],
)
def test_a_partial_date_covers_its_whole_period(text: str, first: dt.date, last: dt.date) -> None:
    period = period_of(text)
    assert (period.first, period.last, period.text) == (first, last, text)
    assert period.exact == (first == last)
    assert first <= period.midpoint <= last


def _workspace_with_source_date(tmp_path: Path, date: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    path = root / "evidence" / "almanac.yaml"
    text = path.read_text("utf-8")
    assert text.count("value: 2024-03-01") == 1
    path.write_text(text.replace("value: 2024-03-01", f"value: {date!r}"), "utf-8")
    return root


def test_a_source_known_by_its_year_weighs_as_at_midyear(tmp_path: Path) -> None:
    study = build_study(load_inputs(_workspace_with_source_date(tmp_path, "2023")))
    source = study.source("almanac")
    assert source.meta.date.text == "2023" and not source.meta.date.exact
    as_of, half_life = study.model.as_of, study.model.settings.half_life_years
    first = grading.age_in_half_lives(dt.date(2023, 1, 1), as_of, half_life)
    last = grading.age_in_half_lives(dt.date(2023, 12, 31), as_of, half_life)
    mine = [s for s in study.statements if s.source_id == "almanac"]
    assert mine and all(s.ages == (first, last) for s in mine)
    reliability = grading.reliability_weight(source.meta.grade)
    assert source.weight == pytest.approx(reliability * 0.5 ** ((first + last) / 2), rel=1e-12)


@given(
    first=st.floats(0.0, 3.0),
    width=st.floats(0.0, 1.0),
    root=st.integers(0, 2**32),
)
def test_a_drawn_publication_day_keeps_the_weight_inside_its_period(
    first: float, width: float, root: int
) -> None:
    net = random_network(np.random.default_rng(0), {"a": 2}, {})
    dated = statement(net, "c1", "a", "s1", 0.2, 0.3, source="s")
    dated = type(dated)(**{**dated.__dict__, "ages": (first, first + width)})
    exact = statement(net, "c2", "a", "s1", 0.2, 0.3, source="t")
    factors = date_factors([dated, exact], 2000, root)
    mid = grading.recency_at(first + width / 2)
    low, high = grading.recency_at(first + width) / mid, grading.recency_at(first) / mid
    assert np.all(factors[:, 1] == 1.0)  # a source dated to the day is never drawn
    assert np.all((factors[:, 0] >= low - 1e-12) & (factors[:, 0] <= high + 1e-12))
    if width > 0.05:  # a day drawn uniformly: the mean of 2^-age over the period, near enough
        mean = (2.0**-first - 2.0 ** -(first + width)) / (width * np.log(2.0)) / mid
        assert abs(factors[:, 0].mean() - mean) < 0.05 * mean


def test_a_month_that_does_not_exist_is_refused_with_its_line(tmp_path: Path) -> None:
    from forecast.base.errors import InputError

    with pytest.raises(InputError) as refused:
        load_inputs(_workspace_with_source_date(tmp_path, "2023-13"))
    problem = refused.value.problems[0]
    assert problem.path.endswith("almanac.yaml") and "not a calendar date" in problem.message, (
        problem
    )
