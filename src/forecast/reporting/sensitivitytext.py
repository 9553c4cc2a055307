"""`forecast sensitivity` as plain text: the widest swings per outcome state, then the
baseline under each pool."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from forecast.reporting.wording import frame_words

if TYPE_CHECKING:
    from forecast.analysis.decides import Decides


def sensitivity_lines(document: Mapping[str, Any], top: int) -> Iterator[str]:
    """The lines of `sensitivity.sensitivity_document`."""
    pools = document["pools"]
    states = list(next(iter(pools.values())))
    swings = document["swings"]
    for state in states:
        yield f"P({document['outcome']}={state}): the {top} widest swings, in %"
        ranked = [swings[i] for i in document["widest"][state][:top]]
        width = max((len(s["factor"]) for s in ranked), default=10)
        for s in ranked:
            low, high = sorted((100 * s["low"][state], 100 * s["high"][state]))
            yield f"  {s['factor']:<{width}}  {s['kind']:<6}  {low:5.1f} – {high:5.1f}"
        yield ""
    active, factor = document["pooling"], document["extremizing"]
    yield f"The baseline under each pool (mean % [90 % interval]; the model uses {active}):"
    names = {kind: f"{kind} (x{factor:g})" if kind == "extremized" else kind for kind in pools}
    width = max(len(n) for n in names.values())
    yield f"  {'pool':<{width}}" + "".join(f"{s:>24}" for s in states)
    for kind, outcome in pools.items():
        cells = [
            f"{100 * o['mean']:5.1f} [{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]"
            for o in outcome.values()
        ]
        yield f"  {names[kind]:<{width}}" + "".join(f"{c:>24}" for c in cells)
    yield from decides_lines(document["decides"])


def _points(outcome: Mapping[str, float]) -> str:
    return "  ".join(f"{state} {100 * p:5.1f}" for state, p in outcome.items())


def decides_lines(decides: Decides) -> Iterator[str]:
    """What the whole-question statements and the driver priors decide, as text."""
    yield ""
    yield "What decides the baseline (point network, no observations, in %):"
    yield f"  the full fit                                   {_points(decides['full'])}"
    n = len(decides["forecasts"])
    yield f"  without the {n:>2} whole-question statements       " + _points(
        decides["without_forecasts"]
    )
    yield f"  them held against {frame_words(decides['other']):<29}" + _points(
        decides["with_other"]
    )
    yield f"The whole-question statements are held against {frame_words(decides['against'])}"
    yield f"(settings.forecasts_against: {decides['against']}); the other setting is the row above."
    yield "Each driver prior held at the ends of its range, the rest refitted:"
    for w in decides["priors"]:
        origin = "ANALYST ASSUMPTION" if w["assumption"] else "claim"
        yield (
            f"  {w['statement']} ({origin}): P({w['node']}={w['state']}) "
            f"{100 * w['low']:.0f}–{100 * w['high']:.0f} %"
        )
        yield f"    with the whole-question statements     {_points(w['at_low'])}"
        yield f"                                      to   {_points(w['at_high'])}"
        yield f"    without them                           {_points(w['alone_low'])}"
        yield f"                                      to   {_points(w['alone_high'])}"
