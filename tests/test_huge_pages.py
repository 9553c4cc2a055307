"""The package turns numpy's huge pages off before numpy is imported, unless told otherwise."""

import os
import subprocess
import sys

ASK = "import forecast, numpy._core.multiarray as m; print(m._get_madvise_hugepage())"


def _huge_pages(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", ASK], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_huge_pages_are_off_by_default_and_a_set_value_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    assert _huge_pages(env) == "False"
    assert _huge_pages({**env, "NUMPY_MADVISE_HUGEPAGE": "1"}) == "True"
