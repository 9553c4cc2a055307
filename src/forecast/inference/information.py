"""Mutual information between a target and one other node, given evidence, for every draw.

I(T; X | e) = sum over x of P(x | e) KL(P(T | e, x) || P(T | e)), in bits: how much seeing X
would tell about T on average. Each term comes from the compiled engine's posteriors, so
it is exact on every drawn network; a state of X that cannot happen given e adds nothing.
I(T; T | e) is T's own entropy given e: all there is to learn about T.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.compiled import posterior
from forecast.inference.structure import Structure


@dataclass(frozen=True)
class Information:
    """What seeing `node` would tell about the target, for every draw of the tables."""

    node: str
    bits: Array  # (draws,)
    chance: Array  # (draws, states of node): P(node = state | evidence)
    then: Array  # (draws, states of node, states of target): P(target | evidence, state)


def information(
    structure: Structure,
    cpts: Mapping[str, Array],
    target: str,
    node: str,
    given: Mapping[str, str] | None = None,
) -> Information:
    """I(target; node | given) in bits for every draw, with its parts (the target's entropy
    when `node` is the target itself)."""
    given = dict(given or {})
    if node in given:
        raise ValueError(f"'{node}' is already known: it carries no information")
    chance = posterior(structure, cpts, node, given)
    prior = posterior(structure, cpts, target, given)
    parts = []
    bits = np.zeros(chance.shape[0])
    for i, state in enumerate(structure.states[node]):
        possible = chance[:, i] > 0.0
        seen = {**given, node: state}
        if possible.all():
            then = posterior(structure, cpts, target, seen)
        else:  # where the state cannot happen, seeing it is never the case: nothing learnt
            then = prior.copy()
            if possible.any():
                rows = {n: t[possible] for n, t in cpts.items()}
                then[possible] = posterior(structure, rows, target, seen)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(then > 0.0, then * np.log2(then / prior), 0.0)
        bits += chance[:, i] * ratio.sum(axis=1)
        parts.append(then)
    return Information(node, np.maximum(bits, 0.0), chance, np.stack(parts, axis=1))
