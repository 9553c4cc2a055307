"""The Monte Carlo error of an interval's end against the large-sample formula."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from forecast.inference.summary import (
    number,
    outcome_summaries,
    quantile_error,
    sorted_quantile,
    summarise,
)


@pytest.mark.parametrize("q", [0.05, 0.95])
def test_the_error_of_a_normal_quantile_matches_the_formula(q: float) -> None:
    # the sample q-quantile of n draws has standard error sqrt(q (1 - q) / n) / f(x_q);
    # the estimate has a noise of its own of about 8 %, hence the tolerance
    n = 40_000
    samples = np.random.default_rng(7).standard_normal((n, 3)) * [1.0, 2.0, 0.5]
    expected = np.sqrt(q * (1 - q) / n) / norm.pdf(norm.ppf(q)) * np.array([1.0, 2.0, 0.5])
    assert np.allclose(quantile_error(samples, q), expected, rtol=0.25)


def test_the_error_shrinks_as_the_square_root_of_the_draws() -> None:
    rng = np.random.default_rng(11)
    few, many = rng.standard_normal((4_000, 1)), rng.standard_normal((64_000, 1))
    ratio = float(quantile_error(few, 0.05)[0] / quantile_error(many, 0.05)[0])
    assert ratio == pytest.approx(4.0, rel=0.25)


def test_replicated_runs_scatter_as_much_as_the_error_says() -> None:
    # the spread of the 5th percentile over independent sets of draws, against the
    # estimate from one set
    rng = np.random.default_rng(3)
    ends = [np.quantile(rng.beta(2, 8, 5_000), 0.05) for _ in range(400)]
    estimate = quantile_error(rng.beta(2, 8, (5_000, 1)), 0.05)[0]
    assert estimate == pytest.approx(np.std(ends), rel=0.25)


@given(
    draws=st.integers(1, 300),
    q=st.one_of(st.sampled_from([0.0, 0.05, 0.5, 0.95, 1.0]), st.floats(0.0, 1.0)),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_quantile_from_sorted_draws_is_numpys_to_the_bit(
    draws: int, q: float, seed: int
) -> None:
    samples = np.random.default_rng(seed).dirichlet([0.3, 2.0, 5.0], size=draws)
    ordered = np.sort(samples.T, axis=-1)
    assert np.array_equal(sorted_quantile(ordered, q), np.quantile(samples, q, axis=0))


def test_the_summary_keeps_numpys_quantiles_to_the_bit() -> None:
    samples = np.random.default_rng(5).dirichlet([1.0, 3.0, 0.5], size=5_000)
    stats = summarise(samples)
    low, high = np.quantile(samples, [0.05, 0.95], axis=0)
    assert np.array_equal(stats["p05"], low) and np.array_equal(stats["p95"], high)


@pytest.mark.parametrize("draws", [40, 5_000])  # below and above the threads' threshold
def test_summaries_of_many_questions_are_each_question_alone(draws: int) -> None:
    rng = np.random.default_rng(draws)
    asked = []
    for i in range(40):  # questions of two, three and four states, one of fewer draws
        states = tuple("abcd"[: 2 + i % 3])
        samples = rng.dirichlet(np.linspace(0.5, 4.0, len(states)), size=draws - (i == 7))
        asked.append((states, samples[0], samples))
    together = outcome_summaries(asked)
    for (states, point, samples), summary in zip(asked, together, strict=True):
        low, high = np.quantile(samples, [0.05, 0.95], axis=0)
        mean = samples.mean(axis=0)
        assert list(summary) == list(states)
        for k, state in enumerate(states):
            assert summary[state]["point"] == number(point[k])
            assert summary[state]["p05"] == number(low[k])
            assert summary[state]["p95"] == number(high[k])
            assert summary[state]["mean"] == pytest.approx(number(mean[k]), abs=2e-10)
            assert summary[state]["p05_error"] == number(quantile_error(samples, 0.05)[k])
            assert summary[state]["p95_error"] == number(quantile_error(samples, 0.95)[k])
