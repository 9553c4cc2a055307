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
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

from forecast.base.cores import one_core, usable_cores

T = TypeVar("T")
R = TypeVar("R")

_TASKS: list[Callable[[int], Any]] = []  # the task a forked child runs, by item position


def _start(setup: Callable[[], None] | None) -> None:
    one_core()
    if setup is not None:
        setup()


def _run(position: int) -> Any:
    with threadpool_limits(1):  # one thread of linear algebra per process
        return _TASKS[-1](position)


def forked_map(
    task: Callable[[T], R],
    items: Sequence[T],
    done: Callable[[int, R], None] | None = None,
    setup: Callable[[], None] | None = None,
) -> list[R]:
    """[task(item) for item in items], the items shared out over the machine's cores.
    `done` hears each item's position and result as its task finishes (in the order they
    finish);
    `setup` runs first in each child process."""
    heard = done if done is not None else (lambda position, result: None)
    workers = min(usable_cores(), len(items))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for position, item in enumerate(items):
            out.append(task(item))
            heard(position, out[-1])
        return out
    _TASKS.append(lambda position: task(items[position]))
    try:
        context = multiprocessing.get_context("fork")
        results: dict[int, R] = {}
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start, initargs=(setup,)
        ) as pool:
            futures = {pool.submit(_run, position): position for position in range(len(items))}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                heard(futures[future], results[futures[future]])
        return [results[position] for position in range(len(items))]
    finally:
        _TASKS.pop()
