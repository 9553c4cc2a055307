"""One family of user-facing errors, each with a place and a fix.

Everything a user can cause (invalid inputs, an output that cannot be written, wrong
usage) derives from `ForecastError`; the command line catches that base alone and prints
its lines without a traceback. Any other exception is a bug in the tool.
"""

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


class ForecastError(Exception):
    """An error the user caused and can fix: printed as lines, the command exits `exit_code`
    (1 for inputs and outputs, 2 for wrong usage)."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What the command line prints, one line each."""
        return [f"error: {self}"]


class UsageError(ForecastError):
    """The command was asked for something it refuses (an unsafe path, too many draws)."""

    exit_code = 2


class InputError(ForecastError):
    """The inputs are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        count = len(self.problems)
        return [*map(str, self.problems), f"{count} problem{'s' if count != 1 else ''} found."]


def display_path(path: Path, root: Path) -> str:
    """The path as a user should see it: relative to the workspace root when inside it."""
    try:  # links are not followed: a link is shown where it is, not where it leads
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


class OutputError(ForecastError):
    """An output could not be written (permissions, a full disk, another writer); one line."""


class DrawsTooLargeError(UsageError):
    """A `--draws` value whose results would not fit the memory limit; one line."""
