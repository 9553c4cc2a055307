"""Finding a claim's quote in its source text, forgiving only typography.

Folding maps every run of whitespace (including no-break spaces) to one space, curly
quotes to straight ones and every dash to '-'. Nothing else is forgiven: a changed word,
letter case or punctuation mark means the quote is not verbatim.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe58": "-",
        "\ufe63": "-",
        "\uff0d": "-",
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold whitespace, quotes and dashes; keep everything else as it is."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


@dataclass(frozen=True)
class Passage:
    """The part of a source text most like a quote, for error messages."""

    line: int
    text: str
    similarity: float


def contains(source_text: str, quote: str) -> bool:
    """Whether the quote occurs in the source after folding both."""
    return fold(quote) in fold(source_text)


def closest_passage(source_text: str, quote: str) -> Passage:
    """The stretch of the source most like the quote, with the 1-based line it starts on."""
    folded_quote = fold(quote)
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []  # (offset in the folded text, line number)
    offset = 0
    for number, raw_line in enumerate(source_text.splitlines(), start=1):
        folded = fold(raw_line)
        if not folded:
            continue
        starts.append((offset, number))
        pieces.append(folded)
        offset += len(folded) + 1
    text = " ".join(pieces)
    matcher = difflib.SequenceMatcher(None, text, folded_quote, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(folded_quote))
    start = max(0, block.a - block.b)
    candidate = text[start : start + len(folded_quote)]
    first_line = max((n for o, n in starts if o <= start), default=1)
    score = difflib.SequenceMatcher(None, folded_quote, candidate).ratio()
    return Passage(first_line, candidate, score)
