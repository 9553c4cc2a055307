"""Read a discrete network from a BIF file (the Bayesian network repository's format).

pgmpy's reader parses with a general grammar and takes seconds on a network of a few
hundred nodes; the subset of BIF those files use is small (`variable` blocks with a
discrete state list, `probability` blocks with a `table` or one row per parent
combination), so it is read here directly, and a file outside that subset is refused
with the line it stops at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.structure import Structure

_BLOCK = re.compile(r"\b(network|variable|probability)\b\s*([^{]*)\{", re.MULTILINE)
_STATES = re.compile(r"type\s+discrete\s*\[\s*(\d+)\s*\]\s*\{([^}]*)\}")
_HEAD = re.compile(r"\(\s*([^|)]+?)\s*(?:\|\s*([^)]*))?\)")
_ROW = re.compile(r"\(([^)]*)\)\s*([^;]*);")
_TABLE = re.compile(r"\btable\b([^;]*);")


class BifError(ValueError):
    """A BIF file the reader cannot use, with the line it stopped at."""


@dataclass(frozen=True)
class DiscreteNetwork:
    """A network read from a file: its structure and point tables (parents..., states)."""

    name: str
    structure: Structure
    tables: dict[str, Array]

    def point_cpts(self) -> dict[str, Array]:
        """The tables with a leading draw axis of one, as the engine takes them."""
        return {node: table[None] for node, table in self.tables.items()}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _body(text: str, start: int) -> tuple[str, int]:
    """The text between the brace opened just before `start` and its match."""
    depth = 1
    i = start
    while depth and i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    if depth:
        raise BifError(f"line {_line(text, start)}: a block is never closed")
    return text[start : i - 1], i


def _numbers(text: str, where: str) -> list[float]:
    try:
        return [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise BifError(f"{where}: expected numbers, found '{text.strip()}'") from None


def read_bif(path: Path) -> DiscreteNetwork:
    """The network in a BIF file; BifError names the line of anything unreadable."""
    text = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
    states: dict[str, tuple[str, ...]] = {}
    parents: dict[str, tuple[str, ...]] = {}
    raw: dict[str, tuple[str, int]] = {}
    offset = 0
    while match := _BLOCK.search(text, offset):
        kind, head = match.group(1), match.group(2)
        body, offset = _body(text, match.end())
        where = f"{path}, line {_line(text, match.start())}"
        if kind == "variable":
            found = _STATES.search(body)
            if found is None:
                raise BifError(f"{where}: variable '{head.strip()}' is not discrete")
            names = tuple(s.strip() for s in found.group(2).split(",") if s.strip())
            if len(names) != int(found.group(1)):
                raise BifError(f"{where}: {found.group(1)} states announced, {len(names)} listed")
            states[head.strip()] = names
        elif kind == "probability":
            parsed = _HEAD.search(head)
            if parsed is None:
                raise BifError(f"{where}: cannot read the head '{head.strip()}'")
            node = parsed.group(1).strip()
            given = parsed.group(2) or ""
            parents[node] = tuple(p.strip() for p in given.split(",") if p.strip())
            raw[node] = (body, match.start())
    if not states:
        raise BifError(f"{path}: no discrete variable found")
    tables = {node: _table(text, path, node, states, parents, *raw[node]) for node in raw}
    missing = sorted(set(states) - set(tables))
    if missing:
        raise BifError(f"{path}: no probability block for {', '.join(missing)}")
    structure = Structure(tuple(states), states, {n: parents[n] for n in states})
    return DiscreteNetwork(path.stem, structure, tables)


def _table(
    text: str,
    path: Path,
    node: str,
    states: dict[str, tuple[str, ...]],
    parents: dict[str, tuple[str, ...]],
    body: str,
    start: int,
) -> Array:
    """One node's table, shaped (parents..., states) in the parents' order."""
    where = f"{path}, line {_line(text, start)}"
    unknown = [n for n in (node, *parents[node]) if n not in states]
    if unknown:
        raise BifError(f"{where}: '{unknown[0]}' is not a declared variable")
    shape = tuple(len(states[n]) for n in (*parents[node], node))
    table = np.full(shape, np.nan)
    plain = _TABLE.search(body)
    if plain is not None:
        values = _numbers(plain.group(1), where)
        if len(values) != table.size:
            raise BifError(
                f"{where}: {node} needs {table.size} numbers, the table has {len(values)}"
            )
        # BIF's table lists the node's states slowest, the last parent fastest
        k = shape[-1]
        return np.moveaxis(np.array(values).reshape((k, *shape[:-1])), 0, -1)
    for row in _ROW.finditer(body):
        labels = [s.strip() for s in row.group(1).split(",")]
        try:
            index = tuple(states[p].index(s) for p, s in zip(parents[node], labels, strict=True))
        except ValueError:
            raise BifError(f"{where}: unknown parent states ({row.group(1)}) for {node}") from None
        values = _numbers(row.group(2), where)
        if len(values) != shape[-1]:
            raise BifError(f"{where}: ({row.group(1)}) has {len(values)} numbers, not {shape[-1]}")
        table[index] = values
    if np.isnan(table).any():
        raise BifError(f"{where}: some parent combinations of {node} have no row")
    return table
