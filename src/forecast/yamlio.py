"""Safe YAML loading that remembers where every value came from.

Refuses duplicate keys (keeping the last one silently loses data), oversized files,
non-UTF-8 text and alias bombs, and turns every YAML error into a located Problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from forecast.errors import InputError, Problem

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 200_000

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: plain Python data plus a way back to line and column."""

    path: str
    data: Any
    tree: Any

    def where(self, loc: Loc) -> tuple[int, int]:
        """1-based line and column of the value at `loc`, or of the nearest enclosing one."""
        node = self.tree
        line, col = 0, 0
        for step in loc:
            if isinstance(node, CommentedMap) and step in node:
                line, col = node.lc.value(step)
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line, col = node.lc.item(step)
                node = node[step]
            else:
                break
        return line + 1, col + 1

    def where_key(self, loc: Loc) -> tuple[int, int]:
        """1-based line and column of the key that ends `loc` (for unknown-key messages)."""
        *parent, last = loc
        node = self.tree
        for step in parent:
            if isinstance(node, (CommentedMap, CommentedSeq)):
                try:
                    node = node[step]
                except (KeyError, IndexError, TypeError):
                    return self.where(tuple(parent))
        if isinstance(node, CommentedMap) and last in node:
            line, col = node.lc.key(last)
            return line + 1, col + 1
        return self.where(tuple(parent))

    def problem(self, loc: Loc, message: str, fix: str, *, key: bool = False) -> Problem:
        """A Problem placed at `loc` in this document."""
        line, col = self.where_key(loc) if key else self.where(loc)
        return Problem(self.path, line, col, message, fix)


def _plain(node: Any, budget: list[int]) -> Any:
    """Convert ruamel's round-trip types to plain Python, counting nodes against a budget."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLargeError
    if isinstance(node, CommentedMap):
        return {str(k) if not isinstance(k, int) else k: _plain(v, budget) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v, budget) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    return str(node)


class _TooLargeError(Exception):
    pass


def _count_aliases(text: str) -> int:
    yaml = YAML(typ="rt")
    return sum(1 for event in yaml.parse(text) if type(event).__name__ == "AliasEvent")


def load_yaml(path: Path, shown: str) -> Document:
    """Load one YAML file safely; raise InputError with located problems when it is unusable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(
            [Problem(shown, 1, 1, f"cannot read file ({exc.strerror})", "check the path")]
        ) from None
    if size > MAX_BYTES:
        raise InputError(
            [
                Problem(
                    shown,
                    1,
                    1,
                    f"file is {size} bytes, over the {MAX_BYTES}-byte limit",
                    "split it or remove the bulk; input files are small YAML",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    shown,
                    line,
                    1,
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    "save the file as UTF-8",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError([Problem(shown, 1, 1, "file is empty", "fill it in or delete it")])
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        if _count_aliases(text) > MAX_ALIASES:
            raise InputError(
                [
                    Problem(
                        shown,
                        1,
                        1,
                        f"more than {MAX_ALIASES} YAML aliases",
                        "write the values out; anchors and aliases are not needed here",
                    )
                ]
            )
        tree = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else "a key"
        raise InputError(
            [
                Problem(
                    shown,
                    mark.line + 1,
                    mark.column + 1,
                    f"duplicate key {key}",
                    "keep one of the two entries; YAML would silently drop the first",
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "invalid YAML").strip()
        fix = (
            "indent with spaces, not tabs"
            if "\\t" in what or "tab" in what
            else ("check brackets, quotes and indentation around here")
        )
        raise InputError([Problem(shown, line, col, f"YAML syntax error: {what}", fix)]) from None
    except YAMLError as exc:
        raise InputError([Problem(shown, 1, 1, f"YAML error: {exc}", "fix the YAML")]) from None
    try:
        data = _plain(tree, [MAX_NODES])
    except _TooLargeError:
        raise InputError(
            [
                Problem(
                    shown,
                    1,
                    1,
                    f"more than {MAX_NODES} YAML nodes after expanding aliases",
                    "write the values out without aliases",
                )
            ]
        ) from None
    return Document(shown, data, tree)
