"""Fitted tables kept between commands, so that asking again does not fit again.

Fitting thousands of drawn networks to every claim takes seconds; answering a question
from them takes milliseconds. The fitted tables are kept in `.forecast-cache/` of the
workspace, one file per key of everything they depend on: the study as checked (its
model, network, sources and claims, by their exact repr; scenarios and observations aside,
which are never fitted), the package's own code, the draw count and the seed. A study derived from the files (one reader's
claims alone, say) has a key of its own. Any change is a different key, so a kept file is
never stale; it is only ever the same numbers, read back bit for bit (`numpy.save` keeps
every float64 exactly).

So that a question can be answered without reading and checking the inputs again, the
fit of the study exactly as the files give it is also found by the files' own
fingerprint (their bytes, the code, the draws and the seed): a small alias file names
its key. The checked study itself is kept too, under the fingerprint of every input file
(scenarios included), so that a command after an unchanged workspace skips the parsing.
It is a pickle: the folder is this machine's own state (git ignores it), never shared,
and a file that does not load is simply made again. Files are written to a temporary
name and renamed. Reading a file marks it as used; only the most recently used KEEP of
each kind are kept, and of the fits no more than FIT_BYTES in all.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.structure import Structure

if TYPE_CHECKING:
    from forecast.inputs.domain import Study

FOLDER = ".forecast-cache"
KEEP = 24  # files of each kind: a report keeps about ten fits (views and dates)
FIT_BYTES = 256 << 20  # the fits' total size, the newest always kept
FORMAT = 2  # bump when the file layout changes


def _files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's own files: a changed engine is a changed fit."""
    package = Path(__file__).parents[1]  # the whole forecast package
    digest = hashlib.sha256()
    for path in _files(package):
        if path.suffix in {".py", ".yaml"}:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _folders_digest(root: Path, folders: tuple[str, ...], salt: str) -> str:
    """A digest of the code, `salt`, and every file's name and bytes under the folders."""
    digest = hashlib.sha256(f"{FORMAT}:{code_fingerprint()}:{salt}".encode())
    for folder in folders:
        for path in _files(root / folder):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def fingerprint(root: Path, draws: int, seed: int) -> str:
    """The fingerprint of this workspace's model and evidence files (and code, draws, seed)."""
    return _folders_digest(root, ("model", "evidence"), f"{draws}:{seed}")


def inputs_fingerprint(root: Path) -> str:
    """The fingerprint of every input file (scenarios included) and the code."""
    return _folders_digest(root, ("model", "evidence", "scenarios"), "study")


def _study_path(root: Path, key: str) -> Path:
    return root / FOLDER / f"study-{key}.pickle"


def load_study(root: Path) -> Study | None:
    """The study checked from the current input files by an earlier command, or None."""
    from forecast.inputs.domain import Study

    path = _study_path(root, inputs_fingerprint(root))
    try:
        study = pickle.loads(path.read_bytes())
    except Exception:  # absent, truncated or from another version: check the files again
        return None
    _touch(path)
    return study if isinstance(study, Study) else None


def save_study(root: Path, study: Study) -> None:
    """Keep a study checked from the current input files."""
    try:
        (root / FOLDER).mkdir(exist_ok=True)
        _write(_study_path(root, inputs_fingerprint(root)), pickle.dumps(study))
        _prune(root / FOLDER)
    except OSError:
        return


def study_key(study: Study, draws: int, seed: int) -> str:
    """The key of the tables fitted to a study: what the fit reads, by its exact repr."""
    fitted = dataclasses.replace(study, scenarios=(), warnings=(), observations=())
    text = f"{FORMAT}:{code_fingerprint()}:{draws}:{seed}:{fitted!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class KeptFit:
    """What a command needs to answer questions without reading the inputs again."""

    structure: Structure
    outcome: str
    point: dict[str, Array]  # (1, parents..., states)
    drawn: dict[str, Array]  # (draws, parents..., states)
    warnings: tuple[str, ...]
    observed: dict[str, str] = dataclasses.field(default_factory=dict)  # from the alias


def _path(root: Path, key: str) -> Path:
    return root / FOLDER / f"fit-{key}.npz"


def _alias(root: Path, files: str) -> Path:
    return root / FOLDER / f"files-{files}.txt"


def load_for_files(root: Path, files: str) -> KeptFit | None:
    """The kept fit of the study the files with fingerprint `files` give, or None."""
    path = _alias(root, files)
    try:
        alias = json.loads(path.read_text(encoding="utf-8"))
        key, observed = str(alias["key"]), {str(n): str(s) for n, s in alias["observed"].items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None
    _touch(path)
    kept = load(root, key)
    return None if kept is None else dataclasses.replace(kept, observed=observed)


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
    _touch(path)
    structure = Structure(
        nodes,
        {n: tuple(s) for n, s in zip(nodes, meta["states"], strict=True)},
        {n: tuple(p) for n, p in zip(nodes, meta["parents"], strict=True)},
    )
    return KeptFit(structure, meta["outcome"], point, drawn, tuple(meta["warnings"]))


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_alias(root: Path, files: str, key: str, observed: dict[str, str]) -> None:
    """Record that the files with fingerprint `files` give the study whose fit is `key`, and
    what they observe (observations are not fitted, so they are not in the key)."""
    try:
        (root / FOLDER).mkdir(exist_ok=True)
        text = json.dumps({"key": key, "observed": observed}, sort_keys=True)
        _write(_alias(root, files), text.encode("utf-8"))
    except OSError:
        return


def save(root: Path, key: str, fit: KeptFit) -> None:
    """Keep a fit. A cache that cannot be written is skipped silently (it only saves time)."""
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
    buffer = io.BytesIO()
    np.savez(buffer, **cast(dict[str, Any], arrays))
    try:
        folder.mkdir(exist_ok=True)
        _write(_path(root, key), buffer.getvalue())
        _prune(folder)
    except OSError:
        return


def _last_run_path(root: Path) -> Path:
    return root / FOLDER / "last-run.json"


def load_last_run(root: Path) -> dict[str, Any] | None:
    """What the previous `forecast run` in this workspace printed, or None."""
    try:
        data = json.loads(_last_run_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_last_run(root: Path, summary: dict[str, Any]) -> None:
    """Keep what this run printed, for the next run to compare with."""
    try:
        (root / FOLDER).mkdir(exist_ok=True)
        _write(_last_run_path(root), json.dumps(summary, sort_keys=True).encode("utf-8"))
    except OSError:
        return


def _touch(path: Path) -> None:
    """Mark a kept file as just used, so that pruning takes the least recently used."""
    try:
        os.utime(path)
    except OSError:
        return


def _prune(folder: Path) -> None:
    for pattern in ("fit-*.npz", "files-*.txt", "study-*.pickle"):
        kept = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        total = 0
        for rank, path in enumerate(kept):
            total += path.stat().st_size
            over_budget = pattern.startswith("fit") and total > FIT_BYTES and rank > 0
            if rank >= KEEP or over_budget:
                path.unlink(missing_ok=True)
