"""The package's layers hold: `lint-imports` passes on the package and fails on a copy of it
with one import that goes the wrong way or pulls a framework into the wrong layer."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from pydantic import BaseModel

from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package and of the configuration that holds the contracts."""
    shutil.copytree(REPO / "src" / "forecast", tmp_path / "src" / "forecast")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_contract(package_copy: Path) -> None:
    done = _lint(package_copy / "src", package_copy / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "inputs/domain.py",
            "import forecast.reporting.report",
            "Each layer imports only the layers below it",
        ),
        ("fitting/run.py", "import pgmpy.models", "pgmpy is imported in the exchange layer only"),
        (
            "analysis/holdout.py",
            "import matplotlib.pyplot",
            "matplotlib and grandalf are imported in the reporting layer only",
        ),
        (
            "inference/compiled.py",
            "import pydantic",
            "pydantic is imported in the inputs layer only",
        ),
        (
            "analysis/forecastdoc.py",
            "import forecast.inputs.filemodels",
            "the parsed files' pydantic models stay in the inputs layer",
        ),
    ],
)
def test_a_wrong_import_is_caught(
    package_copy: Path, module: str, line: str, contract: str
) -> None:
    path = package_copy / "src" / "forecast" / module
    path.write_text(path.read_text("utf-8") + f"\n{line}  # a deliberate mistake\n", "utf-8")
    done = _lint(package_copy / "src", package_copy / "pyproject.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{contract} BROKEN" in done.stdout
    assert "1 broken" in done.stdout


def _pydantic_inside(value: object, path: str, seen: set[int]) -> list[str]:
    """Where in `value` (dataclasses, mappings and sequences, walked) a pydantic model sits."""
    if id(value) in seen or isinstance(value, str | bytes | int | float | type(None)):
        return []
    seen.add(id(value))
    if isinstance(value, BaseModel):
        return [path]
    found: list[str] = []
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            found += _pydantic_inside(getattr(value, f.name), f"{path}.{f.name}", seen)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += _pydantic_inside(item, f"{path}[{key!r}]", seen)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            found += _pydantic_inside(item, f"{path}[{i}]", seen)
    return found


def test_the_study_every_layer_sees_holds_no_pydantic_model() -> None:
    study = build_study(load_inputs(REPO))
    assert study.sources and study.model.readers  # the walk reaches real content
    assert _pydantic_inside(study, "study", set()) == []
