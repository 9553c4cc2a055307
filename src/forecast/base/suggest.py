"""Closest-match suggestions for misspelt names, shared by every check."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, or None when nothing is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def did_you_mean(word: str, choices: Iterable[str], what: str) -> str:
    """A fix sentence: 'did you mean X?' or the list of allowed values."""
    options = sorted(set(choices))
    guess = closest(word, options)
    if guess is not None:
        return f"did you mean '{guess}'?"
    shown = ", ".join(f"'{o}'" for o in options[:12])
    more = ", ..." if len(options) > 12 else ""
    return f"use one of the known {what}: {shown}{more}"
