"""--as-of, history and sensitivity on a small workspace with a signpost and an observation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from forecast.analysis.history import history
from forecast.fitting.run import run_study
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs

from .cli_runner import forecast
from .test_observations import _observation, _workspace


@pytest.fixture
def seen_root(tmp_path: Path) -> Path:
    return _workspace(tmp_path, _observation("heard", "gauge", "yes", seen="2024-05"))


def test_as_of_keeps_only_what_that_date_knew(seen_root: Path) -> None:
    now = forecast(seen_root, "run", "--json", "--draws", "200")
    assert now.returncode == 0, now.stderr
    before_source = forecast(seen_root, "run", "--json", "--draws", "200", "--as-of", "2024-02-01")
    assert before_source.returncode == 0, before_source.stderr
    said = before_source.stderr
    assert "as of 2024-02-01: sources published later are left out: almanac (2024-03-01)" in said
    assert "fall back to their defaults" in said
    then = json.loads(before_source.stdout)
    assert then["as_of"] == "2024-02-01" and "observations" not in then
    assert then["scenarios"] != json.loads(now.stdout)["scenarios"]
    # the sources as read today by default: a reading made after the date still counts
    as_read = forecast(seen_root, "run", "--json", "--draws", "200", "--as-of", "2024-05-15")
    assert "readings made later" not in as_read.stderr
    seen = json.loads(as_read.stdout)["observations"]
    assert [o["id"] for o in seen] == ["heard"]  # seen in May 2024: known by the 15th
    read_then = forecast(
        seen_root, "run", "--json", "--draws", "200", "--as-of", "2024-05-15", "--readings-then"
    )
    assert "readings made later are left out: r1 (2024-06-01)" in read_then.stderr
    assert json.loads(read_then.stdout)["scenarios"] != json.loads(as_read.stdout)["scenarios"]
    alone = forecast(seen_root, "run", "--readings-then")
    assert alone.returncode == 2 and "--readings-then needs --as-of" in alone.stderr


def _baseline_of_run(root: Path, *extra: str) -> dict[str, float]:
    done = forecast(root, "run", "--json", "--draws", "300", "--seed", "7", *extra)
    assert done.returncode == 0, done.stderr
    scenario = next(s for s in json.loads(done.stdout)["scenarios"] if s["id"] == "baseline")
    return {state: o["mean"] for state, o in scenario["outcome"].items()}


def _history_at(root: Path, date: str) -> dict[str, float]:
    done = forecast(root, "history", "--json", "--draws", "300", "--seed", "7", "--at", date)
    assert done.returncode == 0, done.stderr
    snapshot = next(s for s in json.loads(done.stdout)["snapshots"] if s["date"] == date)
    return {state: o["mean"] for state, o in snapshot["baseline"].items()}


@pytest.mark.parametrize("date", ["2024-02-01", "2024-04-10", "2024-05-15"])
def test_run_as_of_a_date_is_history_at_that_date(seen_root: Path, date: str) -> None:
    """One question: `run --as-of D` and `history` at D agree (same draws: exactly, so well
    within the Monte Carlo error of either)."""
    ran, told = _baseline_of_run(seen_root, "--as-of", date), _history_at(seen_root, date)
    assert ran.keys() == told.keys()
    for state in ran:
        assert abs(ran[state] - told[state]) < 1e-9


def test_run_as_of_the_model_s_own_date_is_run(seen_root: Path) -> None:
    as_of = build_study(load_inputs(seen_root)).model.as_of.isoformat()
    assert _baseline_of_run(seen_root, "--as-of", as_of) == _baseline_of_run(seen_root)


def test_history_steps_through_sources_and_observations(seen_root: Path) -> None:
    done = forecast(seen_root, "history", "--json", "--draws", "200")
    assert done.returncode == 0, done.stderr
    snapshots = json.loads(done.stdout)["snapshots"]
    assert [s["date"] for s in snapshots] == ["2024-03-01", "2024-05-01", "2024-06-01"]
    assert snapshots[0]["arrived"] == {"sources": ["almanac"], "observations": []}
    assert snapshots[1]["arrived"] == {"sources": [], "observations": ["heard"]}
    assert snapshots[2]["arrived"] == {"sources": [], "observations": []}  # the model's as_of
    study = build_study(load_inputs(seen_root))
    baseline = run_study(study, 200, seed=0).results[0]
    last = history(study, draws=200, seed=0)[-1]
    states = study.network.node("harvest").states
    np.testing.assert_allclose([last.point[s] for s in states], baseline.point, atol=1e-12)
    np.testing.assert_allclose(
        [last.mean[s] for s in states], baseline.samples.mean(axis=0), atol=1e-12
    )


def test_sensitivity_shows_every_pool_and_the_model_s_own_is_the_run(seen_root: Path) -> None:
    done = forecast(seen_root, "sensitivity", "--json", "--draws", "200")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert sorted(doc["pools"]) == ["extremized", "linear", "logarithmic"]
    assert doc["pooling"] == "logarithmic" and doc["extremizing"] == 1.5
    run = json.loads(forecast(seen_root, "run", "--json", "--draws", "200").stdout)
    baseline = next(s for s in run["scenarios"] if s["id"] == "baseline")["outcome"]
    for state, o in doc["pools"]["logarithmic"].items():
        assert o == {k: v for k, v in baseline[state].items() if not k.endswith("_error")}
    assert doc["pools"]["extremized"] != doc["pools"]["logarithmic"]
    kinds = {s["kind"] for s in doc["swings"]}
    assert kinds == {"driver", "column"}
    factors = {s["factor"] for s in doc["swings"]}
    assert "harvest | flood=yes" in factors and "gauge | baseline" in factors
    for s in doc["swings"]:
        assert all(0.0 <= s["low"][k] <= 1.0 and 0.0 <= s["high"][k] <= 1.0 for k in s["low"])
