"""One family of user-facing errors: problems in the inputs, each with a place and a fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in an input file, where it is, and what to do about it."""

    path: str
    line: int
    column: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}; {self.fix}"


class InputError(Exception):
    """The inputs are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """The path as a user should see it: relative to the workspace root when inside it."""
    try:  # links are not followed: a link is shown where it is, not where it leads
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


class OutputError(Exception):
    """An output could not be written (permissions, a full disk, another writer); one line."""


class DrawsTooLargeError(ValueError):
    """A `--draws` value whose results would not fit the memory limit; one line."""
