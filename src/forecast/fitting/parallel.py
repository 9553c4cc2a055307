"""The draws' fit spread over the machine's cores.

Each draw's quasi-Newton path depends on nothing but its own terms, so the draws can be
fitted in groups, the groups shared out over one process per core. The groups are fixed by
the draw count alone (never by the number of cores), so a machine with one core, fitting
them one after the other, gets the same numbers. Every process keeps its linear algebra to
one thread: the arrays are small, and threads fighting over two cores cost more than they
bring. As each group is done, the draws fitted so far are reported (`reporting_draws`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar

import numpy as np
from threadpoolctl import threadpool_limits

from forecast.base.arrays import Array
from forecast.base.forked import forked_map
from forecast.fitting.problem import FitProblem, Index
from forecast.fitting.solver import (
    FitResult,
    Progress,
    Walk,
    newton,
    quasi_newton,
    result_of,
    walk,
)

NEWTON_UP_TO = 8  # a block with this many parameters at most takes Newton steps
GROUP_DRAWS = 625  # draws per group, from SPLIT_FROM draws on (5,000 draws: 8 groups)
SPLIT_FROM = 512  # draws from which the fit is split into groups
STRAGGLERS = 32  # a group's draws still moving that it leaves to go on with other groups'
STRAGGLER_BATCH = 128  # the stragglers of all groups go on in batches of this many at most
DrawProgress = Callable[[int, int], None]  # draws fitted so far, and in all
_PROGRESS: ContextVar[DrawProgress | None] = ContextVar("draw_progress", default=None)
Work = tuple[FitProblem, Array, Array]  # a block's problem, free starts and curvature


@contextlib.contextmanager
def reporting_draws(progress: DrawProgress) -> Iterator[None]:
    """Within the block, every draws' fit of several groups reports its draws fitted so far
    to `progress` as each group is done."""
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


MAP_FROM = 32 << 20  # bytes from which an array gets pages of its own (glibc's largest)
KEEP_FREED = 256 << 20  # bytes of freed memory a worker keeps for reuse
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def keep_freed_memory() -> None:
    """Let this process reuse the memory it frees instead of handing it back to the system
    at once. Every round of the fit allocates and frees the same large arrays; by default
    glibc maps each afresh, and the page faults cost a fifth of the fit. Only glibc has
    `mallopt`; elsewhere this does nothing."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(M_MMAP_THRESHOLD, ctypes.c_int(MAP_FROM))
    mallopt(M_TRIM_THRESHOLD, ctypes.c_int(KEEP_FREED))


def _fit_group(
    work: Sequence[Work], rows: Index, tolerance: float, rounds: int, until: int
) -> list[Progress]:
    """The draws `rows` of every block of the fit, one thread of linear algebra; each
    quasi-Newton block stops once at most `until` of its draws are still moving."""
    with threadpool_limits(1):
        return [
            newton(problem, phi[rows], rows, tolerance, rounds)
            if problem.parameters <= NEWTON_UP_TO
            else quasi_newton(problem, phi[rows], rows, curvature, tolerance, rounds, until)
            for problem, phi, curvature in work
        ]


def draw_groups(draws: int) -> list[Index]:
    """The groups of draws fitted apart: fixed by the draw count alone."""
    count = -(-draws // GROUP_DRAWS) if draws >= SPLIT_FROM else 1
    return np.array_split(np.arange(draws), count)


Blocks = Sequence[tuple[FitProblem, Mapping[str, Array], Array]]  # problem, start, curvature


def fit_draws(blocks: Blocks, tolerance: float = 1e-6, rounds: int = 200) -> list[FitResult]:
    """Fit every draw of each block (its problem from its start, see
    `fitting.quasi_newton`), in groups of draws shared out over the cores (`forked_map`);
    one result per block. Where there are several groups, each group stops once at most
    `STRAGGLERS` of a block's draws are still moving, and those of every group go on
    together (`_stragglers`): a round costs nearly as much for ten draws as for a hundred."""
    work = [(problem, problem.free(start), curvature) for problem, start, curvature in blocks]
    draws = len(work[0][1])
    groups = draw_groups(draws)
    progress = _PROGRESS.get() if len(groups) > 1 else None  # a fit in one group is quick
    until = STRAGGLERS if len(groups) > 1 else 0
    fitted = [0]

    def tell(count: int) -> None:
        fitted[0] += count
        if progress is not None and count:
            progress(fitted[0], draws)

    def done(position: int, part: list[Progress]) -> None:
        tell(len(groups[position]) - max(p.moving for p in part))

    parts = forked_map(
        lambda rows: _fit_group(work, rows, tolerance, rounds, until),
        groups,
        done=done,
        setup=keep_freed_memory,
    )
    results = [
        _stragglers(problem, curvature, [part[b] for part in parts], tolerance, rounds)
        for b, (problem, _, curvature) in enumerate(work)
    ]
    tell(draws - fitted[0])
    return results


def _stragglers(
    problem: FitProblem,
    curvature: Array,
    parts: Sequence[Progress],
    tolerance: float,
    rounds: int,
) -> FitResult:
    """One block's result from its groups' progress. The draws the groups left moving are
    gathered in draw order and go on in batches of at most `STRAGGLER_BATCH` side by side
    over the cores, each batch until at most `STRAGGLERS` of its draws are still moving;
    those are gathered again, until one batch holds them all and finishes them. Every
    batch is fixed by the draws' count and progress alone, never by the cores."""
    phi = np.concatenate([p.free for p in parts])  # the groups are consecutive draws
    loss = np.concatenate([p.loss for p in parts])
    grad = np.concatenate([p.grad for p in parts])
    most = max(p.rounds for p in parts)
    left = [p.left for p in parts if p.left is not None]
    while left:
        pooled = Walk.joined(left)
        batches = np.array_split(
            np.arange(len(pooled.rows)), -(-len(pooled.rows) // STRAGGLER_BATCH)
        )
        # several batches hand on their stragglers again; one, or batches too small to
        # leave any behind, finish theirs (so that every pass moves on)
        several = len(batches) > 1 and min(len(b) for b in batches) > STRAGGLERS
        walks = [pooled.part(b) for b in batches]
        go_on = functools.partial(
            walk,
            problem,
            curvature=curvature,
            tolerance=tolerance,
            rounds=rounds,
            until=STRAGGLERS if several else 0,
        )
        outs = forked_map(go_on, walks)
        for start, out in zip(walks, outs, strict=True):
            phi[start.rows], loss[start.rows], grad[start.rows] = out.free, out.loss, out.grad
            most = max(most, out.rounds)
        left = [out.left for out in outs if out.left is not None]
    return result_of(problem, phi, loss, grad, most, tolerance)
