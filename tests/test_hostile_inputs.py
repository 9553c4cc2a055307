"""Hostile and careless command lines: nothing a user types destroys the workspace or ends
in a traceback.

The cases live in data/broken/hostile.yaml (its header lists the setup actions and the
expectations). Each runs one `forecast` command in a subprocess on a fresh copy of
data/mini that has a `.git` folder and a folder beside it ({outside}); every file of both
must be byte-identical afterwards, except the paths a case says may change.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from forecast.fitting.fitcache import FOLDER as FIT_CACHE

from .corpus import problem_lines, run_forecast, tree_digest

DATA = Path(__file__).resolve().parent / "data"
CASES: list[dict[str, Any]] = YAML(typ="safe", pure=True).load(
    (DATA / "broken" / "hostile.yaml").read_text("utf-8")
)
AS_ROOT = os.geteuid() == 0


def _many_parents(ws: Path) -> None:
    """Give the outcome 25 more two-state parents (26 in all)."""
    model = ws / "model" / "network.yaml"
    extra = "".join(
        f"  - id: d{i}\n    label: Extra {i}\n    kind: intermediate\n"
        f"    description: One of many parents.\n    baseline: 'no'\n    states:\n"
        f"      - {{id: 'no', label: 'No', criterion: Not seen.}}\n"
        f"      - {{id: 'yes', label: 'Yes', criterion: Seen.}}\n"
        for i in range(25)
    )
    text = model.read_text("utf-8").replace("nodes:\n", "nodes:\n" + extra, 1)
    parents = ", ".join(f"d{i}" for i in range(25))
    model.write_text(text.replace("parents: [flood]", f"parents: [flood, {parents}]"), "utf-8")


class Setup:
    """Applies a case's setup actions; holds any lock until closed."""

    def __init__(self, ws: Path, outside: Path) -> None:
        self.ws, self.outside = ws, outside
        self.locks: list[Any] = []

    def path(self, text: str) -> Path:
        return self.ws / text.format(outside=self.outside)

    def apply(self, action: dict[str, Any]) -> None:
        kind = next(iter(action))
        target = self.path(str(action[kind]))
        if kind not in ("delete", "chmod", "lock", "generate"):
            target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "mkdir":
            target.mkdir()
        elif kind == "mkfifo":
            os.mkfifo(target)
        elif kind == "socket":
            with socket.socket(socket.AF_UNIX) as server:
                server.bind(str(target))
        elif kind == "symlink":
            target.symlink_to(str(action["to"]).format(outside=self.outside))
        elif kind == "write":
            target.write_bytes(action["text"].encode("utf-8"))
        elif kind == "append":
            with target.open("ab") as handle:
                handle.write(action["text"].encode("utf-8"))
        elif kind == "edit":
            text = target.read_text("utf-8")
            assert text.count(action["replace"]) == 1, action
            target.write_text(text.replace(action["replace"], action["with"]), "utf-8")
        elif kind == "delete":
            target.unlink()
        elif kind == "chmod":
            target.chmod(int(action["mode"]))
        elif kind == "generate":
            assert action["generate"] == "many-parents"
            _many_parents(self.ws)
        elif kind == "lock":
            handle = (target.parent / f".{target.name}.forecast-lock").open("a+")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.locks.append(handle)
        else:
            raise AssertionError(f"unknown setup action {action!r}")

    def close(self) -> None:
        for handle in self.locks:
            handle.close()
        for folder in (self.ws, self.outside):  # let pytest clean up after chmod cases
            for directory, _, _ in os.walk(folder):
                Path(directory).chmod(0o755)


@pytest.fixture
def places(tmp_path: Path) -> Iterator[Setup]:
    ws = Path(shutil.copytree(DATA / "mini", tmp_path / "ws"))
    (ws / ".git").mkdir()
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    setup = Setup(ws, outside)
    yield setup
    setup.close()


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if "needs_non_root" in case:
        marks.append(pytest.mark.skipif(AS_ROOT, reason=case["needs_non_root"]))
    return pytest.param(case, id=case["id"], marks=marks)


def test_cases_are_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) >= 40
    for case in CASES:
        assert case["about"] and case["run"] and "exit" in case["expect"], case["id"]


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_hostile_input_is_handled(case: dict[str, Any], places: Setup) -> None:
    for action in case.get("setup", []):
        places.apply(action)
    # the fit cache is the one thing any computing command may add (fitcache.FOLDER)
    may_change = [*case.get("may_change", []), FIT_CACHE]
    before = tree_digest(places.ws, places.outside, skip=may_change)

    args = [str(a).format(outside=places.outside) for a in case["run"]]
    result = run_forecast(args, places.ws)

    output = result.stdout + result.stderr
    report = f"exit {result.returncode}\n{result.stderr}"
    expect = case["expect"]
    assert result.returncode == expect["exit"], report
    assert "Traceback" not in output, report
    for text in expect.get("stderr", []):
        assert text in result.stderr, f"{text!r} not in stderr\n{report}"
    for text in expect.get("absent", []):
        assert text not in output, f"{text!r} printed\n{report}"
    if "problem" in expect:
        assert problem_lines(result.stderr, expect["problem"]), f"no line like {expect}\n{report}"
    for relative, text in expect.get("files", {}).items():
        assert text in (places.ws / relative).read_text("utf-8"), f"{text!r} not in {relative}"
    for relative in expect.get("gone", []):
        assert not (places.ws / relative).exists(), f"{relative} is still there"
    places.close()
    assert tree_digest(places.ws, places.outside, skip=may_change) == before, (
        "the command changed files it must not touch"
    )
