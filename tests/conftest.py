"""Shared fixtures: the real workspace copied into tmp_path, and hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
DATA_FOLDERS = ("model", "evidence", "scenarios")

settings.register_profile(
    "fast", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def copy_workspace(target: Path) -> Path:
    """A copy of the real model, evidence and scenarios under `target`."""
    for folder in DATA_FOLDERS:
        shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the real workspace: tests may edit it freely."""
    return copy_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def study():  # type: ignore[no-untyped-def]
    """The real study, loaded and checked once."""
    from forecast.inputs.checks import build_study
    from forecast.inputs.loading import load_inputs

    return build_study(load_inputs(REPO))


@pytest.fixture(scope="session")
def real_run(study):  # type: ignore[no-untyped-def]
    """The real study computed once with a modest number of draws."""
    from forecast.fitting.run import run_study

    return run_study(study, draws=300, seed=7)
