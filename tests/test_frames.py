"""A source's forecast of the whole question held against the driver priors of its own date
(`settings.forecasts_against: source_date`), or against today's (`today`).

A constructed workspace: a driver x and the outcome y. An early source (2020) forecasts y
with no condition; a later one (2023) states x's prior and y's column under each state of
x. As of 2024, the early forecast is held against x's prior as the study of 2020 knew it
(no claim on x yet: its default, moved a little by the forecast itself), so it says nothing about today's prior of x.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from forecast.analysis.decides import what_decides
from forecast.fitting.claimfit import fit_rows
from forecast.fitting.cpt import build_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inputs.asof import known_on
from forecast.inputs.domain import Network, Source, SourceFacts, Statement, Study, period_of

from .synthetic import random_network, statement, study_of
from .test_joint_fit import _assert_exact_gradient


def _source(ident: str, date: str) -> Source:
    facts = SourceFacts(
        f"source {ident}",
        "an author",
        "a publisher",
        period_of(date),
        "stated",
        "report",
        "B",
        "a test",
        None,
    )
    return Source(ident, facts, f"evidence/{ident}.yaml", 1.0, period_of(date).first)


def _net() -> Network:
    return random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})


def _claims(net: Network, whole: bool = True) -> list[Statement]:
    out = [
        statement(net, "prior", "x", "s1", 0.8, source="late"),
        statement(net, "base", "y", "s1", 0.1, given={"x": "s0"}, source="late"),
        statement(net, "moved", "y", "s1", 0.6, given={"x": "s1"}, source="late"),
    ]
    if whole:
        out.append(statement(net, "whole", "y", "s1", 0.2, weight=3.0, source="early"))
    return out


def _study(against: str, whole: bool = True) -> Study:
    net = _net()
    study = study_of(net, _claims(net, whole), assumptions="compete")
    study = dataclasses.replace(
        study, sources=(_source("early", "2020-01-01"), _source("late", "2023-06-01"))
    )
    settings = dataclasses.replace(study.model.settings, forecasts_against=against)
    return study.with_settings(settings)


def test_the_early_forecast_is_held_against_the_priors_of_its_date() -> None:
    study = _study("source_date")
    tables = build_tables(study)
    assert set(tables.frames) == {"whole"}
    frame = tables.frames["whole"]
    assert str(frame.date) == "2020-01-01"
    # the frame is the point fit of the study 2020 knew: no claim on x yet, so its default
    # (uniform) with the early forecast itself held against it
    then = build_tables(
        known_on(
            study.with_settings(
                dataclasses.replace(study.model.settings, forecasts_against="today")
            ),
            frame.date,
        )
    )
    np.testing.assert_allclose(frame.tables["x"], then.cpts["x"], atol=1e-12)
    assert abs(frame.tables["x"][0, 1] - 0.5) < 0.1 < tables.cpts["x"][0, 1] - 0.5
    # the fit row's value is the outcome's marginal with that prior of x in place of today's
    row = next(r for r in fit_rows(study, tables) if r["id"] == "whole")
    y_given_x = tables.cpts["y"][0][:, 1]
    assert row["held_against"] == "2020-01-01"
    assert row["fitted"] == pytest.approx(float(frame.tables["x"][0] @ y_given_x), abs=1e-9)


def test_an_old_forecast_leaves_todays_driver_prior_alone() -> None:
    """Held against its own date, the forecast cannot move today's prior of x: x's table is
    the fit without it. Held against today's priors, it pulls x's prior towards the state
    that makes y=s1 rarer."""
    framed = build_tables(_study("source_date")).cpts["x"]
    without = build_tables(_study("source_date", whole=False)).cpts["x"]
    np.testing.assert_allclose(framed, without, atol=1e-7)
    today = build_tables(_study("today")).cpts["x"]
    assert today[0, 1] < without[0, 1] - 0.02


def test_today_holds_the_forecast_against_the_fitted_priors() -> None:
    study = _study("today")
    tables = build_tables(study)
    assert tables.frames == {}
    row = next(r for r in fit_rows(study, tables) if r["id"] == "whole")
    marginal = posterior(structure_of(study.network), tables.cpts, "y")[0][1]
    assert "held_against" not in row and row["fitted"] == pytest.approx(float(marginal), abs=1e-9)


def test_the_gradient_with_framed_terms_matches_finite_differences() -> None:
    study = _study("source_date")
    tables = build_tables(study, 3, np.random.default_rng(1))
    assert tables.problem.terms.framed
    _assert_exact_gradient(tables.problem, tables.theta)


def test_a_source_dated_at_the_as_of_date_has_no_frame() -> None:
    study = _study("source_date")
    late = dataclasses.replace(_source("early", "2024-01-01"))
    study = dataclasses.replace(study, sources=(late, study.sources[1]))
    assert build_tables(study).frames == {}


def test_what_decides_shows_the_baseline_under_the_other_setting() -> None:
    decides = what_decides(_study("source_date"))
    assert decides["against"] == "source_date" and decides["other"] == "today"
    assert decides["frames"] == {"whole": "2020-01-01"}
    today = _study("today")
    answer = posterior(structure_of(today.network), build_tables(today).cpts, "y")[0]
    assert decides["with_other"]["s1"] == pytest.approx(float(answer[1]), abs=1e-8)
    assert decides["with_other"]["s1"] != pytest.approx(decides["full"]["s1"], abs=1e-3)
