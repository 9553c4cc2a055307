"""Minimising the joint fit's loss (`problem`), every draw at once.

Every draw is an independent problem; they are stacked and minimised together by batched
quasi-Newton (BFGS) steps with exact gradients, each draw from its own start and with its
own first Hessian built from the point fit's curvature (`parallel` spreads groups of draws
over the cores). The point fit itself takes Newton steps. The line search backtracks to the
minimum of a parabola through what it has seen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from forecast.base.arrays import Array
from forecast.fitting.loglinear import tables
from forecast.fitting.problem import TINY, FitProblem, Index, free_parameters

STEP = 1e-6  # the difference step of the Hessians, in logits
MAX_STEP = 1.0  # largest change of one logit in one step (a trust region)
RESTART_BELOW = 1e-4  # a step cut below this fraction restarts the draw's BFGS matrix


@dataclass(frozen=True)
class FitResult:
    theta: dict[str, Array]
    cpts: dict[str, Array]
    loss: Array  # (draws,)
    free: Array  # (draws, P) the free parameters
    iterations: int
    gradient: float  # largest gradient component left, over every draw
    converged: bool


def _hessians(problem: FitProblem, phi: Array, grad: Array, rows: Index) -> Array:
    """Each draw's Hessian (draws, P, P) by forward differences of the exact gradient, all
    perturbations of all draws evaluated in one batch."""
    n, size = phi.shape
    shifted = (phi[:, None, :] + STEP * np.eye(size)[None]).reshape(n * size, size)
    _, moved = problem.evaluate(shifted, np.repeat(rows, size))
    hessian = (moved.reshape(n, size, size) - grad[:, None, :]) / STEP
    out: Array = 0.5 * (hessian + hessian.transpose(0, 2, 1))
    return out


def curvatures(problem: FitProblem, phi: Array) -> Array:
    """Each term's Hessian (terms, P, P) at `phi` (one draw), per unit of its weight there."""
    out = []
    rows = np.zeros(1, dtype=np.intp)
    weights = problem.terms.weights(problem.draws)[0]
    for index in range(problem.terms.count()):
        single = FitProblem(problem.structure, problem.plan, problem.terms.only(index), 1)
        _, grad = single.evaluate(phi, rows)
        out.append(_hessians(single, phi, grad, rows)[0] / max(weights[index], TINY))
    return np.stack(out) if out else np.zeros((0, phi.shape[1], phi.shape[1]))


def _inverse(hessian: Array, damping: Array | float) -> Array:
    """(|H| + damping I)^-1 for every draw: every eigenvalue made positive, then damped
    (Levenberg-Marquardt) by the draw's own `damping`. Where every draw's H + damping I is
    positive definite (a Cholesky factor exists), |H| = H and the plain inverse is that
    (a quarter of the eigendecomposition's cost)."""
    size = hessian.shape[-1]
    damped = hessian + np.reshape(damping, (-1, 1, 1)) * np.eye(size)
    try:
        np.linalg.cholesky(damped)
    except np.linalg.LinAlgError:
        pass
    else:
        return np.asarray(np.linalg.inv(damped), dtype=np.float64)
    values, vectors = np.linalg.eigh(hessian)
    values = np.abs(values) + np.reshape(damping, (-1, 1))
    out: Array = (vectors / values[:, None, :]) @ vectors.transpose(0, 2, 1)
    return out


def result_of(
    problem: FitProblem, phi: Array, loss: Array, grad: Array, rounds: int, tol: float
) -> FitResult:
    worst = float(np.abs(grad).max()) if grad.size else 0.0
    theta = problem.logits(phi)
    cpts = tables(problem.plan, theta)
    return FitResult(theta, cpts, loss, phi, rounds, worst, worst <= tol)


def fit(
    problem: FitProblem, start: Mapping[str, Array], tolerance: float = 1e-9, rounds: int = 80
) -> FitResult:
    """Minimise every draw's loss from `start` (logits per node) by Newton steps (`newton`).
    Meant for few draws (the point fit) or few parameters."""
    phi = problem.free(start)
    done = newton(problem, phi, np.arange(phi.shape[0]), tolerance, rounds)
    return result_of(problem, done.free, done.loss, done.grad, done.rounds, tolerance)


def newton(
    problem: FitProblem, phi: Array, rows: Index, tolerance: float = 1e-9, rounds: int = 80
) -> Progress:
    """Minimise the losses of the draws `rows` (starting at `phi`, one row each) by Newton
    steps: exact gradients, each round's Hessian from differences of them (all
    perturbations of all draws evaluated as one batch), made positive definite and damped
    (Levenberg-Marquardt), and a backtracking line search per draw. Stops when every draw's
    largest gradient component is below `tolerance`."""
    phi = phi.copy()
    loss, grad = problem.evaluate(phi, rows)
    damping = np.full(len(rows), 1e-6)
    done = 0
    for done in range(rounds):  # noqa: B007 (the count is reported)
        left = np.flatnonzero(np.abs(grad).max(axis=1) > tolerance)
        if not left.size:
            break
        hessian = _hessians(problem, phi[left], grad[left], rows[left])
        step = -np.einsum("dpq,dq->dp", _inverse(hessian, damping[left]), grad[left])
        largest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, TINY))  # a trust region
        alpha = _line_search(problem, phi, rows, loss, grad, left, step)
        full = alpha == 1.0
        damping[left] = np.where(full, np.maximum(damping[left] / 4, 1e-12), damping[left] * 8)
    return Progress(phi, loss, grad, done)


@dataclass(frozen=True)
class Walk:
    """Draws part-way through their quasi-Newton run, in any grouping: everything their
    next rounds need (each draw's path depends on its own row alone)."""

    free: Array  # (draws, P)
    rows: Index  # each draw's row of the problem
    loss: Array
    grad: Array
    inverse: Array  # (draws, P, P)
    taken: Index  # (draws,) rounds taken

    def part(self, at: Index) -> Walk:
        """The draws at positions `at`."""
        return Walk(*(getattr(self, f.name)[at] for f in dataclasses.fields(self)))

    @staticmethod
    def joined(walks: Sequence[Walk]) -> Walk:
        """The draws of `walks`, one after the other."""
        fields = dataclasses.fields(Walk)
        return Walk(*(np.concatenate([getattr(w, f.name) for w in walks]) for f in fields))


@dataclass(frozen=True)
class Progress:
    """Where a quasi-Newton run left some draws: their parameters, losses and gradients,
    and, for a run stopped while some draws were still moving (`quasi_newton`'s `until`),
    those draws' walk to go on with (`left`)."""

    free: Array  # (draws, P)
    loss: Array  # (draws,)
    grad: Array  # (draws, P)
    rounds: int
    left: Walk | None = None

    @property
    def moving(self) -> int:
        """How many draws are still moving."""
        return 0 if self.left is None else len(self.left.rows)


def quasi_newton(
    problem: FitProblem,
    phi: Array,
    rows: Index,
    curvature: Array,
    tolerance: float = 1e-6,
    rounds: int = 200,
    until: int = 0,
) -> Progress:
    """Minimise the losses of the draws `rows` (starting at `phi`, one row each) at once by
    quasi-Newton (BFGS) steps: each draw's first inverse Hessian comes from `curvature`
    (every term's Hessian at the point fit, per unit weight) weighted by the draw's own term
    weights, and is updated from its own steps, so a round costs one evaluation of the draws
    still moving. Each draw's path depends on nothing but its own terms. With `until`, the
    run stops as soon as at most that many draws are still moving (`Progress.moving`), so
    that they can go on with others (`walk`)."""
    loss, grad = problem.evaluate(phi, rows)
    taken = np.zeros(len(rows), dtype=np.intp)
    start = Walk(phi.copy(), rows, loss, grad, first_inverses(problem, rows, curvature), taken)
    return walk(problem, start, curvature, tolerance, rounds, until)


def first_inverses(problem: FitProblem, rows: Index, curvature: Array) -> Array:
    """Each draw's first inverse Hessian (draws, P, P): `curvature` (every term's Hessian
    at the point fit, per unit weight) weighted by the draw's own term weights; the
    identity without curvature."""
    size = problem.parameters
    if not len(curvature):
        return np.broadcast_to(np.eye(size), (len(rows), size, size)).copy()
    hessian = np.einsum("dt,tpq->dpq", problem.terms.weights(problem.draws)[rows], curvature)
    return _inverse(hessian, 1e-6)


def walk(
    problem: FitProblem,
    start: Walk,
    curvature: Array,
    tolerance: float,
    rounds: int,
    until: int = 0,
) -> Progress:
    """`quasi_newton`'s rounds from `start` (changed in place), each draw until its largest
    gradient component is below `tolerance` or it has taken `rounds` rounds; with `until`,
    only until at most that many draws are still moving. A draw whose step had to be cut
    below `RESTART_BELOW` of its length takes its first inverse Hessian again
    (`first_inverses`)."""
    phi, rows, loss, grad, inverse, taken = (
        start.free,
        start.rows,
        start.loss,
        start.grad,
        start.inverse,
        start.taken,
    )
    size = phi.shape[1]
    live = np.arange(len(rows))  # the draws still moving; `inverse` holds theirs only
    while True:
        moving = (np.abs(grad[live]).max(axis=1) > tolerance) & (taken[live] < rounds)
        if not moving.all():  # finished draws never move again: drop them for good
            live, inverse = live[moving], inverse[moving]
        if not live.size or live.size <= until:
            break
        taken[live] += 1
        step = -(inverse @ grad[live][:, :, None])[:, :, 0]
        descent = (step * grad[live]).sum(axis=1) < 0
        step[~descent] = -grad[live][~descent]  # a lost direction: fall back to the gradient
        inverse[~descent] = np.eye(size)
        largest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, TINY))
        old_phi, old_grad = phi[live], grad[live]
        alpha = _line_search(problem, phi, rows, loss, grad, live, step)
        s_vec, y_vec = phi[live] - old_phi, grad[live] - old_grad
        curv = (s_vec * y_vec).sum(axis=1)
        ok = curv > 1e-12 * np.linalg.norm(s_vec, axis=1) * np.linalg.norm(y_vec, axis=1)
        if ok.all():
            _bfgs_update(inverse, s_vec, y_vec, curv)
        elif ok.any():
            some = inverse[ok]
            _bfgs_update(some, s_vec[ok], y_vec[ok], curv[ok])
            inverse[ok] = some
        lost = alpha < RESTART_BELOW  # the direction is poor: start its curvature again
        if lost.any():
            inverse[lost] = first_inverses(problem, rows[live[lost]], curvature)
    most = int(taken.max()) if taken.size else 0
    left = Walk(phi[live], rows[live], loss[live], grad[live], inverse, taken[live])
    return Progress(phi, loss, grad, most, left if live.size else None)


def _bfgs_update(inverse: Array, s_vec: Array, y_vec: Array, curv: Array) -> None:
    """BFGS's update of each draw's inverse Hessian, in place, from its step `s_vec` and
    gradient change `y_vec` (`curv` = s'y > 0): (I - rho s y') H (I - rho y s') + rho s s'
    with rho = 1 / s'y, written as rank-one terms."""
    rho = 1.0 / curv
    hy = (inverse @ y_vec[:, :, None])[:, :, 0]
    scale = rho**2 * (y_vec * hy).sum(axis=1) + rho
    towards = scale[:, None] * s_vec - rho[:, None] * hy
    inverse += s_vec[:, :, None] * towards[:, None, :]
    inverse -= rho[:, None, None] * hy[:, :, None] * s_vec[:, None, :]


def _backtracked(alpha: Array, slope: Array, rise: Array) -> Array:
    """The next step fraction after `alpha` failed: the minimum of the parabola through the
    loss and its slope at 0 and the loss's `rise` at alpha, kept between a tenth and a half
    of alpha (a tenth where the rise gives no parabola)."""
    excess = rise - alpha * slope  # > 0 for a parabola that opens upwards
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        best = -slope * alpha**2 / (2.0 * excess)
    best = np.where(np.isfinite(best) & (excess > 0), best, 0.1 * alpha)
    out: Array = np.clip(best, 0.1 * alpha, 0.5 * alpha)
    return out


def _line_search(
    problem: FitProblem,
    phi: Array,
    rows: Index,
    loss: Array,
    grad: Array,
    left: Index,
    step: Array,
) -> Array:
    """Backtrack each draw's step (see `_backtracked`) until its loss falls enough (Armijo),
    or, at the limit of rounding, until its gradient shrinks; updates `phi`, `loss` and `grad` in place and
    returns each draw's step fraction (0 when nothing was taken)."""
    slope = (grad[left] * step).sum(axis=1)
    alpha = np.ones(len(left))
    pending = np.arange(len(left))
    for _ in range(40):
        at = left[pending]
        trial = phi[at] + alpha[pending, None] * step[pending]
        t_loss, t_grad = problem.evaluate(trial, rows[at])
        t_loss = np.where(np.isfinite(t_loss), t_loss, np.inf)
        better = t_loss <= loss[at] + 1e-4 * alpha[pending] * slope[pending]
        calmer = np.abs(t_grad).max(axis=1) < np.abs(grad[at]).max(axis=1)
        near = t_loss <= loss[at] + 1e-12 * np.abs(loss[at])
        ok = better | (near & calmer)
        took = at[ok]
        phi[took], loss[took], grad[took] = trial[ok], t_loss[ok], t_grad[ok]
        pending, rise = pending[~ok], t_loss[~ok] - loss[at[~ok]]
        if not pending.size:
            return alpha
        alpha[pending] = _backtracked(alpha[pending], slope[pending], rise)
    alpha[pending] = 0.0
    return alpha


def merged(results: Sequence[FitResult], order: Sequence[str]) -> FitResult:
    """One result from the fits of blocks that share no parameter, nodes in `order`."""
    theta = {n: r.theta[n] for n in order for r in results if n in r.theta}
    cpts = {n: r.cpts[n] for n in order for r in results if n in r.cpts}
    loss = np.sum([r.loss for r in results], axis=0)
    worst = max((r.gradient for r in results), default=0.0)
    return FitResult(
        theta,
        cpts,
        loss,
        free_parameters(theta),
        max((r.iterations for r in results), default=0),
        worst,
        all(r.converged for r in results),
    )
