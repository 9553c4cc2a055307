"""Side views at fewer draws: the ladder they climb, and the error they report against the
spread of their interval ends over seeds."""

import numpy as np
import pytest

from forecast.analysis.byreader import baseline_only, only_reader, reader_views
from forecast.analysis.history import history
from forecast.analysis.precision import FIRST_DRAWS, VIEW_ERROR, fewest_draws, ladder
from forecast.fitting.run import run_study
from forecast.inference.summary import outcome_summary


def test_the_ladder_doubles_from_the_first_rung_up_to_the_most() -> None:
    assert ladder(5000) == [500, 1000, 2000, 4000, 5000]
    assert ladder(4000) == [500, 1000, 2000, 4000]
    assert ladder(300) == [300], "fewer than the first rung: all of them at once"
    assert ladder(FIRST_DRAWS) == [FIRST_DRAWS]


def test_the_view_stops_on_the_first_rung_within_the_limit() -> None:
    errors = {500: 3 * VIEW_ERROR, 1000: 1.5 * VIEW_ERROR, 2000: 0.9 * VIEW_ERROR}
    tried = []

    def fit(draws: int) -> int:
        tried.append(draws)
        return draws

    done = fewest_draws(fit, errors.__getitem__, 5000)
    assert tried == [500, 1000, 2000]
    assert (done.value, done.draws, done.error) == (2000, 2000, 0.9 * VIEW_ERROR)
    last = fewest_draws(fit, lambda _: 2 * VIEW_ERROR, 1000)
    assert (last.draws, last.error) == (1000, 2 * VIEW_ERROR), "the last rung, however far off"


def test_a_reader_view_reports_the_draws_and_error_it_stopped_on(study) -> None:  # type: ignore[no-untyped-def]
    views = reader_views(study, 5000, 5)
    for view in views:
        assert view.outcome.draws in ladder(5000)
        assert view.outcome.error <= VIEW_ERROR or view.outcome.draws == 5000
        worst = max(max(o["p05_error"], o["p95_error"]) for o in view.outcome.value.values())
        assert view.outcome.error == worst


def test_a_view_at_fewer_draws_reports_the_spread_of_its_ends_over_seeds(study) -> None:  # type: ignore[no-untyped-def]
    """One reader's baseline at the ladder's first rung, over twelve seeds: the standard
    deviation of each interval end over the seeds against the error each run reports (the
    median of the twelve). Twelve seeds put about 20 % of noise on the spread, hence the
    tolerance."""
    alone = baseline_only(only_reader(study, study.readers()[0]))
    states = study.network.node(study.network.outcome).states
    ends, reported = [], []
    for seed in range(12):
        result = run_study(alone, FIRST_DRAWS, 100 + seed).results[0]
        summary = outcome_summary(states, result.point, result.samples)
        ends.append([summary[s][k] for s in states for k in ("p05", "p95")])
        reported.append([summary[s][f"{k}_error"] for s in states for k in ("p05", "p95")])
    spread = np.std(np.array(ends), axis=0, ddof=1)
    said = np.median(np.array(reported), axis=0)
    assert said == pytest.approx(spread, rel=0.5)
    assert said.max() <= VIEW_ERROR, "the first rung holds this reader's ends within a point"


def test_each_history_date_carries_its_draws_and_error(study) -> None:  # type: ignore[no-untyped-def]
    for snap in history(study, seed=3, most=1000):
        assert snap.draws in (500, 1000)
        assert set(snap.error) == set(snap.mean)
        assert max(snap.error.values()) <= VIEW_ERROR or snap.draws == 1000
        document = snap.document(None)
        assert document["draws"] == snap.draws
        assert document["interval_error"] == pytest.approx(max(snap.error.values()))


def test_the_as_of_date_is_the_runs_own_baseline_not_a_second_fit(study, real_run) -> None:  # type: ignore[no-untyped-def]
    """The report's history reuses the run's baseline for the model's as-of date (the
    study the run answers), at the run's draws."""
    states = study.network.node(study.network.outcome).states
    baseline = next(r for r in real_run.results if r.scenario == study.baseline_scenario())
    today = outcome_summary(states, baseline.point, baseline.samples)
    last = history(study, seed=real_run.seed, most=real_run.draws, today=today)[-1]
    assert last.date == study.model.as_of
    assert last.draws == real_run.draws
    assert last.mean == {s: today[s]["mean"] for s in states}
    assert last.low == {s: today[s]["p05"] for s in states}
