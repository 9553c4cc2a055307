"""The reading and output rules, and the quote messages, below the command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from forecast.base import atomic, reading
from forecast.base.errors import InputError, OutputError
from forecast.base.outputs import MARK, UnsafeOutputError, check_file, check_folder
from forecast.inputs import quotes

from .conftest import REPO


def test_a_quote_that_differs_only_in_normalisation_shows_the_code_points() -> None:
    source = "He said: the café stays open, and the rest is history."
    quote = "the cafe\u0301 stays open"
    assert not quotes.contains(source, quote)
    near = quotes.closest_passage(source, quote)
    assert near.marked.endswith("the «café» stays open,")  # whole words, some context
    assert near.differences == (
        'quote "cafe\u0301" / source "café" (they look alike: quote has U+0065 U+0301 '
        "where the source has U+00E9)",
    )


def test_the_closest_passage_is_whole_words() -> None:
    source = "Beijing will probably keep its distance from the conflict for now."
    near = quotes.closest_passage(source, "Beijing will surely keep its distance from the confl")
    assert near.text == "Beijing will probably keep its distance from the conflict"
    assert near.differences == ('quote "surely" / source "probably"',)


def test_a_read_stops_at_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="101 bytes, over the 100-byte limit"):
        reading.read_bytes(big, "big.txt", 100, tmp_path)
    assert reading.read_bytes(big, "big.txt", 101, tmp_path) == b"x" * 101


def test_a_stamped_folder_may_be_replaced_and_a_foreign_one_not(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "model").mkdir(parents=True)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for folder in (ours, theirs):
        folder.mkdir()
        (folder / "index.html").write_text("page")
    (ours / ".forecast-output").write_text("stamp")
    assert check_folder(ours, root) == ours
    assert check_folder(tmp_path / "empty-or-new", root)
    with pytest.raises(UnsafeOutputError, match=r"no \.forecast-output stamp"):
        check_folder(theirs, root)


def test_an_exported_file_may_be_replaced_and_a_foreign_one_not(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    ours, theirs = tmp_path / "ours.bif", tmp_path / "theirs.bif"
    ours.write_text(f"// {MARK}\nnetwork unknown {{\n}}\n")
    theirs.write_text("network unknown {\n}\n")
    assert check_file(ours, root) == ours
    with pytest.raises(UnsafeOutputError, match="was not written by `forecast export`"):
        check_file(theirs, root)


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    with (
        atomic.exclusive(target),
        pytest.raises(OutputError, match="another forecast process is writing"),
        atomic.exclusive(target),
    ):
        pass  # pragma: no cover - never entered
    with atomic.exclusive(target):  # released: the next writer gets in
        pass


def test_an_interrupted_swap_is_restored_and_staging_removed(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    old = tmp_path / ".reports.forecast-old-123"
    old.mkdir()
    (old / "index.html").write_text("the previous report")
    (tmp_path / ".reports.forecast-new-abc").mkdir()
    with atomic.exclusive(target):
        assert (target / "index.html").read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.forecast-lock", "reports"]


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)
@pytest.mark.parametrize(
    "name", [".reports.forecast-lock", ".reports.forecast-new-x1y2", ".model.bif.forecast-7.tmp"]
)
def test_git_ignores_the_helpers_beside_an_output(name: str) -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO, check=False)
    assert ignored.returncode == 0, f"git does not ignore {name}"


def test_an_unreadable_file_is_a_problem_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The permission error a non-root user meets (root reads anything, so it is simulated)."""
    path = tmp_path / "claims.yaml"
    path.write_text("source: {}\n")

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reading.os, "open", refuse)
    with pytest.raises(InputError) as caught:
        reading.read_bytes(path, "evidence/claims.yaml", 1000, tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "evidence/claims.yaml:1:1: cannot read: Permission denied; "
        "give your user read permission (chmod u+r)"
    ]
