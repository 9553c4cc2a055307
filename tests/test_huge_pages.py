"""The package turns numpy's huge pages off before numpy is imported, unless told otherwise.

numpy reads its documented switch, the environment variable NUMPY_MADVISE_HUGEPAGE, once,
when it is first imported; the package sets it (to 0, keeping a value already set) before
it imports numpy, so the test checks what the package leaves there for numpy to read, and
that numpy was not yet imported when the package set it.
"""

import os
import subprocess
import sys

ASK = (
    "import sys, forecast, os; "
    "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'), 'numpy' in sys.modules)"
)


def _after_import(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", ASK], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_huge_pages_are_off_by_default_and_a_set_value_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    # set, and numpy not imported by the package itself: whatever imports numpy next reads it
    assert _after_import(env) == "0 False"
    assert _after_import({**env, "NUMPY_MADVISE_HUGEPAGE": "1"}) == "1 False"
