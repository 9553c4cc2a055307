"""Independent tasks shared out over one forked process per core.

Each task reads nothing but its own item and what the parent held when it forked, so the
results are those of the tasks run one after the other, in the same order; a machine with
one core, or without `fork`, runs them so. The task itself need not be picklable (the
children inherit it); its items are passed by position and its results are pickled back.
Each child has one core (`cores.one_core`): what a task spreads out runs in the child.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

from forecast.base.cores import one_core, usable_cores

T = TypeVar("T")
R = TypeVar("R")

_TASKS: list[Callable[[int], Any]] = []  # the task a forked child runs, by item position


def _run(position: int) -> Any:
    with threadpool_limits(1):  # one thread of linear algebra per process
        return _TASKS[-1](position)


def forked_map(task: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[task(item) for item in items], the items shared out over the machine's cores."""
    workers = min(usable_cores(), len(items))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [task(item) for item in items]
    _TASKS.append(lambda position: task(items[position]))
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=one_core) as pool:
            return list(pool.map(_run, range(len(items))))
    finally:
        _TASKS.pop()
