"""`forecast run` ends with what changed since the previous run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .test_observations import _workspace


def _run(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "forecast", "run", "--root", str(root), "--draws", "200"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_run_ends_with_the_changes_since_the_previous_run(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    assert "nothing to compare with" in _run(root)
    assert _run(root).rstrip().endswith("since the previous run: nothing changed")
    evidence = root / "evidence" / "almanac.yaml"
    text = evidence.read_text("utf-8")
    claim = "about: {node: rain, state: rainy}\n    probability: likely"
    assert text.count(claim) == 1
    evidence.write_text(text.replace(claim, claim.replace("likely", "very likely")), "utf-8")
    after = _run(root).split("since the previous run: ", 1)[1].splitlines()
    assert after[0] == "no claim changed"
    assert after[1].startswith("change in mean (points)")
    moved = {line.split()[0]: line for line in after[2:]}
    assert "Baseline" in moved and "+" in moved["Baseline"] and "-" in moved["Baseline"]
