"""One error family, caught once: a user's mistake is a located message and exit 1 or 2;
a full terminal is one line; anything else is reported as a bug, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from forecast.base.errors import (
    DrawsTooLargeError,
    ForecastError,
    InputError,
    OutputError,
    UsageError,
)
from forecast.base.outputs import UnsafeOutputError
from forecast.cli import main

MINI = Path(__file__).resolve().parent / "data" / "mini"


def test_every_user_error_derives_from_one_base() -> None:
    for kind in (InputError, OutputError, UsageError, DrawsTooLargeError, UnsafeOutputError):
        assert issubclass(kind, ForecastError)
    assert DrawsTooLargeError.exit_code == UnsafeOutputError.exit_code == 2
    assert InputError.exit_code == OutputError.exit_code == 1


def test_a_bug_is_reported_as_one_and_its_details_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Path(shutil.copytree(MINI, tmp_path / "ws"))
    from forecast.inputs import checks

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a deliberately broken function")

    monkeypatch.setattr(checks, "build_study", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = CliRunner().invoke(main, ["validate", "--root", str(ws)])
    assert result.exit_code == 70
    assert "internal error: KeyError" in result.stderr
    assert "This is a bug in forecast, not a problem in your files" in result.stderr
    assert "Traceback" not in result.output
    (crash,) = tmp_path.glob("forecast-crash-*.txt")
    assert "a deliberately broken function" in crash.read_text()


def test_standard_output_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    ws = Path(shutil.copytree(MINI, tmp_path / "ws"))
    with open("/dev/full", "w") as full:  # noqa: PTH123
        done = subprocess.run(
            [sys.executable, "-m", "forecast", "run", "--draws", "100", "--root", str(ws)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert "error: cannot write the output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
