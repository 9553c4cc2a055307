"""Tasks shared over threads come back in order, as if run one after the other: the same
results, the first error in item order raised once every task has ended, no pool inside the
pool, and a forked child that can share its own tasks out again."""

from __future__ import annotations

import os
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.base import threads
from forecast.base.threads import spans, threaded_map


@given(count=st.integers(0, 10_000), parts=st.integers(1, 9))
def test_spans_cover_the_range_in_consecutive_parts_of_near_equal_size(
    count: int, parts: int
) -> None:
    found = spans(count, parts)
    assert len(found) == min(count, parts)
    bounds = [0, *(hi for _, hi in found)]
    assert [lo for lo, _ in found] == bounds[:-1] and bounds[-1] == count
    sizes = [hi - lo for lo, hi in found]
    assert not sizes or max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("count", [0, 1, 2, 3, 17])
def test_results_come_back_in_item_order(count: int) -> None:
    def slow_square(i: int) -> int:
        time.sleep(0.002 * (count - i))  # the first items end last
        return i * i

    assert threaded_map(slow_square, list(range(count))) == [i * i for i in range(count)]


def test_the_tasks_run_in_more_than_one_thread() -> None:
    if threads.thread_count() < 2:
        pytest.skip("one usable core: the tasks run one after the other")
    seen: set[str] = set()
    barrier = threading.Barrier(2, timeout=10)

    def meet(_: int) -> None:
        seen.add(threading.current_thread().name)
        barrier.wait()  # both tasks at once, or the barrier breaks

    threaded_map(meet, [0, 1])
    assert len(seen) == 2


def test_the_first_error_in_item_order_is_raised_after_every_task_has_ended() -> None:
    ended: list[int] = []

    def task(i: int) -> int:
        time.sleep(0.01 * (3 - i))
        ended.append(i)
        if i in (1, 2):
            raise ValueError(f"item {i}")
        return i

    with pytest.raises(ValueError, match="item 1"):
        threaded_map(task, [0, 1, 2, 3])
    assert sorted(ended) == [0, 1, 2, 3]


def test_a_task_that_shares_its_own_work_out_does_not_wait_on_itself() -> None:
    def outer(i: int) -> list[int]:
        return threaded_map(lambda j: 10 * i + j, [0, 1, 2])

    assert threaded_map(outer, [1, 2, 3]) == [[10, 11, 12], [20, 21, 22], [30, 31, 32]]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_shares_its_tasks_over_threads_of_its_own() -> None:
    assert threaded_map(abs, [-1, -2]) == [1, 2]  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # the child: the parent's threads are not here; a pool of its own is
        code = 1
        try:
            code = 0 if threaded_map(abs, [-3, -4, -5]) == [3, 4, 5] else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
