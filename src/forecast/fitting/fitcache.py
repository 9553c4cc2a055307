"""Fitted tables and checked studies kept between commands, believed only once proven.

Fitting thousands of drawn networks to every claim takes seconds; answering a question
from them takes milliseconds. What was computed is kept in `.forecast-cache/` of the
workspace (`base.cachefolder`: envelopes with a checksum and the key they were made for,
written through a flushed temporary file, pruned from the tool's own manifest only):

- `fit-KEY.tables`: the point and drawn tables of a study, as plain arrays (never
  pickles; `encode_fit`, read back in place, the draws on the last axis), under a key of
  everything the fit reads (the study by its exact repr, scenarios and observations
  aside, the package's code, the draw count and the seed). Read back, every
  table must have the shape its node's parents and states give, be finite, lie in [0, 1]
  and sum to one over each column; anything else is discarded and fitted again.
- `files-KEY.json`: an alias from the fingerprint of the model and evidence files (their
  bytes as the command parsed them, the code, the draws and the seed) to the fit's key,
  with what the files observe, so that a question is answered without parsing the inputs.
- `study-KEY.json`: the checked study, as JSON read back by its type hints
  (`base.records`), under the fingerprint of every input file, so that an unchanged
  workspace is not parsed again.
- `last-run.json`: what the previous `forecast run` printed, to say what changed.

Keys made from files come from the bytes the command parsed (the study's `files`), and are
written only when the files on disk still hold those bytes: a file edited while a command
ran makes it say so and keep nothing under that key.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.base import fingerprint
from forecast.base.arrays import Array
from forecast.base.cachefolder import ALIGN, Budget, CacheFolder, say_once
from forecast.base.paths import INPUT_FOLDERS, Workspace
from forecast.base.records import RecordError, from_json, parse_json
from forecast.inference.structure import Structure

if TYPE_CHECKING:
    from forecast.inputs.domain import Study

FOLDER = ".forecast-cache"
KEEP = 24  # files of each kind: a report keeps about ten fits (views and dates)
FIT_BYTES = 256 << 20  # the fits' total size, the newest always kept
FORMAT = 4  # bump when a file's layout changes
BUDGETS = {"fit": Budget(KEEP, FIT_BYTES), "files": Budget(KEEP), "study": Budget(KEEP)}
SMALL = 64 << 20  # the most a study, alias or last-run file may hold
TOLERANCE = 1e-9  # how far a kept column may sum from one


def _folder(root: Path) -> CacheFolder:
    return CacheFolder(root, FOLDER)


def _package_files(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml"})


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's own files: a changed engine is a changed fit."""
    package = Path(__file__).parents[1]  # the whole forecast package
    digest = hashlib.sha256()
    for path in _package_files(package):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# --- keys made from the files ------------------------------------------------------------


def files_key(files: fingerprint.Digests, draws: int, seed: int) -> str:
    """The key of the model and evidence files' bytes (`files`), the code, draws and seed."""
    salt = f"{FORMAT}:{code_fingerprint()}:{draws}:{seed}"
    return fingerprint.digest_of(files, ("model", "evidence"), salt)


def _inputs_key(files: fingerprint.Digests) -> str:
    """The key of every input file's bytes (scenarios included) and the code."""
    return fingerprint.digest_of(files, INPUT_FOLDERS, f"{FORMAT}:{code_fingerprint()}:study")


def _now(root: Path) -> fingerprint.Digests:
    return tuple(sorted(fingerprint.on_disk(Workspace(root)).items()))


def disk_files_key(root: Path, draws: int, seed: int) -> str:
    """`files_key` of the model and evidence files as they are on disk now (for look-ups)."""
    return files_key(_now(root), draws, seed)


def keyable(root: Path, files: fingerprint.Digests) -> bool:
    """Whether a key may be written from `files`: every file read lies in the input folders
    and still holds the bytes the command parsed. Says once why not, when not."""
    if not files or fingerprint.outside_inputs(files):
        return False
    changed = fingerprint.changed_since(Workspace(root), files)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        say_once(
            f"{changed[0]}{more} changed while this command ran: its results stand for the "
            "files as they were read, and nothing was kept for later commands (run it again "
            "to use the new text)"
        )
        return False
    return True


# --- the checked study -------------------------------------------------------------------


def load_study(root: Path) -> Study | None:
    """The study checked from the current input files by an earlier command, or None."""
    from forecast.inputs.domain import Study

    key = _inputs_key(_now(root))
    payload = _folder(root).read(f"study-{key}.json", "study", key, SMALL)
    if payload is None:
        return None
    try:
        study = from_json(str(payload, "utf-8"), Study)
    except (RecordError, UnicodeDecodeError) as exc:
        say_once(f"{FOLDER}/study-{key}.json is not used ({exc}); it is made again")
        return None
    return study if _inputs_key(study.files) == key else None


def save_study(root: Path, study: Study) -> None:
    """Keep a study under the fingerprint of the files it was checked from."""
    from forecast.base.records import to_json

    if keyable(root, study.files):
        key = _inputs_key(study.files)
        folder = _folder(root)
        folder.write(f"study-{key}.json", "study", key, to_json(study).encode("utf-8"))
        folder.prune(BUDGETS)


def study_key(study: Study, draws: int, seed: int) -> str:
    """The key of the tables fitted to a study: what the fit reads, by its exact repr."""
    fitted = dataclasses.replace(study, scenarios=(), warnings=(), observations=(), files=())
    text = f"{FORMAT}:{code_fingerprint()}:{draws}:{seed}:{fitted!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# --- fits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptFit:
    """What a command needs to answer questions without reading the inputs again."""

    structure: Structure
    outcome: str
    point: dict[str, Array]  # (1, parents..., states)
    drawn: dict[str, Array]  # (draws, parents..., states)
    warnings: tuple[str, ...]
    observed: dict[str, str] = dataclasses.field(default_factory=dict)  # from the alias


def load_for_files(root: Path, files: str) -> KeptFit | None:
    """The kept fit of the study the files with fingerprint `files` give, or None."""
    name = f"files-{files}.json"
    payload = _folder(root).read(name, "files", files, SMALL)
    if payload is None:
        return None
    try:
        alias = parse_json(str(payload, "utf-8"))
        key, observed = alias["key"], alias["observed"]
        if not (isinstance(key, str) and len(key) == 32 and isinstance(observed, dict)):
            raise RecordError("not an alias")
        if not all(isinstance(v, str) for v in observed.values()):
            raise RecordError("an observed state is not text")
    except (RecordError, UnicodeDecodeError, KeyError, TypeError) as exc:
        say_once(f"{FOLDER}/{name} is not used ({exc}); it is made again")
        return None
    kept = load(root, key)
    if kept is None:
        return None
    states = kept.structure.states
    if any(state not in states.get(node, ()) for node, state in observed.items()):
        say_once(f"{FOLDER}/{name} is not used (it observes an unknown node or state)")
        return None
    return dataclasses.replace(kept, observed=dict(observed))


def load(
    root: Path, key: str, structure: Structure | None = None, draws: int | None = None
) -> KeptFit | None:
    """The kept fit of `key`, or None (absent or refused: it is then fitted again). With
    `structure` and `draws`, the fit must be of that very network and hold that many draws."""
    name = f"fit-{key}.tables"
    payload = _folder(root).read(name, "fit", key, FIT_BYTES)
    if payload is None:
        return None
    try:
        kept = _decode(payload)
        if structure is not None and kept.structure.key != structure.key:
            raise RecordError("made for another network")
        held = next(iter(kept.drawn.values())).shape[0]
        if draws is not None and held != draws:
            raise RecordError(f"it holds {held} draws, not {draws}")
    except (RecordError, ValueError, KeyError, TypeError, OSError, EOFError) as exc:
        say_once(f"{FOLDER}/{name} is not used ({exc}); it is fitted again")
        return None
    return kept


def encode_fit(meta: Any, arrays: Mapping[str, Array]) -> bytes:
    """A fit file's bytes: the length of a JSON header (8 bytes, little-endian), the header
    ({"meta": meta, "arrays": [[name, shape, offset], ...]}), then from the first multiple
    of ALIGN after it each array's float64 values, each at its offset from there (a
    multiple of ALIGN too). `CacheFolder.read` puts a payload's start at such a multiple
    in memory, so that `decode_fit` uses the values where they lie."""
    values = {n: np.ascontiguousarray(a, dtype="<f8") for n, a in arrays.items()}
    offsets, at = [], 0
    for value in values.values():
        offsets.append(at)
        at = _aligned(at + value.nbytes)
    listed = [[n, list(v.shape), o] for (n, v), o in zip(values.items(), offsets, strict=True)]
    head = json.dumps({"meta": meta, "arrays": listed}, allow_nan=False).encode()
    start = _aligned(8 + len(head))
    out = bytearray(start + at)
    out[:8] = len(head).to_bytes(8, "little")
    out[8 : 8 + len(head)] = head
    for offset, value in zip(offsets, values.values(), strict=True):
        out[start + offset : start + offset + value.nbytes] = value.data.cast("B")
    return bytes(out)


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def decode_fit(payload: bytes | memoryview) -> tuple[Any, dict[str, Array]]:
    """The meta and the arrays of a fit file (`encode_fit`), the arrays over the payload's
    own memory; RecordError when the file is not laid out that way."""
    if len(payload) < 8:
        raise RecordError("shorter than its header")
    size = int.from_bytes(payload[:8], "little")
    if size > len(payload) - 8:
        raise RecordError("its header runs past its end")
    head = parse_json(str(payload[8 : 8 + size], "utf-8"))
    listed = head.get("arrays") if isinstance(head, dict) else None
    if not isinstance(listed, list):
        raise RecordError("its header lists no arrays")
    start = _aligned(8 + size)
    arrays: dict[str, Array] = {}
    for entry in listed:
        name, shape, offset = entry
        if not (
            isinstance(name, str)
            and isinstance(shape, list)
            and all(type(n) is int and n >= 0 for n in shape)
            and type(offset) is int
            and offset % 8 == 0
            and 0 <= offset <= len(payload) - start - 8 * math.prod(shape)
        ):
            raise RecordError(f"its array {name!r} is not where or what its header says")
        count = math.prod(shape)
        arrays[name] = np.frombuffer(payload, "<f8", count, start + offset).reshape(shape)
    return head["meta"], arrays


def _decode(payload: bytes | memoryview) -> KeptFit:
    """A fit from its bytes, every table checked against its node (RecordError if not)."""
    raw, arrays = decode_fit(payload)
    meta = raw if isinstance(raw, dict) else {}
    structure = _structure(meta)
    point = {n: arrays[f"p{i}"] for i, n in enumerate(structure.nodes)}
    # kept with the draws last (the layout the engine contracts), checked in that layout
    # (its column sums run along memory), handed back draws first
    last = {n: arrays[f"d{i}"] for i, n in enumerate(structure.nodes)}
    counts = {table.shape[-1] if table.ndim else 0 for table in last.values()}
    if len(counts) != 1 or min(counts) < 1:
        raise RecordError("the tables hold different numbers of draws")
    for node in structure.nodes:
        _check_table(structure, node, np.moveaxis(point[node], 0, -1), 1)
        _check_table(structure, node, last[node], min(counts))
    drawn = {n: np.moveaxis(table, -1, 0) for n, table in last.items()}
    outcome, warnings = meta.get("outcome"), meta.get("warnings")
    if outcome not in structure.states:
        raise RecordError("its outcome is not a node")
    if not (isinstance(warnings, list) and all(isinstance(w, str) for w in warnings)):
        raise RecordError("its warnings are not text")
    return KeptFit(structure, str(outcome), point, drawn, tuple(warnings))


def _structure(meta: Any) -> Structure:
    """The network a fit file names, checked: unique nodes, known parents, no cycle."""
    try:
        nodes = tuple(meta["nodes"])
        states = dict(zip(nodes, (tuple(s) for s in meta["states"]), strict=True))
        parents = dict(zip(nodes, (tuple(p) for p in meta["parents"]), strict=True))
    except (KeyError, TypeError, ValueError):
        raise RecordError("its network is unreadable") from None
    texts = [*nodes, *(s for v in states.values() for s in v)]
    if not all(isinstance(t, str) for t in texts) or len(set(nodes)) != len(nodes):
        raise RecordError("its nodes are not unique names")
    if any(len(v) < 2 for v in states.values()):
        raise RecordError("a node has fewer than two states")
    done: set[str] = set()
    while len(done) < len(nodes):
        ready = [n for n in nodes if n not in done and set(parents[n]) <= done]
        if not ready:
            raise RecordError("its parents are unknown or form a cycle")
        done.update(ready)
    return Structure(nodes, states, parents)


def _check_table(structure: Structure, node: str, table: Array, draws: int) -> None:
    """A table laid out (parents..., states, draws): its shape, values in [0, 1] and
    columns summing to one (RecordError if not)."""
    shape = (*(len(structure.states[p]) for p in structure.parents[node]),)
    shape += (len(structure.states[node]), draws)
    if table.dtype != np.float64 or table.shape != shape:
        shown = (table.shape[-1], *table.shape[:-1]) if table.ndim else table.shape
        raise RecordError(f"{node}'s table has shape {shown}, not {(draws, *shape[:-1])}")
    if not (table.min() >= 0.0 and table.max() <= 1.0):  # NaN fails both
        raise RecordError(f"{node}'s table holds values outside [0, 1]")
    if not np.all(np.abs(table.sum(axis=-2) - 1.0) <= TOLERANCE):
        raise RecordError(f"a column of {node}'s table does not sum to one")


def save(root: Path, key: str, fit: KeptFit) -> None:
    """Keep a fit. A cache that cannot be written is skipped (it only saves time)."""
    nodes = fit.structure.nodes
    meta = {
        "nodes": list(nodes),
        "states": [list(fit.structure.states[n]) for n in nodes],
        "parents": [list(fit.structure.parents[n]) for n in nodes],
        "outcome": fit.outcome,
        "warnings": list(fit.warnings),
    }
    arrays = {f"p{i}": fit.point[n] for i, n in enumerate(nodes)}
    arrays.update({f"d{i}": np.moveaxis(fit.drawn[n], 0, -1) for i, n in enumerate(nodes)})
    folder = _folder(root)
    folder.write(f"fit-{key}.tables", "fit", key, encode_fit(meta, arrays))
    folder.prune(BUDGETS)


def save_alias(
    root: Path, files: str, inputs: fingerprint.Digests, key: str, observed: Mapping[str, str]
) -> None:
    """Record that the files with fingerprint `files` (made from `inputs`, the bytes the
    command parsed) give the study whose fit is `key`, and what they observe (observations
    are not fitted, so they are not in the key)."""
    if keyable(root, inputs):
        text = json.dumps({"key": key, "observed": dict(observed)}, sort_keys=True)
        _folder(root).write(f"files-{files}.json", "files", files, text.encode("utf-8"))


# --- what the previous run printed -------------------------------------------------------

LAST_RUN = "last-run.json"


def load_last_run(root: Path) -> dict[str, Any] | None:
    """What the previous `forecast run` in this workspace printed, or None."""
    payload = _folder(root).read(LAST_RUN, "last-run", "last-run", SMALL)
    if payload is None:
        return None
    try:
        data = parse_json(str(payload, "utf-8"))
    except (RecordError, UnicodeDecodeError) as exc:
        say_once(f"{FOLDER}/{LAST_RUN} is not used ({exc})")
        return None
    return data if isinstance(data, dict) else None


def save_last_run(root: Path, summary: dict[str, Any]) -> None:
    """Keep what this run printed, for the next run to compare with."""
    text = json.dumps(summary, sort_keys=True, allow_nan=False)
    _folder(root).write(LAST_RUN, "last-run", "last-run", text.encode("utf-8"))
