"""`forecast sensitivity` as plain text: the widest swings per outcome state, then the
baseline under each pool."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


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
