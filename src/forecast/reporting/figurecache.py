"""Figures drawn only when what they show has changed, the missing ones side by side.

A figure is a job: a module-level drawing function, its arguments and the formats wanted
(SVG for the page; PNG only where a file links one). Its key digests the function's name,
the formats, every argument (arrays by their bytes, numbers by their exact repr), the
drawing code and matplotlib's version; its files are kept under that key in the report
folder's cache. A job whose key is there is copied, not drawn: the same bytes a
fresh drawing would give, since the files carry no timestamps. The rest are drawn in
worker processes where the machine has the cores (`forked_map`). Only the keys of the figures the
report uses are kept, so the cache holds one report's figures. The cache's index lists
the SHA-256 of every file it holds; a kept file is copied only when it is a regular file
whose bytes match the index (an emptied or truncated figure is drawn again).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from forecast.base.errors import InputError
from forecast.base.forked import forked_map
from forecast.base.reading import read_bytes
from forecast.base.records import RecordError, parse_json

FOLDER = ".figure-cache"
INDEX = "index.json"
MAX_FIGURE_BYTES = 50 << 20


@dataclass(frozen=True)
class FigureJob:
    """One figure: its file stem, the function that draws it, and that function's inputs."""

    stem: str
    draw: Callable[..., Any]
    args: tuple[Any, ...]
    suffixes: tuple[str, ...] = (".svg",)  # the page embeds SVG; PNG where a file links it


def _feed(digest: Any, value: Any) -> None:
    """Add a value to a digest, unambiguously, whatever its (plain) type."""
    if isinstance(value, np.ndarray):
        digest.update(f"array{value.dtype.str}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(type(value).__name__.encode())
        _feed(digest, [getattr(value, f.name) for f in dataclasses.fields(value)])
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, list | tuple):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, str | int | float | bool | np.floating | np.integer) or value is None:
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, datetime.date):
        digest.update(f"date:{value.isoformat()};".encode())
    else:
        raise TypeError(f"cannot key a figure on a {type(value).__name__}")


def code_fingerprint(modules: Sequence[Path]) -> str:
    """The drawing code and matplotlib's version: either changing redraws every figure."""
    import matplotlib

    digest = hashlib.sha256(matplotlib.__version__.encode())
    for path in modules:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def job_key(job: FigureJob, code: str) -> str:
    """The cache key of a figure."""
    digest = hashlib.sha256(code.encode())
    digest.update(f"{job.draw.__module__}.{job.draw.__qualname__}{job.suffixes}".encode())
    _feed(digest, job.args)
    return digest.hexdigest()[:32]


def _render(job: FigureJob, folder: Path) -> None:
    from forecast.reporting.figures import save

    save(job.draw(*job.args), folder / job.stem, job.suffixes)


def render_all(
    jobs: Sequence[FigureJob], folder: Path, code: str, old: Path | None, new: Path
) -> int:
    """Write every job's PNG and SVG into `folder`, copying those found in the cache `old`
    and drawing the others; every figure used ends up in the cache `new`. Returns the
    number of figures drawn."""
    new.mkdir(parents=True, exist_ok=True)
    keys = [job_key(job, code) for job in jobs]
    index = _index(old) if old is not None else {}
    missing = []
    for job, key in zip(jobs, keys, strict=True):
        kept = [_kept(old, f"{key}{s}", index) for s in job.suffixes] if old is not None else []
        if kept and all(data is not None for data in kept):
            for data, suffix in zip(kept, job.suffixes, strict=True):
                (folder / f"{job.stem}{suffix}").write_bytes(data or b"")
        else:
            missing.append(job)
    forked_map(lambda job: _render(job, folder), missing)
    written: dict[str, str] = {}
    for job, key in zip(jobs, keys, strict=True):
        for suffix in job.suffixes:
            data = (folder / f"{job.stem}{suffix}").read_bytes()
            (new / f"{key}{suffix}").write_bytes(data)
            written[f"{key}{suffix}"] = hashlib.sha256(data).hexdigest()
    (new / INDEX).write_text(json.dumps(written, indent=1, sort_keys=True), "utf-8")
    return len(missing)


def _index(cache: Path) -> dict[str, str]:
    """The cache's index, {file name: SHA-256}; empty when it is missing or unreadable."""
    try:
        listed = parse_json(read_bytes(cache / INDEX, INDEX, MAX_FIGURE_BYTES, cache).decode())
    except (InputError, RecordError, UnicodeDecodeError):
        return {}
    if not isinstance(listed, dict):
        return {}
    return {str(k): v for k, v in listed.items() if isinstance(v, str)}


def _kept(cache: Path, name: str, index: dict[str, str]) -> bytes | None:
    """A kept figure's bytes when they are what the index says, else None."""
    if name not in index:
        return None
    try:
        data = read_bytes(cache / name, name, MAX_FIGURE_BYTES, cache)
    except InputError:
        return None
    return data if hashlib.sha256(data).hexdigest() == index[name] else None
