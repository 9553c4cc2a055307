"""Literal text and tables in Markdown, shared by every Markdown renderer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Characters that can start Markdown or HTML markup in running text (CommonMark lets any
# ASCII punctuation be escaped with a backslash); '|' also ends a table cell.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&#!])")


def cell(text: object) -> str:
    """Text from an input file as one line of literal Markdown: no markup, no HTML, and
    safe inside a table cell."""
    return _MARKUP.sub(r"\\\1", " ".join(str(text).split()))


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table: the header, its rule, then one line per row (cells already escaped)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]
