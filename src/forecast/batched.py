"""Exact inference over many draws of the CPTs at once: one einsum contraction per query.

Evidence enters as masks on a node's axis; an intervention do(X=x) replaces X's table by
a point mass on x with no parents (the mutilated network). There is no loop over draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.domain import Network
from forecast.pooling import Array


@dataclass(frozen=True)
class Structure:
    """What the engine needs of a network: node ids, their states and parents (in CPT order)."""

    nodes: tuple[str, ...]
    states: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, tuple[str, ...]]


def structure_of(network: Network) -> Structure:
    """The engine's view of a checked network."""
    return Structure(
        network.ids,
        {n.id: n.states for n in network.nodes},
        {n.id: n.parents for n in network.nodes},
    )


class ImpossibleEvidenceError(ValueError):
    """The observed states have probability zero under the model."""


def posterior(
    structure: Structure,
    cpts: Mapping[str, Array],
    target: str,
    given: Mapping[str, str] | None = None,
    do: Mapping[str, str] | None = None,
) -> Array:
    """P(target | given, do(...)) for every draw: shape (draws, states of target)."""
    given = dict(given or {})
    do = dict(do or {})
    axis = {node: i + 1 for i, node in enumerate(structure.nodes)}
    draws = next(iter(cpts.values())).shape[0]
    operands: list[Any] = []
    for node in structure.nodes:
        states = structure.states[node]
        if node in do:
            table = np.zeros((draws, len(states)))
            table[:, states.index(do[node])] = 1.0
            operands += [table, [0, axis[node]]]
            continue
        operands += [cpts[node], [0, *(axis[p] for p in structure.parents[node]), axis[node]]]
        if node in given:
            mask = np.zeros(len(states))
            mask[states.index(given[node])] = 1.0
            operands += [mask, [axis[node]]]
    joint = np.einsum(*operands, [0, axis[target]], optimize="greedy")
    total = joint.sum(axis=1, keepdims=True)
    if np.any(total <= 0.0):
        raise ImpossibleEvidenceError(f"the evidence {given} has probability zero")
    result: Array = joint / total
    return result


def summarise(samples: Array, quantiles: Sequence[float] = (0.05, 0.95)) -> dict[str, Array]:
    """Mean and quantiles over the draw axis of (draws, states) samples."""
    out = {"mean": samples.mean(axis=0)}
    for q in quantiles:
        out[f"p{round(q * 100):02d}"] = np.quantile(samples, q, axis=0)
    return out


ERROR_WINDOW = 2.0  # binomial standard deviations either side of a quantile's rank


def quantile_error(samples: Array, q: float) -> Array:
    """Monte Carlo standard error of the q-quantile over the draw axis, per state: the
    distance between the order statistics ERROR_WINDOW binomial standard deviations
    either side of its rank, over twice ERROR_WINDOW (needs no assumption about the
    draws' distribution). The rank of the sample quantile has a binomial standard
    deviation sqrt(n q (1 - q)); a window of two of them either side makes the estimate's
    own noise about 1.4 times smaller than a window of one, at a bias that is negligible
    where the quantile function is smooth."""
    n = samples.shape[0]
    spread = ERROR_WINDOW * np.sqrt(n * q * (1.0 - q))
    ordered = np.sort(samples, axis=0)
    low = ordered[max(0, int(np.floor(n * q - spread)))]
    high = ordered[min(n - 1, int(np.ceil(n * q + spread)))]
    out: Array = (high - low) / (2.0 * ERROR_WINDOW)
    return out
