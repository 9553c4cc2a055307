"""`make report` on a temporary copy of the workspace writes every file, reproducibly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, copy_workspace

EXPECTED = [
    "index.html",
    "report.md",
    "audit.md",
    "results.json",
    "model.bif",
    "figures/scenarios.png",
    "figures/scenarios.svg",
]


def _make_report(ws: Path) -> subprocess.CompletedProcess[str]:
    venv = Path(sys.executable).parent.parent
    stamp = venv / ".installed"
    return subprocess.run(
        ["make", "--no-print-directory", "-o", str(stamp), "report", f"VENV={venv}"],
        cwd=ws,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture
def make_workspace(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    ws = copy_workspace(tmp_path / "ws")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, ws / name)
    return ws


def test_make_report_writes_every_file_and_is_reproducible(make_workspace: Path) -> None:
    first = _make_report(make_workspace)
    assert first.returncode == 0, first.stderr
    reports = make_workspace / "reports"
    for name in EXPECTED:
        assert (reports / name).is_file(), name
        assert (reports / name).stat().st_size > 0, name
    results = (reports / "results.json").read_bytes()
    png = (reports / "figures" / "scenarios.png").read_bytes()
    second = _make_report(make_workspace)
    assert second.returncode == 0, second.stderr
    assert (reports / "results.json").read_bytes() == results
    assert (reports / "figures" / "scenarios.png").read_bytes() == png
    assert not list(make_workspace.glob(".reports.forecast-[no]*")), "no staging left behind"
