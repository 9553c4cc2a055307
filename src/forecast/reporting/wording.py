"""Numbers in words: percentages, intervals and yardstick phrases, always together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forecast.analysis.audit import Weighing
    from forecast.analysis.pulls import FitRow


def pct(value: float) -> str:
    """A probability as a whole percent."""
    return f"{100 * value:.0f} %"


def interval(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f} %"


def phrase(row: Mapping[str, Any]) -> str:
    """A row's yardstick words with their range: 'likely, 55–80 %' ('' in a gap)."""
    return (
        f"{row['words']}, {interval(row['words_low'], row['words_high'])}" if row["words"] else ""
    )


def estimate(row: Mapping[str, Any]) -> str:
    """'62 % (90 % interval 48–75 %); likely, 55–80 %': number first, then the words."""
    words = phrase(row)
    return f"{pct(row['mean'])} (90 % interval {interval(row['p05'], row['p95'])})" + (
        f"; {words}" if words else ""
    )


def ratio(value: float) -> str:
    """An odds ratio: '×1.50'."""
    return f"×{value:.2f}"


def claimed(row: Mapping[str, Any]) -> str:
    """What a fit row's claim states, with its range: a probability range, or for a push an
    odds-ratio range."""
    if row.get("direction"):
        return f"{row['stated']} ({ratio(row['low'])}–{ratio(row['high'])})"
    return f"{row['stated']} ({interval(row['low'], row['high'])})"


def value(row: Mapping[str, Any], number: float) -> str:
    """A claim row's value under some network (`number`): a percentage, or an odds ratio
    for a push."""
    return ratio(number) if row.get("direction") else pct(number)


def weighing_sentence(w: Weighing) -> str:
    """How claims and assumptions are weighed at the audit's as-of date, in one sentence."""
    return (
        f"Weights as of {w['as_of']}: a claim weighs its source's reliability x its recency "
        f"(halved every {w['half_life_years']:g} years) x its credibility; an analyst "
        f"assumption weighs {w['assumption']:.3f} and a default assumption {w['default']:.3f}, "
        f"their grading weights x {w['recency']:.3f}, the mean recency of the {w['claims']} "
        "live claims, so that they age with the evidence."
    )


def held_text(row: FitRow) -> str:
    """What holds a missed claim away from its range, from the refits without each claim."""
    parts = []
    if row.get("penalty_binds"):
        parts.append(
            "the wrong-way penalty binds: other claims pull this push past no effect, and the "
            "penalty holds it near x1"
        )
    held = [
        f"{h['claim']} (without it {value(row, h['fitted_without'])}, "
        + ("inside its range" if h["miss_without"] == 0 else f"misses by {h['miss_without']:+.1f}")
        + ")"
        for h in row["held_by"]
    ]
    if held:
        parts.append("held by " + "; ".join(held))
    elif not parts:
        parts.append("no single claim's removal frees it: the claims and assumptions together")
    return "; ".join(parts)


def frame_words(setting: str) -> str:
    """What a forecasts_against setting holds the whole-question statements against."""
    return "their source's date's priors" if setting == "source_date" else "today's priors"
