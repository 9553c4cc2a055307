"""Where the tool may write: one rule for every `--out` folder and `-o` file.

An output may be a new folder or file, or one this tool wrote before: a report folder
carries a stamp file, an exported file carries a mark in its first line. Nothing is ever
written at, above or inside the workspace root's inputs (`model/`, `evidence/`,
`scenarios/`) or `.git`, whatever links the path goes through.
"""

from __future__ import annotations

from pathlib import Path

from forecast.base.errors import InputError, UsageError
from forecast.base.paths import present, within
from forecast.base.reading import read_head

STAMP = ".forecast-output"
STAMP_TEXT = (
    "This folder was written by `forecast report`; the next report replaces it whole.\n"
    "Keep nothing else here.\n"
)
MARK = "written by forecast export"
PROTECTED = ("model", "evidence", "scenarios", ".git")
_HEAD_BYTES = 4096


class UnsafeOutputError(UsageError):
    """An output path the tool refuses to write; the message is one line for the user."""


def _resolved(path: Path, label: str) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        raise UnsafeOutputError(f"{label}: a loop of symbolic links") from None


def _refuse_protected(path: Path, root: Path, label: str) -> Path:
    """Refuse the workspace root, anything above it, and anything in its inputs or .git;
    return the path with every link and '..' resolved."""
    target, top = _resolved(path, label), _resolved(root, label)
    fix = "choose a new folder or file outside model/, evidence/, scenarios/ and .git"
    if target == top:
        raise UnsafeOutputError(f"{label}: is the workspace root; {fix}")
    if target in top.parents:
        raise UnsafeOutputError(f"{label}: contains the workspace {top}; {fix}")
    for name in PROTECTED:
        if within(target, top / name):
            raise UnsafeOutputError(f"{label}: lies in the workspace's {name}/; {fix}")
    parent = next(p for p in target.parents if p.exists())
    if not parent.is_dir():
        raise UnsafeOutputError(f"{label}: {parent} is a file, not a folder; {fix}")
    return target


def check_folder(path: Path, root: Path, option: str = "--out") -> Path:
    """The folder `path` leads to (links and '..' resolved), which a report may replace
    whole; UnsafeOutputError otherwise. Write there, not to `path` as typed."""
    label = f"{option} {path}"
    target = _refuse_protected(path, root, label)  # what the swap will replace
    if present(target):
        if not target.is_dir():
            raise UnsafeOutputError(f"{label}: is not a folder; choose a new folder")
        try:
            foreign = not (target / STAMP).is_file() and any(target.iterdir())
        except OSError as exc:
            raise UnsafeOutputError(f"{label}: cannot be listed ({exc.strerror})") from None
        if foreign:
            raise UnsafeOutputError(
                f"{label}: is a folder this tool did not write (no {STAMP} stamp in it), "
                "and the report would replace it whole; choose a new folder"
            )
    return target


def _head(path: Path, label: str) -> bytes:
    try:
        return read_head(path, label, _HEAD_BYTES)
    except InputError as exc:
        raise UnsafeOutputError(f"{label}: {exc.problems[0].message}") from None


def check_file(path: Path, root: Path, option: str = "-o") -> Path:
    """The file `path` leads to (links and '..' resolved), which an export may write;
    UnsafeOutputError otherwise. Write there, not to `path` as typed."""
    label = f"{option} {path}"
    target = _refuse_protected(path, root, label)
    if path.name in ("", ".", "..") or target.is_dir():
        raise UnsafeOutputError(f"{label}: names a folder; name a file")
    if (present(path) or present(target)) and MARK.encode() not in _head(target, label):
        raise UnsafeOutputError(
            f"{label}: exists and was not written by `forecast export`; choose a new file name"
        )
    return target
