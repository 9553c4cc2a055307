"""Run the `forecast` command as a user would: a fresh process on a workspace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def forecast(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`forecast ARGS --root ROOT` in a new Python process, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "forecast", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
