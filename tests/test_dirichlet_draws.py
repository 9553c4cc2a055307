"""The drawn columns are Dirichlet(concentration × point column): exact moments, and each
state's marginal against numpy's own Dirichlet sampler; and the gammas drawn as
Gamma(a + 1) × U^(1/a) for a shape below 1 against numpy's gamma sampler."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp, norm

from forecast.base.arrays import Array
from forecast.inference.perturb import BLOCK, Perturbation, _gammas, draw_table

DRAWS = 20_000
START = 1000  # mid-block: the first and last blocks are drawn in part, the others whole
CHECKS = 64  # at least the comparisons below, which share the false alarm rate
Z = float(norm.isf(1e-3 / (2 * CHECKS)))  # two-sided, all checks together fail 1 in 1000
KS_P = 1e-3 / CHECKS

COLUMNS = [  # (point column, concentration): alpha = concentration × point
    (np.array([0.01, 0.99]), 50.0),  # two states, alpha 0.5 and 49.5
    (np.array([0.3, 0.7]), 4.0),  # two states, alpha 1.2 and 2.8
    (np.array([0.005, 0.3, 0.0, 0.695]), 50.0),  # four, a small alpha and a zero
    (np.array([0.1, 0.4, 0.0, 0.5]), 1.5),  # four, every alpha below 1, and a zero
]


def _drawn(point: Array, concentration: float, seed: int) -> Array:
    """DRAWS draws of one column: (draws, states)."""
    return draw_table(point, 5, {}, START, DRAWS, Perturbation(concentration, seed)).T


def _beta_excess_kurtosis(a: float, b: float) -> float:
    s = a + b
    return 6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3))


@pytest.mark.parametrize(("point", "concentration"), COLUMNS)
def test_means_and_variances_are_the_dirichlets(point: Array, concentration: float) -> None:
    drawn = _drawn(point, concentration, seed=11)
    alpha = concentration * point
    total = alpha.sum()
    mean = alpha / total
    variance = alpha * (total - alpha) / (total**2 * (total + 1))
    np.testing.assert_allclose(drawn.sum(axis=1), 1.0, atol=1e-12)
    for state, a in enumerate(alpha):
        x = drawn[:, state]
        if a == 0:
            assert np.all(x == 0.0)
            continue
        # the marginal is Beta(a, total - a): the standard errors of the sample mean and
        # of the sample variance follow from its variance and kurtosis
        kurtosis = _beta_excess_kurtosis(a, total - a)
        mean_error = np.sqrt(variance[state] / DRAWS)
        variance_error = variance[state] * np.sqrt((2 + kurtosis) / DRAWS)
        assert abs(x.mean() - mean[state]) < Z * mean_error, (state, x.mean(), mean[state])
        assert abs(x.var(ddof=1) - variance[state]) < Z * variance_error, (state, x.var())


@pytest.mark.parametrize(("point", "concentration"), COLUMNS)
def test_each_state_is_distributed_as_in_numpys_dirichlet(
    point: Array, concentration: float
) -> None:
    drawn = _drawn(point, concentration, seed=12)
    reference = np.random.default_rng(12).dirichlet(concentration * point, DRAWS)
    for state in range(point.size):
        result = ks_2samp(drawn[:, state], reference[:, state])
        assert result.pvalue > KS_P, (state, result)


@pytest.mark.parametrize("shape", [0.05, 0.5, 0.99, 1.0, 3.0])
def test_the_gammas_are_numpys_gammas(shape: float) -> None:
    rows = np.empty((4, BLOCK))
    _gammas(np.random.default_rng(3), np.full(4, shape), list(rows), np.empty(BLOCK))
    ours = rows.ravel()
    theirs = np.random.default_rng(4).standard_gamma(shape, ours.size)
    assert abs(ours.mean() - shape) < Z * np.sqrt(shape / ours.size)  # mean = var = shape
    result = ks_2samp(ours, theirs)
    assert result.pvalue > KS_P, result


def test_every_block_has_its_own_stream() -> None:
    drawn = draw_table(np.array([0.2, 0.3, 0.5]), 0, {}, 0, 3 * BLOCK, Perturbation())
    blocks = drawn.reshape(3, 3, BLOCK).transpose(1, 0, 2)
    assert not np.array_equal(blocks[0], blocks[1])
    assert not np.array_equal(blocks[1], blocks[2])
    # nor a shifted copy of another block's numbers
    assert not np.isin(blocks[1], blocks[0]).any()
