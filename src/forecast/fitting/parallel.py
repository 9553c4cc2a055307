"""The draws' fit spread over the machine's cores.

Each draw's quasi-Newton path depends on nothing but its own terms, so the draws can be
fitted in groups, each group in its own process. The groups are fixed by the draw count
alone (never by the number of cores), so a machine with one core, fitting them one after
the other, gets the same numbers. Every process keeps its linear algebra to one thread:
the arrays are small, and threads fighting over two cores cost more than they bring.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from forecast.base.arrays import Array
from forecast.base.cores import usable_cores
from forecast.fitting.problem import FitProblem, Index
from forecast.fitting.solver import FitResult, Progress, joined, quasi_newton

GROUPS = 2  # groups of draws fitted side by side
SPLIT_FROM = 512  # draws from which the fit is split into groups
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
    problem: FitProblem, phi: Array, rows: Index, curvature: Array, tolerance: float, rounds: int
) -> Progress:
    with threadpool_limits(1):
        return quasi_newton(problem, phi, rows, curvature, tolerance, rounds)


def fit_draws(
    problem: FitProblem,
    start: Mapping[str, Array],
    curvature: Array,
    tolerance: float = 1e-6,
    rounds: int = 200,
) -> FitResult:
    """Fit every draw of `problem` from `start` (see `fitting.quasi_newton`), in groups of
    draws on separate processes where the machine has the cores (and can fork)."""
    phi = problem.free(start)
    count = GROUPS if len(phi) >= SPLIT_FROM else 1
    groups = np.array_split(np.arange(len(phi)), count)
    side_by_side = (
        count > 1 and usable_cores() > 1 and "fork" in multiprocessing.get_all_start_methods()
    )
    if side_by_side:
        with ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("fork"), initializer=keep_freed_memory
        ) as pool:
            futures = [
                pool.submit(_fit_group, problem, phi[g], g, curvature, tolerance, rounds)
                for g in groups
            ]
            parts = [f.result() for f in futures]
    else:
        parts = [_fit_group(problem, phi[g], g, curvature, tolerance, rounds) for g in groups]
    return joined(problem, parts, tolerance)
