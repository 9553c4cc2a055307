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
    """The window of the source most similar to the quote, with its 1-based line number."""
    folded_quote = fold(quote)
    best = Passage(1, "", 0.0)
    lines = source_text.splitlines()
    for index in range(len(lines)):
        window = fold(" ".join(lines[index : index + 3]))
        if not window:
            continue
        matcher = difflib.SequenceMatcher(None, folded_quote, window, autojunk=False)
        block = matcher.find_longest_match(0, len(folded_quote), 0, len(window))
        start = max(0, block.b - block.a)
        candidate = window[start : start + len(folded_quote)]
        score = difflib.SequenceMatcher(None, folded_quote, candidate).ratio()
        if score > best.similarity:
            best = Passage(index + 1, candidate, score)
    return best
