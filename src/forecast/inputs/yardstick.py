"""Estimative-language yardsticks (ICD 203, UK PHIA) as data: phrase -> probability range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecast.base.suggest import did_you_mean
from forecast.base.yamlio import package_yaml


@dataclass(frozen=True)
class Term:
    phrases: tuple[str, ...]
    low: float
    high: float


@dataclass(frozen=True)
class Yardstick:
    key: str
    name: str
    source: str
    terms: tuple[Term, ...]

    def lookup(self, phrase: str) -> Term | None:
        """The term a phrase stands for (case and spacing ignored), or None."""
        wanted = " ".join(phrase.lower().split())
        for term in self.terms:
            if wanted in term.phrases:
                return term
        return None

    def phrases(self) -> list[str]:
        return [p for term in self.terms for p in term.phrases]

    def suggest(self, phrase: str) -> str:
        """A fix sentence for a phrase the yardstick does not know."""
        return did_you_mean(phrase, self.phrases(), f"{self.name} phrases")

    def term_for(self, probability: float) -> Term | None:
        """The first term whose range holds `probability` (None in a deliberate gap)."""
        for term in self.terms:
            if term.low <= probability <= term.high:
                return term
        return None


def _table() -> dict[str, Any]:
    return package_yaml("yardsticks.yaml")


def yardstick(key: str) -> Yardstick:
    """The yardstick named `key` ('icd203' or 'phia')."""
    entry = _table()[key]
    terms = tuple(
        Term(tuple(p.lower() for p in t["phrases"]), float(t["low"]), float(t["high"]))
        for t in entry["terms"]
    )
    return Yardstick(key, entry["name"], " ".join(entry["source"].split()), terms)
