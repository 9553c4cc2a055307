"""Finding a claim's quote in its source text, forgiving only typography.

Folding maps every run of whitespace (including no-break spaces) to one space, curly
quotes to straight ones and every dash to '-'. Nothing else is forgiven: a changed word,
letter case or punctuation mark means the quote is not verbatim.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
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


MIN_QUOTE_WORDS = 5  # fewer words rarely carry a claim; documented in the README

# Code points a reader cannot see: zero-width characters, the soft hyphen, the BOM.
_INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@dataclass(frozen=True)
class Passage:
    """The part of a source text most like a quote, in whole words, for error messages."""

    line: int
    text: str
    similarity: float
    marked: str  # the passage with the words that differ from the quote in «guillemets»
    differences: tuple[str, ...]  # one line per difference: quote words against source words


def contains(source_text: str, quote: str) -> bool:
    """Whether the quote occurs in the source after folding both."""
    return fold(quote) in fold(source_text)


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text) or "nothing"


def _invisible(quoted: str, source: str) -> str | None:
    """How two words that look alike differ, in code points; None when the difference shows."""

    def seen(text: str) -> str:
        return unicodedata.normalize("NFKC", "".join(c for c in text if c not in _INVISIBLE))

    if quoted == source or seen(quoted) != seen(source):
        return None
    matcher = difflib.SequenceMatcher(None, quoted, source, autojunk=False)
    parts = [
        f"quote has {_code_points(quoted[i1:i2])} where the source has {_code_points(source[j1:j2])}"
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    return ", ".join(parts)


def _difference(quoted: str, source: str) -> str:
    shown = f'quote "{quoted}" / source "{source}"'
    hidden = _invisible(quoted, source)
    return f"{shown} (they look alike: {hidden})" if hidden else shown


def _compare(quote_words: list[str], passage_words: list[str]) -> tuple[str, tuple[str, ...]]:
    """The passage with differing words marked, and each difference spelled out."""
    matcher = difflib.SequenceMatcher(None, quote_words, passage_words, autojunk=False)
    marked: list[str] = []
    differences: list[str] = []
    last = len(quote_words)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        source = " ".join(passage_words[j1:j2])
        quoted = " ".join(quote_words[i1:i2])
        # the passage is widened to whole words: context around the quote is no difference
        widened = tag == "insert" and i1 in (0, last)
        cut_start = i1 == 0 and source.endswith(quoted)
        cut_end = i2 == last and source.startswith(quoted)
        if tag == "equal" or widened or (tag == "replace" and (cut_start or cut_end)):
            marked.append(source)
            continue
        if source:
            marked.append(f"«{source}»")
        differences.append(_difference(quoted, source))
    return " ".join(marked), tuple(differences)


def closest_passage(source_text: str, quote: str) -> Passage:
    """The stretch of the source most like the quote, widened to whole words, with the
    1-based line it starts on and the words that differ."""
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
    end = min(len(text), start + len(folded_quote))
    if 0 < start < len(text) and text[start - 1] != " ":  # widen to whole words
        start = text.rfind(" ", 0, start) + 1
    if 0 < end < len(text) and text[end - 1] != " " and text[end] != " ":
        stop = text.find(" ", end)
        end = len(text) if stop < 0 else stop
    candidate = text[start:end].strip()
    first_line = max((n for o, n in starts if o <= start), default=1)
    score = difflib.SequenceMatcher(None, folded_quote, candidate).ratio()
    marked, differences = _compare(folded_quote.split(), candidate.split())
    return Passage(first_line, candidate, score, marked, differences)


_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*\s")


def surrounding(source_text: str, quote: str) -> tuple[str, str]:
    """What the source says just before and just after a quote (both folded): the sentence
    before the one the quote starts in, with any words of that sentence the quote leaves
    out; and the rest of the sentence the quote ends in, with the sentence after it.
    Empty strings where the quote is not found or the text ends."""
    text, folded_quote = fold(source_text), fold(quote)
    at = text.find(folded_quote)
    if not folded_quote or at < 0:
        return "", ""
    end = at + len(folded_quote)
    ends = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    begins_sentence = max(b for b in ends if b <= at)
    before_start = max((b for b in ends if b < begins_sentence), default=begins_sentence)
    after_ends = [b for b in ends if b > end]
    after_end = after_ends[1] if len(after_ends) > 1 else len(text)
    return text[before_start:at].strip(), text[end:after_end].strip()
