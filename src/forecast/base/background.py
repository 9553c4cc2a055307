"""Text made in a forked child process while this one goes on (for work that waits on slow
imports, like writing a BIF file through pgmpy).

Where the platform cannot fork, or the child fails for any reason, the work is done in this
process when its result is asked for, so an error surfaces here with its usual message.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _child(work: Callable[[], str], send: Connection) -> None:
    try:
        send.send(("ok", work()))
    except BaseException:  # the parent does the work again and reports the error itself
        send.send(("failed", ""))
    finally:
        send.close()


class Background:
    """`work` started in a child process now; `result()` waits for its text."""

    def __init__(self, work: Callable[[], str]) -> None:
        self.work = work
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(work, send), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> str:
        """The work's text: the child's, or made here when there was no child or it failed."""
        if self._process is not None:
            try:
                status, text = self._receive.recv()
            except (EOFError, OSError):
                status, text = "failed", ""
            self._process.join()
            self._receive.close()
            if status == "ok":
                return str(text)
        return self.work()
