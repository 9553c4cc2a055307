"""What git can vouch for: the commit of the workspace, the inputs it does not hold as they
are, and the committed bytes of a file (the ledger's anchor)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from forecast.base.paths import INPUT_FOLDERS, present, within

SHOWN = 5  # uncommitted files named in a message


def git_bytes(root: Path, *args: str) -> bytes | None:
    """A git command's output in the workspace, or None outside a repository (or on any
    failure of git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def git(root: Path, *args: str) -> str | None:
    """`git_bytes` as text."""
    out = git_bytes(root, *args)
    return None if out is None else out.decode("utf-8", "replace")


def head(root: Path) -> str | None:
    """The commit checked out, or None outside a repository or before the first commit."""
    out = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return out.strip() if out else None


def _names(root: Path, *args: str) -> list[str]:
    """The NUL-separated paths a git command lists (none when it fails)."""
    out = git_bytes(root, *args)
    return [] if not out else [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def committed(root: Path, path: Path, limit: int) -> bytes | None:
    """The bytes of `path` as HEAD holds it; None when HEAD does not hold it, outside a
    repository, or when it is larger than `limit` bytes."""
    spec = f"HEAD:./{path.relative_to(root).as_posix()}"
    size = git(root, "cat-file", "-s", spec)
    if size is None or not size.strip().isdigit() or int(size) > limit:
        return None
    return git_bytes(root, "cat-file", "blob", spec)


def _reason(tag: str | None, ignored: bool, staged: bool, changed: bool) -> str | None:
    """Why git cannot vouch for a file, from its `ls-files -v` tag (None: not tracked)."""
    if tag is None:
        return "ignored by git" if ignored else "not tracked by git"
    if tag == "S":
        return "marked skip-worktree"
    if tag.islower():
        return "marked assume-unchanged"
    if tag == "M":
        return "unmerged"
    if staged:
        return "staged, not committed"
    if changed:
        return "changed since the last commit"
    return None


def uncommitted(root: Path, files: list[Path]) -> list[str] | None:
    """Every file of `files` (under `root`) that HEAD does not hold as it is, as
    'path (why)', and every file under the input folders changed or deleted since HEAD;
    None outside a repository or before its first commit.

    A file not tracked (untracked or ignored), marked skip-worktree or assume-unchanged
    (git then stops looking at it), unmerged, or differing from HEAD in the index or the
    work tree counts; so does the target of a link.
    """
    if head(root) is None:
        return None
    tags = {p[2:]: p[0] for p in _names(root, "ls-files", "-v", "-z", "--", ".")}
    diff = ("diff", "--name-only", "--no-renames", "-z", "--relative")
    staged = set(_names(root, *diff, "--cached", "HEAD", "--", "."))
    changed = set(_names(root, *diff, "HEAD", "--", "."))
    found: dict[str, str] = {}
    names: list[str] = []
    for path in files:
        shown = path.relative_to(root).as_posix()
        if not within(path, root):
            found[shown] = "a link to a file outside the workspace"
            continue
        names += [shown, path.resolve().relative_to(root.resolve()).as_posix()]
    for name in sorted(staged | changed):
        parts = name.split("/")
        if parts[0] in INPUT_FOLDERS and not any(p.startswith(".") for p in parts):
            names.append(name)
    names = list(dict.fromkeys(names))
    untracked = [":(literal)" + n for n in names if n not in tags and present(root / n)]
    ignored = set(
        _names(
            root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--", *untracked
        )
        if untracked
        else []
    )
    for name in names:
        if not present(root / name):
            found.setdefault(name, "deleted since the last commit")
            continue
        why = _reason(tags.get(name), name in ignored, name in staged, name in changed)
        if why is not None:
            found.setdefault(name, why)
    return [f"{name} ({why})" for name, why in sorted(found.items())]


def listed(items: list[str]) -> str:
    """The first few items, and how many more."""
    more = len(items) - SHOWN
    return ", ".join(items[:SHOWN]) + (f" and {more} more" if more > 0 else "")
