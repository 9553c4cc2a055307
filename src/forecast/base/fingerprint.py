"""A command's one fingerprint of its inputs: the digests of the bytes it actually read.

The loader notes every file it reads (`reading.FileLog`); a study carries those digests,
completed with the digest of every other input file (`Workspace.input_files`), so that
every key the command writes is made from the bytes it parsed, never from a second read.
Before it keeps anything under such a key, the command compares the files on disk with
its fingerprint: a file that changed while it ran means nothing is kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from forecast.base.errors import InputError
from forecast.base.paths import INPUT_FOLDERS, Workspace
from forecast.base.reading import MAX_TEXT_BYTES, read_bytes

Digests = tuple[tuple[str, str], ...]  # (workspace-relative path, SHA-256), sorted by path
UNREADABLE = "unreadable"  # the digest of a listed file that cannot be read
_INPUTS = tuple(f"{folder}/" for folder in INPUT_FOLDERS)


def _digest(ws: Workspace, path: Path) -> str:
    relative = path.relative_to(ws.root).as_posix()
    try:
        return hashlib.sha256(read_bytes(path, relative, MAX_TEXT_BYTES, ws.root)).hexdigest()
    except InputError:
        return UNREADABLE


def on_disk(ws: Workspace) -> dict[str, str]:
    """The digest of every input file as it is now on disk."""
    return {p.relative_to(ws.root).as_posix(): _digest(ws, p) for p in ws.input_files()}


def complete(ws: Workspace, read: Mapping[str, str]) -> Digests:
    """The files a command read (`read`), with every other input file as it is now (the
    files already read are not read again)."""
    found = dict(read)
    for path in ws.input_files():
        relative = path.relative_to(ws.root).as_posix()
        if relative not in found:
            found[relative] = _digest(ws, path)
    return tuple(sorted(found.items()))


def digest_of(files: Digests, folders: Iterable[str], salt: str) -> str:
    """A key from the digests of the files under `folders` and a salt (code, draws, ...)."""
    prefixes = tuple(f"{folder}/" for folder in folders)
    digest = hashlib.sha256(salt.encode())
    for relative, sha in files:
        if relative.startswith(prefixes):
            digest.update(os.fsencode(relative) + b"\0" + sha.encode() + b"\n")
    return digest.hexdigest()[:32]


def outside_inputs(files: Digests) -> list[str]:
    """Files read from outside the input folders (a source text kept elsewhere): a key
    made from the input folders alone would not cover them."""
    return [relative for relative, _ in files if not relative.startswith(_INPUTS)]


def changed_since(ws: Workspace, files: Digests) -> list[str]:
    """The input files whose bytes differ now from `files` (added and removed ones too)."""
    then = {relative: sha for relative, sha in files if relative.startswith(_INPUTS)}
    now = on_disk(ws)
    return sorted(r for r in then.keys() | now.keys() if then.get(r) != now.get(r))
