"""Safe YAML loading that remembers where every value came from.

Refuses duplicate keys (keeping the last one silently loses data), oversized files,
non-UTF-8 text and alias bombs, and turns every YAML error into a located Problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.reader import ReaderError

from forecast.base.errors import InputError, Problem
from forecast.base.reading import FileLog, read_text

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 200_000
MAX_DEPTH = 64

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
                # a key merged in with '<<:' has no position of its own: keep the mapping's
                line, col = node.lc.value(step) or (node.lc.line, node.lc.col)
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line, col = node.lc.item(step) or (node.lc.line, node.lc.col)
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
        if isinstance(node, CommentedMap) and last in node and node.lc.key(last):
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
    return str(node)


class _TooLargeError(Exception):
    pass


class _DatesAsText(RoundTripConstructor):
    """Leave timestamps as text: pydantic parses them and reports bad ones with a position."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


def _refuse_at(shown: str, mark: Any, message: str, fix: str) -> None:
    """Raise InputError for one problem at a parser mark (0-based line and column)."""
    raise InputError([Problem(shown, mark.line + 1, mark.column + 1, message, fix)])


@cache
def package_yaml(name: str) -> dict[str, Any]:
    """A YAML data file shipped inside the package (yardsticks, grading tables)."""
    text = resources.files("forecast").joinpath(f"data/{name}").read_text("utf-8")
    data: dict[str, Any] = YAML(typ="safe").load(text)
    return data


class _GuardedParser(RoundTripParser):
    """The round-trip parser, refusing alias floods and deep nesting from the event stream
    as the composer pulls it, before the nodes are built (composing deeply nested input would
    exhaust Python's recursion limit): one parse checks and builds."""

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self.aliases = self.depth = 0
        self.shown = getattr(loader, "shown", "")  # the file's name in messages

    def get_event(self) -> Any:
        event = super().get_event()
        kind = type(event).__name__
        shown = self.shown
        if kind == "AliasEvent":
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                _refuse_at(
                    shown,
                    event.start_mark,
                    f"more than {MAX_ALIASES} YAML aliases",
                    "write the values out (anchors and aliases are not needed here)",
                )
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                _refuse_at(
                    shown,
                    event.start_mark,
                    f"values nested more than {MAX_DEPTH} levels deep",
                    "un-nest them: input files need only a few levels of nesting",
                )
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            self.depth -= 1
        return event


def _unclosed_quote(text: str, until_line: int) -> int | None:
    """The line of a double quotation mark left open before `until_line`, if there is one."""
    open_at = None
    for number, line in enumerate(text.splitlines()[:until_line], start=1):
        count = line.count('"') - line.count('\\"')
        if count % 2 == 1:
            open_at = number if open_at is None else None
    return open_at


def _syntax_problem(exc: MarkedYAMLError, text: str, shown: str) -> Problem:
    """A YAML syntax error placed where the reader can act on it."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    quote_line = _unclosed_quote(text, mark.line + 1)
    if quote_line is not None and "another document" not in problem:
        return Problem(
            shown,
            quote_line,
            1,
            f"YAML syntax error: a quotation mark opened on this line is not closed "
            f"(the parser gave up at line {mark.line + 1}: {problem or context})",
            "check quotes: close the quotation mark opened here",
        )
    if "another document" in problem:
        return Problem(
            shown,
            mark.line + 1,
            mark.column + 1,
            "a second YAML document ('---') in one file",
            "keep one document per file: move what follows '---' to a file of its own",
        )
    opened = exc.context_mark
    if opened is not None and ("flow" in context or "quoted" in context):
        what = "quotation mark" if "quoted" in context else "bracket"
        return Problem(
            shown,
            opened.line + 1,
            opened.column + 1,
            f"YAML syntax error: {context} (the {what} opened here is not closed; "
            f"the parser gave up at line {mark.line + 1}: {problem})",
            f"check brackets and quotes: close the {what} opened here",
        )
    if "\\t" in problem or "tab" in problem:
        return Problem(
            shown,
            mark.line + 1,
            mark.column + 1,
            f"YAML syntax error: {problem}",
            "indent with spaces, not tabs",
        )
    message = problem or context or "invalid YAML"
    return Problem(
        shown,
        mark.line + 1,
        mark.column + 1,
        f"YAML syntax error: {message}",
        "check brackets, quotes and indentation around here",
    )


def _reader_problem(exc: ReaderError, text: str, shown: str) -> Problem:
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        shown,
        line,
        column,
        f"invisible control character U+{code:04X} in the text",
        "remove it (text pasted from PDFs often carries such characters)",
    )


def load_yaml(
    path: Path, shown: str, root: Path | None = None, log: FileLog | None = None
) -> Document:
    """Load one YAML file safely; raise InputError with located problems when it is unusable.

    With `root`, the file must lie inside that folder (see `reading.read_bytes`); with
    `log`, the read is noted there.
    """
    text = read_text(path, shown, MAX_BYTES, root, log)
    if not text.strip():
        raise InputError([Problem(shown, 1, 1, "file is empty", "fill it in or delete it")])
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    yaml.Parser = _GuardedParser
    yaml.shown = shown  # type: ignore[attr-defined]  # for the parser's messages
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        problem = exc.problem or ""
        key = problem.split('"')[1] if '"' in problem else "a key"
        raise InputError(
            [
                Problem(
                    shown,
                    mark.line + 1,
                    mark.column + 1,
                    f"duplicate key {key}",
                    "keep one of the two entries (YAML would silently drop the first)",
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        raise InputError([_syntax_problem(exc, text, shown)]) from None
    except ReaderError as exc:
        raise InputError([_reader_problem(exc, text, shown)]) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
        raise InputError([Problem(shown, 1, 1, f"YAML error: {first}", "fix the YAML")]) from None
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
