"""The line search's backtracking step: a parabola's minimum, kept within bounds."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forecast.fitting.solver import _backtracked

positive = st.floats(min_value=1e-6, max_value=1e3)


@given(curvature=positive, slope=positive, alpha=st.floats(min_value=1e-3, max_value=1.0))
def test_a_quadratic_loss_backtracks_to_its_minimum_within_the_bounds(
    curvature: float, slope: float, alpha: float
) -> None:
    # loss(t) = -slope t + curvature t^2 / 2 along the step, minimum at slope / curvature
    rise = -slope * alpha + 0.5 * curvature * alpha**2
    out = float(_backtracked(np.array([alpha]), np.array([-slope]), np.array([rise]))[0])
    expected = min(max(slope / curvature, 0.1 * alpha), 0.5 * alpha)
    assert np.isclose(out, expected, rtol=1e-9)


def test_a_loss_that_was_not_finite_takes_a_tenth() -> None:
    out = _backtracked(np.array([1.0, 0.5]), np.array([-2.0, -2.0]), np.array([np.inf, 0.0]))
    # no parabola through an infinite rise; a rise of 0 gives the minimum at alpha / 2
    assert np.allclose(out, [0.1, 0.25])
