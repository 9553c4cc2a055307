"""How many cores this process may use, for the work spread over processes."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the platform says), at least 1."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can say which cores a process may use
        return os.cpu_count() or 1
