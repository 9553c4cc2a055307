"""Random `--out` and `-o` paths never change an input file.

Paths are drawn from folders inside, above and equal to the workspace and its input
folders, reached directly or through symbolic links, with further components ('..', '.',
input names) appended. Whatever the path, the command either refuses it (exit 2) or writes
somewhere that is not an input, and every file of model/, evidence/, scenarios/ and .git
stays byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from forecast.base.outputs import STAMP, STAMP_TEXT
from forecast.cli import main

from .corpus import tree_digest

MINI = Path(__file__).resolve().parent / "data" / "mini"
INPUTS = ("model", "evidence", "scenarios", ".git")
BASES = (
    "ws",
    "ws/model",
    "ws/evidence",
    "ws/evidence/sources",
    "ws/scenarios",
    "ws/.git",
    "ws/reports",
    "ws/..",
    "outside",
    "ws/to-evidence",
    "ws/to-root",
    "ws/to-parent",
    "outside/to-model",
    "outside/to-workspace",
)
STEPS = (
    "..",
    ".",
    "new",
    "reports",
    "model",
    "evidence",
    "scenarios",
    ".git",
    "network.yaml",
    "almanac.yaml",
    "baseline.yaml",
    "HEAD",
)


@pytest.fixture(scope="module")
def top(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with .git, a stamped reports/ folder and links in and out of it."""
    top = tmp_path_factory.mktemp("paths")
    ws = Path(shutil.copytree(MINI, top / "ws"))
    (ws / ".git").mkdir()
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / "reports").mkdir()
    (ws / "reports" / STAMP).write_text(STAMP_TEXT)
    (top / "outside").mkdir()
    (ws / "to-evidence").symlink_to("evidence")
    (ws / "to-root").symlink_to(".")
    (ws / "to-parent").symlink_to("..")
    (top / "outside" / "to-model").symlink_to(ws / "model")
    (top / "outside" / "to-workspace").symlink_to(ws)
    return top


def _inputs(top: Path) -> dict[str, str]:
    return tree_digest(*(top / "ws" / name for name in INPUTS))


@given(
    base=st.sampled_from(BASES),
    steps=st.lists(st.sampled_from(STEPS), max_size=3),
    command=st.sampled_from(["report", "export"]),
)
def test_no_output_path_changes_an_input(
    top: Path, base: str, steps: list[str], command: str
) -> None:
    before = _inputs(top)
    path = Path(top, base, *steps)
    option = ["--out", str(path), "--draws", "100"] if command == "report" else ["-o", str(path)]

    result = CliRunner().invoke(main, [command, "--root", str(top / "ws"), *option])

    assert result.exit_code in (0, 2), (path, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert _inputs(top) == before, f"{command} to {path} changed an input"
    if result.exit_code == 0:
        written = path.resolve()
        workspace = (top / "ws").resolve()
        assert not any(written.is_relative_to(workspace / name) for name in INPUTS), written
        assert written != workspace and written not in workspace.parents
