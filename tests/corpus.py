"""Helpers shared by the broken-input corpora: run the command line, find a problem line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def run_forecast(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m forecast ARGS` in `cwd`, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "forecast", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def problem_lines(stderr: str, expect: dict[str, Any]) -> list[str]:
    """Lines `file:line:...: message; fix` matching an expectation {file, line?, message, fix}
    (message and fix compared case-insensitively; the fix is what follows the last '; ')."""
    prefix = f"{expect['file']}:" + (f"{expect['line']}:" if "line" in expect else "")
    return [
        line
        for line in stderr.splitlines()
        if line.startswith(prefix)
        and expect["message"].lower() in line.lower()
        and expect["fix"].lower() in line.rpartition("; ")[2].lower()
    ]


def tree_digest(*folders: Path, skip: Sequence[str] = ()) -> dict[str, str]:
    """Every entry under `folders`: a file's SHA-256, a link's target, any other entry's kind
    and permission bits; paths are relative to each folder's parent. Top-level names of the
    first folder listed in `skip` are left out (with everything under them)."""
    import hashlib
    import os
    import stat

    out: dict[str, str] = {}
    for folder in folders:
        if not folder.exists():
            continue
        for directory, dirs, files in os.walk(folder, followlinks=False):
            for name in sorted([*dirs, *files]):
                path = Path(directory) / name
                relative = path.relative_to(folder)
                if folder == folders[0] and relative.parts[0] in skip:
                    continue
                info = path.lstat()
                key = f"{folder.name}/{relative.as_posix()}"
                if stat.S_ISLNK(info.st_mode):
                    out[key] = f"link -> {path.readlink()}"
                elif stat.S_ISREG(info.st_mode):
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    out[key] = f"file {oct(info.st_mode & 0o777)} {digest}"
                elif stat.S_ISDIR(info.st_mode):
                    out[key] = "folder"
                else:
                    out[key] = stat.filemode(info.st_mode)
    return out
