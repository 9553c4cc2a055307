"""Work done in a forked child: its text comes back, and a failure surfaces in the parent."""

from __future__ import annotations

import os

import pytest

from forecast.base.background import Background


def test_the_childs_text_comes_back_from_another_process() -> None:
    job = Background(lambda: f"made by {os.getpid()}")
    assert job.result() != f"made by {os.getpid()}", "the work ran in a child process"


def test_a_failing_child_is_done_again_here_and_raises_here() -> None:
    calls = []

    def work() -> str:
        calls.append(os.getpid())
        raise ValueError("the export failed")

    job = Background(work)
    with pytest.raises(ValueError, match="the export failed"):
        job.result()
    assert calls == [os.getpid()], "the parent ran the work itself after the child failed"
