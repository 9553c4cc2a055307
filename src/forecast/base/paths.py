"""Every path in a workspace, derived from its root in one place."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

INPUT_FOLDERS = ("model", "evidence", "scenarios")  # what the loader reads, and nothing else


@dataclass(frozen=True)
class Workspace:
    """The folders of one forecasting question."""

    root: Path

    @property
    def model_file(self) -> Path:
        return self.root / "model" / "network.yaml"

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    @property
    def scenarios_dir(self) -> Path:
        return self.root / "scenarios"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def ledger_file(self) -> Path:
        """The published forecasts, one JSON object per line, append-only."""
        return self.root / "ledger" / "forecasts.jsonl"

    @property
    def resolutions_file(self) -> Path:
        return self.root / "ledger" / "resolutions.yaml"

    @property
    def observations_file(self) -> Path:
        return self.evidence_dir / "observations.yaml"

    def evidence_files(self) -> list[Path]:
        """Evidence files (one per source) in a stable order; the observations are apart.
        Hidden files (an editor's backup, a draft) are never read."""
        return sorted(
            p for p in _visible(self.evidence_dir.glob("*.yaml")) if p != self.observations_file
        )

    def scenario_files(self) -> list[Path]:
        """Scenario files in a stable order (hidden ones are never read)."""
        return sorted(_visible(self.scenarios_dir.glob("*.yaml")))

    def input_files(self) -> list[Path]:
        """Every file the inputs may be read from: the regular files under model/,
        evidence/ and scenarios/ whose path has no hidden part, in a stable order. Links
        are listed where they are (reading them checks where they lead)."""
        found: list[Path] = []
        for folder in INPUT_FOLDERS:
            top = self.root / folder
            for directory, subfolders, names in os.walk(top):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in names:
                    path = Path(directory) / name
                    if not name.startswith(".") and _regular(path):
                        found.append(path)
        return sorted(found)

    def inside(self, relative: str) -> Path | None:
        """Resolve a workspace-relative path; None when it would leave the workspace."""
        candidate = self.root / relative
        return candidate.resolve() if within(candidate, self.root) else None


def within(path: Path, folder: Path) -> bool:
    """Whether `path`, with every link followed, is `folder` or lies inside it.

    A loop of symbolic links counts as outside.
    """
    try:
        resolved, top = path.resolve(), folder.resolve()
    except (RuntimeError, OSError):
        return False
    return resolved == top or top in resolved.parents


def present(path: Path) -> bool:
    """Whether anything is at `path`, a link to nothing included."""
    return path.exists() or path.is_symlink()


def _visible(paths: Iterable[Path]) -> Iterator[Path]:
    return (p for p in paths if not p.name.startswith("."))


def _regular(path: Path) -> bool:
    """Whether `path`, links followed, is a regular file (never opened, so a pipe is safe)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
