"""The published record: one entry per `forecast publish`, as a line of JSON.

An entry holds the date, the commit the inputs came from, what was observed, the baseline
and every scenario with their intervals, the watchlist's top five, and the forecast of
every question the model can be scored on as it resolves: the outcome, and every driver,
intermediate node and signpost not yet seen (each given what was seen).

The ledger proves its history: each entry's `prev` is the SHA-256 of the line before it
(64 zeros for the first), so an entry edited, removed or moved breaks the chain at the
line after it, and every reader of the ledger (`read_ledger`) names that line. Each entry
is checked against its schema (`inputs.ledgerschema`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from forecast.analysis.results import scenario_rows
from forecast.analysis.watchlist import Signpost
from forecast.base import atomic, reading
from forecast.base.errors import InputError, OutputError, Problem
from forecast.base.stablejson import SCHEMA_VERSION
from forecast.fitting.run import Query, Run
from forecast.inference.summary import without_errors
from forecast.inputs.ledgerschema import ZERO_HASH, entry_problem

TOP = 5  # watchlist entries kept in a published forecast
MAX_LEDGER_BYTES = 64 << 20  # about 8,000 entries of the real model's size
LOCK_WAIT = 60.0  # seconds a publisher waits for another one to finish its append


def questions(run: Run) -> dict[str, dict[str, dict[str, float]]]:
    """Every node not seen: its distribution given what was seen, {node: {state: summary}}."""
    study = run.study
    seen = study.observed()
    nodes = [n.id for n in study.network.nodes if n.id not in seen]
    summaries = run.summaries([Query(n, study.given_for({}, {})) for n in nodes])
    return {
        node: {s: without_errors(o) for s, o in summary.items()}
        for node, summary in zip(nodes, summaries, strict=True)
    }


def ledger_entry(
    run: Run, signposts: list[Signpost], commit: str | None, dirty: bool, today: dt.date
) -> dict[str, Any]:
    """Today's forecast as one ledger entry (its "prev" is set as it is appended)."""
    study = run.study
    return {
        "schema_version": SCHEMA_VERSION,
        "published": today.isoformat(),
        "commit": commit,
        "uncommitted_inputs": dirty,
        "as_of": study.model.as_of.isoformat(),
        "horizon": study.model.horizon.date.isoformat(),
        "outcome": study.network.outcome,
        "draws": run.draws,
        "seed": run.seed,
        "observed": study.observed(),
        "claims": sorted(s.id for s in study.active() if s.cited),  # what it rested on
        "scenarios": [
            {k: row[k] for k in ("id", "title", "given", "do", "outcome")}
            for row in scenario_rows(run)
        ],
        "watchlist": [{"node": s.node, "bits": s.document()["bits"]} for s in signposts[:TOP]],
        "questions": questions(run),
    }


def entry_line(entry: dict[str, Any]) -> str:
    """An entry as one line of JSON (keys sorted, no spaces to spare)."""
    return json.dumps(
        entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def line_hash(line: bytes) -> str:
    """The SHA-256 (hex) of a line's bytes without its newline: the next entry's "prev"."""
    return hashlib.sha256(line).hexdigest()


class _RefusedJSONError(ValueError):
    """JSON that `json.loads` would accept but a ledger never holds."""


def _constant(name: str) -> Any:
    raise _RefusedJSONError(f"holds {name}, which is not a number (JSON has no NaN or Infinity)")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RefusedJSONError(f'holds the key "{key}" twice in one object')
        out[key] = value
    return out


def _parse(line: bytes) -> tuple[dict[str, Any] | None, str, int]:
    """A line as an entry, or None with what is wrong and the column."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"is not valid UTF-8 (byte 0x{line[exc.start]:02x})", exc.start + 1
    try:
        value = json.loads(text, parse_constant=_constant, object_pairs_hook=_unique)
    except _RefusedJSONError as exc:
        return None, str(exc), 1
    except json.JSONDecodeError as exc:
        return None, f"is not JSON ({exc.msg})", exc.colno
    except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
        return None, "is not JSON a ledger can hold (nested too deeply or a number too long)", 1
    problem = entry_problem(value)
    if problem is not None:
        return None, f"is not a published entry: {problem}", 1
    return value, "", 1


def _restore(shown: str) -> str:
    return f"restore it from git (git checkout -- {shown})"


def _lines(data: bytes) -> list[bytes]:
    """The lines of a ledger's bytes, without their newlines."""
    lines = data.split(b"\n")
    return lines[:-1] if lines[-1] == b"" else lines


def _chain_problem(number: int, prev: str, expected: str) -> str | None:
    """What is wrong with a line's "prev", given the hash it must hold."""
    if prev == expected:
        return None
    if number == 1:
        return (
            'line 1 does not start the ledger (its "prev" is not 64 zeros): entries before it '
            "were removed, or it was moved"
        )
    return (
        f'line {number} does not follow line {number - 1} (its "prev" is not the SHA-256 '
        f"of line {number - 1}): the ledger was edited, reordered or cut"
    )


def _against_commit(lines: list[bytes], committed: bytes | None) -> tuple[int, str] | None:
    """The first line of the ledger as git's HEAD holds it that the file no longer holds."""
    for number, held in enumerate(_lines(committed or b""), start=1):
        if number > len(lines):
            return number, f"line {number}, committed in git (HEAD), is missing: the ledger was cut"
        if lines[number - 1] != held:
            return number, (
                f"line {number} is not line {number} as committed in git (HEAD): the ledger "
                "was edited, reordered or cut"
            )
    return None


def parse_ledger(data: bytes, shown: str, committed: bytes | None = None) -> list[dict[str, Any]]:
    """Every entry of a ledger's bytes, its chain of hashes checked; with `committed` (the
    ledger as git's HEAD holds it), every committed line must still be there as it was.

    InputError names the first line that breaks: one that is not UTF-8, not JSON, not an
    entry of the expected shape, or whose "prev" is not the hash of the line before.
    """
    lines = _lines(data) if data else []
    problems: list[Problem] = []
    entries: list[dict[str, Any]] = []
    expected = ZERO_HASH
    for number, line in enumerate(lines, start=1):
        entry, problem, column = _parse(line)
        if entry is not None:
            problem = _chain_problem(number, entry["prev"], expected) or ""
            if not problem:
                entries.append(entry)
                expected = line_hash(line)
                continue
        message = problem if problem.startswith("line ") else f"line {number} {problem}"
        problems.append(Problem(shown, number, column, message, _restore(shown)))
        break
    else:
        if data and not data.endswith(b"\n"):
            problems.append(
                Problem(
                    shown,
                    len(lines),
                    len(lines[-1]) + 1,
                    f"line {len(lines)} does not end with a newline: the ledger was cut or "
                    "edited by hand",
                    _restore(shown),
                )
            )
    lost = _against_commit(lines, committed)
    if lost is not None:
        problems.append(Problem(shown, lost[0], 1, lost[1], _restore(shown)))
    if problems:
        raise InputError(problems)
    return entries


def _ledger_bytes(path: Path, shown: str, root: Path) -> bytes:
    """The ledger's bytes (none when it does not exist), read as a regular file inside
    `root` with a bounded read: a link on the way to it, a pipe or a device is refused."""
    if not reading.refuse_links(path, root, shown):
        return b""
    return reading.read_bytes(path, shown, MAX_LEDGER_BYTES, root)


def read_ledger(
    path: Path, shown: str, root: Path, committed: bytes | None = None
) -> list[dict[str, Any]]:
    """Every entry of the ledger at `path` (`_ledger_bytes`), its chain checked
    (`parse_ledger`)."""
    return parse_ledger(_ledger_bytes(path, shown, root), shown, committed)


def append_entry(
    path: Path, shown: str, root: Path, entry: dict[str, Any], committed: bytes | None = None
) -> int:
    """Append `entry` to the ledger at `path` and return its number.

    The read of the ledger, the entry's number, its "prev" and the append all happen under
    the ledger's one exclusive lock (waiting for another publisher up to `LOCK_WAIT`
    seconds), so concurrent publishers each get their own number and the chain holds.
    Nothing is written through or over a link, nor when the ledger does not check out.
    """
    reading.refuse_links(path, root, shown)  # before the lock, which is made beside it
    with atomic.exclusive(path, wait=LOCK_WAIT):
        data = _ledger_bytes(path, shown, root)
        entries = parse_ledger(data, shown, committed)
        lines = _lines(data) if data else []
        line = entry_line({**entry, "prev": line_hash(lines[-1]) if lines else ZERO_HASH})
        _, problem, _ = _parse(line.encode("utf-8"))
        if problem:
            raise OutputError(f"the new entry {problem}; nothing was written to {shown}")
        atomic.append_line(path, data, line)
    return len(entries) + 1
