"""Fitted tables kept between commands, so that asking again does not fit again.

Fitting thousands of drawn networks to every claim takes seconds; answering a question
from them takes milliseconds. The fitted tables are kept in `.forecast-cache/` of the
workspace, one file per fingerprint of everything they depend on: the bytes of the model
and evidence files (source texts included), the package's own code, the draw count and
the seed. Any change to one of them is a different fingerprint, so a kept file is never
stale; it is only ever the same numbers, read back bit for bit (`numpy.save` keeps every
float64 exactly). Files are written to a temporary name and renamed, and only the
newest KEEP are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from forecast.arrays import Array
from forecast.batched import Structure

FOLDER = ".forecast-cache"
KEEP = 8
FORMAT = 1  # bump when the file layout changes


def _files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def code_fingerprint() -> str:
    """A digest of the package's own files: a changed engine is a changed fit."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in _files(package):
        if path.suffix in {".py", ".yaml"}:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(root: Path, draws: int, seed: int) -> str:
    """The key of the tables fitted from this workspace's model and evidence."""
    digest = hashlib.sha256(f"{FORMAT}:{code_fingerprint()}:{draws}:{seed}".encode())
    for folder in ("model", "evidence"):
        for path in _files(root / folder):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class KeptFit:
    """What a command needs to answer questions without reading the inputs again."""

    structure: Structure
    outcome: str
    point: dict[str, Array]  # (1, parents..., states)
    drawn: dict[str, Array]  # (draws, parents..., states)
    warnings: tuple[str, ...]


def _path(root: Path, key: str) -> Path:
    return root / FOLDER / f"fit-{key}.npz"


def load(root: Path, key: str) -> KeptFit | None:
    """The kept fit of `key`, or None (absent or unreadable: it is then fitted again)."""
    path = _path(root, key)
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            nodes = tuple(meta["nodes"])
            point = {n: data[f"p{i}"] for i, n in enumerate(nodes)}
            drawn = {n: data[f"d{i}"] for i, n in enumerate(nodes)}
    except (OSError, ValueError, KeyError):
        return None
    structure = Structure(
        nodes,
        {n: tuple(s) for n, s in zip(nodes, meta["states"], strict=True)},
        {n: tuple(p) for n, p in zip(nodes, meta["parents"], strict=True)},
    )
    return KeptFit(structure, meta["outcome"], point, drawn, tuple(meta["warnings"]))


def save(root: Path, key: str, fit: KeptFit) -> None:
    """Keep a fit; a cache that cannot be written is skipped silently (it only saves time)."""
    nodes = fit.structure.nodes
    meta = {
        "nodes": list(nodes),
        "states": [list(fit.structure.states[n]) for n in nodes],
        "parents": [list(fit.structure.parents[n]) for n in nodes],
        "outcome": fit.outcome,
        "warnings": list(fit.warnings),
    }
    arrays: dict[str, Array] = {"meta": np.array(json.dumps(meta))}
    arrays.update({f"p{i}": fit.point[n] for i, n in enumerate(nodes)})
    arrays.update({f"d{i}": fit.drawn[n] for i, n in enumerate(nodes)})
    folder = root / FOLDER
    try:
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **cast(dict[str, Any], arrays))
        Path(temporary).replace(_path(root, key))
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    kept = sorted(folder.glob("fit-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
