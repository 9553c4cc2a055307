"""Independent tasks shared out over threads, one per usable core.

For work that spends its time in calls which release the GIL (numpy's contractions, sorts
and reductions on large arrays, hashing, reading files): the threads then run side by
side, and the process's memory is shared, so nothing is copied or pickled. Results come
back in the order of the items, exactly as if the tasks ran one after the other.

One pool per process: a forked child starts without the parent's threads, so it makes
its own pool if it needs one; a process that shares the cores with others
(`cores.one_core`) runs the tasks one after the other.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from forecast.base.cores import usable_cores

T = TypeVar("T")
R = TypeVar("R")

_POOL: dict[int, ThreadPoolExecutor] = {}  # this process's pool by its size, made on first use
_LOCK = threading.Lock()
_NAME = "forecast-thread"


def _forget_pools() -> None:
    _POOL.clear()  # the parent's threads do not exist in a forked child


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools)


def thread_count() -> int:
    """How many threads `threaded_map` shares tasks over: the usable cores."""
    return usable_cores()


def spans(count: int, parts: int) -> list[tuple[int, int]]:
    """0..count in `parts` consecutive (start, end) ranges of sizes differing by one at
    most (fewer when count is smaller; none when it is 0)."""
    if count <= 0:
        return []
    parts = max(1, min(parts, count))
    return list(itertools.pairwise([count * k // parts for k in range(parts + 1)]))


def _pool(workers: int) -> ThreadPoolExecutor:
    with _LOCK:
        if workers not in _POOL:
            _POOL[workers] = ThreadPoolExecutor(workers, thread_name_prefix=_NAME)
        return _POOL[workers]


def threaded_map(task: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`task` on each item, over at most `thread_count()` threads; the results in item
    order. The first item runs in the calling thread, which keeps it busy (a caller that
    only waited would leave its core looking idle, and the system may then wake a worker
    on that very core). An exception in a task is raised here (the first in item order),
    once every task has ended. Called from one of the pool's own threads, the tasks run
    one after the other (a pool waiting on itself could wait forever)."""
    workers = min(thread_count(), len(items))
    if workers <= 1 or threading.current_thread().name.startswith(_NAME):
        return [task(item) for item in items]
    futures = [_pool(workers - 1).submit(task, item) for item in items[1:]]
    outcomes: list[tuple[bool, Any]] = [_outcome(task, items[0])]
    for future in futures:
        error = future.exception()
        outcomes.append((False, error) if error is not None else (True, future.result()))
    for ok, value in outcomes:
        if not ok:
            raise value
    return [value for _, value in outcomes]


def _outcome(task: Callable[[T], R], item: T) -> tuple[bool, Any]:
    try:
        return True, task(item)
    except Exception as exc:  # raised by the caller once the other tasks have ended
        return False, exc
