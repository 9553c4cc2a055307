"""How many cores this process may use, for the work spread over processes.

A process that is itself one of several sharing the cores (a forked worker) says so with
`one_core`: whatever it spreads out then runs in it, one piece after the other, instead
of forking more processes than there are cores.
"""

from __future__ import annotations

import os

_SHARING: list[bool] = []  # set in a worker that already has a core of its own


def one_core() -> None:
    """From now on, this process uses one core: it is one of several sharing them."""
    _SHARING.append(True)


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the platform says), at least 1;
    1 in a process that shares the cores with others (`one_core`)."""
    if _SHARING:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can say which cores a process may use
        return os.cpu_count() or 1
