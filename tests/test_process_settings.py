"""The package turns numpy's huge pages and OpenBLAS's threads off before numpy is imported,
unless told otherwise, and the command line keeps freed memory for the next array.

numpy reads its documented switch, the environment variable NUMPY_MADVISE_HUGEPAGE, once,
when it is first imported; the package sets it (to 0, keeping a value already set) before
it imports numpy, so the test checks what the package leaves there for numpy to read, and
that numpy was not yet imported when the package set it.
"""

import os
import platform
import subprocess
import sys

import pytest

from forecast.base.memory import keep_freed_memory


def _ask(variable: str) -> str:
    return f"import sys, forecast, os; print(os.environ.get('{variable}'), 'numpy' in sys.modules)"


def _after_import(env: dict[str, str], variable: str = "NUMPY_MADVISE_HUGEPAGE") -> str:
    done = subprocess.run(
        [sys.executable, "-c", _ask(variable)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_huge_pages_are_off_by_default_and_a_set_value_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    # set, and numpy not imported by the package itself: whatever imports numpy next reads it
    assert _after_import(env) == "0 False"
    assert _after_import({**env, "NUMPY_MADVISE_HUGEPAGE": "1"}) == "1 False"


def test_openblas_has_one_thread_by_default_and_a_set_value_is_kept() -> None:
    """OpenBLAS's idle threads spin on a core for a while after each call; the package's
    own threads and forked processes need both cores of a small machine."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _after_import(env, "OPENBLAS_NUM_THREADS") == "1 False"
    assert _after_import({**env, "OPENBLAS_NUM_THREADS": "2"}, "OPENBLAS_NUM_THREADS") == "2 False"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_c_library_takes_the_thresholds_that_keep_freed_memory() -> None:
    assert keep_freed_memory()
