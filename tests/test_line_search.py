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


class _Valley:
    """0.5 (x1^2 + 1e6 x2^2) for every draw, with its exact Hessian as the one term's
    curvature: enough of a fit problem for `solver.walk`."""

    parameters = 2
    draws = 1
    curvature = np.diag([1.0, 1e6])[None]

    class terms:  # noqa: N801 (the attribute a fit problem has)
        @staticmethod
        def weights(draws: int) -> np.ndarray:
            return np.ones((draws, 1))

    def evaluate(self, phi: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scale = np.array([1.0, 1e6])
        return 0.5 * (scale * phi**2).sum(axis=1), scale * phi


def _restarts(restart_below: float, monkeypatch) -> tuple[list[list[int]], object]:  # type: ignore[no-untyped-def]
    """A walk from a poor inverse Hessian (its first step runs across the valley, so the
    line search cuts it to about a millionth): the rows whose inverse Hessian was started
    again, round by round, and where the walk ended."""
    from forecast.fitting import solver

    monkeypatch.setattr(solver, "RESTART_BELOW", restart_below)
    restarted: list[list[int]] = []
    real = solver.first_inverses

    def spy(problem, rows, curvature):  # type: ignore[no-untyped-def]
        restarted.append([int(r) for r in rows])
        return real(problem, rows, curvature)

    monkeypatch.setattr(solver, "first_inverses", spy)
    problem = _Valley()
    rows = np.zeros(1, dtype=np.intp)
    phi = np.array([[1.0, 0.0]])
    loss, grad = problem.evaluate(phi, rows)
    poor = np.array([[[1.0, 1.0], [1.0, 1.0001]]])
    start = solver.Walk(phi, rows, loss, grad, poor, np.zeros(1, dtype=np.intp))
    out = solver.walk(problem, start, problem.curvature, 1e-9, rounds=50)  # type: ignore[arg-type]
    return restarted, out


def test_a_step_cut_to_almost_nothing_restarts_from_the_first_inverse(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    restarted, out = _restarts(1e-4, monkeypatch)
    assert restarted[:1] == [[0]]  # after the first round, row 0 started again
    assert np.abs(out.grad).max() <= 1e-9 and np.allclose(out.free, 0.0, atol=1e-9)
    never, _ = _restarts(0.0, monkeypatch)
    assert never == []
