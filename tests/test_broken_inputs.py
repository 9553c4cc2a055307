"""Broken variants of the mini workspace: each must be refused with a located, useful problem.

The cases live in data/broken/cases.yaml. Each one edits a fresh copy of data/mini, runs
`forecast validate` in a subprocess and expects exit 1, no traceback, and one problem line
`path:line:...` that names the trouble and a fix. Cases the engine does not yet refuse
cleanly carry `xfail: reason` and are expected to fail (strictly) until it does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from .corpus import problem_lines, run_forecast, tree_digest

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
CASES: list[dict[str, Any]] = YAML(typ="safe", pure=True).load(
    (DATA / "broken" / "cases.yaml").read_text("utf-8")
)
SIZE_LIMIT = 1_000_000


def _big_yaml() -> bytes:
    """A harmless-looking evidence file just over the size limit."""
    row = b"  - a pasted line of a long report, kept here by mistake\n"
    return b"notes:\n" + row * (SIZE_LIMIT // len(row) + 1)


GENERATORS: dict[str, Callable[[], bytes]] = {"big": _big_yaml}


def _apply(ws: Path, edit: dict[str, Any]) -> None:
    """Apply one edit of a case to the workspace copy."""
    target = ws / edit["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if "replace" in edit:
        text = target.read_bytes().decode("utf-8")
        count = text.count(edit["replace"])
        assert count == 1, f"{edit['file']}: {edit['replace']!r} occurs {count} times"
        target.write_bytes(text.replace(edit["replace"], edit["with"]).encode("utf-8"))
    elif "write" in edit:
        target.write_bytes(edit["write"].encode("utf-8"))
    elif "write_bytes_hex" in edit:
        target.write_bytes(bytes.fromhex(edit["write_bytes_hex"]))
    elif "generate" in edit:
        target.write_bytes(GENERATORS[edit["generate"]]())
    elif edit.get("delete"):
        target.unlink()
    else:
        raise AssertionError(f"unknown edit {edit!r}")


def _validate(ws: Path) -> subprocess.CompletedProcess[str]:
    return run_forecast(["validate", "--root", str(ws)], ws)


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["id"], marks=marks)


def test_cases_are_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) >= 24
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case["id"]), case["id"]
        assert case["about"] and case["edits"]
        assert {"file", "message", "fix"} <= set(case["expect"]), case["id"]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A fresh copy of the mini workspace."""
    return Path(shutil.copytree(MINI, tmp_path / "ws"))


def test_mini_workspace_is_valid(ws: Path) -> None:
    result = _validate(ws)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_broken_input_is_refused(case: dict[str, Any], ws: Path) -> None:
    for edit in case["edits"]:
        _apply(ws, edit)
    before = tree_digest(ws)

    result = _validate(ws)

    report = f"exit {result.returncode}\n{result.stderr}"
    assert result.returncode == 1, report
    assert "Traceback" not in result.stderr, report
    expect = case["expect"]
    assert problem_lines(result.stderr, expect), f"no problem line like {expect}\n{report}"
    assert tree_digest(ws) == before, "validate changed the workspace"
