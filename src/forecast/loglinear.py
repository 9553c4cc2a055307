"""The tables' parameters: a few columns of logits per node, combined log-linearly in the odds.

A node's parameters are the logits of its base column (every parent at baseline), of one
column per moved parent state (that parent moved, the others at baseline), and of each
pinned column (several parents moved at once, where column claims say so). Every column
of the table is then a fixed linear combination of those logits, followed by a softmax:

    logits[combination] = start + sum over moved parents not in the start of (effect - base)

where the start is the base column or the most specific pinned column the combination
contains. The combination is a constant matrix per node, so the table, and its gradient
with respect to the parameters, cost one (stacked) matrix product each.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.domain import ColumnKey, Network
from forecast.pooling import Array


@dataclass(frozen=True)
class NodeLayout:
    """One node's parameter columns and how its table combines them."""

    node: str
    keys: tuple[ColumnKey, ...]  # base, effects, pinned: the parameter columns in order
    shape: tuple[int, ...]  # parent state counts
    states: int
    design: Array  # (combinations, parameter columns): the linear map to logits
    starts: npt.NDArray[np.int64]  # per combination: -1 base, else index into pinned
    pinned: tuple[ColumnKey, ...]

    def index(self, key: ColumnKey) -> int:
        return self.keys.index(key)


def node_layout(network: Network, node_id: str, pinned: Sequence[ColumnKey]) -> NodeLayout:
    """The parameter columns of `node_id` and its design matrix; `pinned` are the columns
    that claims pin on two or more moved parents."""
    node = network.node(node_id)
    parents = [network.node(p) for p in node.parents]
    effects = [
        ColumnKey(node.id, ((p.id, s),)) for p in parents for s in p.states if s != p.baseline
    ]
    pins = tuple(sorted(pinned, key=lambda k: (len(k.moved), str(k))))
    keys = (ColumnKey(node.id), *effects, *pins)
    shape = tuple(len(p.states) for p in parents)
    combos = list(itertools.product(*(range(n) for n in shape)))
    design = np.zeros((len(combos), len(keys)))
    starts = np.full(len(combos), -1, dtype=np.int64)
    for row, combo in enumerate(combos):
        moved = {
            p.id: p.states[i]
            for p, i in zip(parents, combo, strict=True)
            if p.states[i] != p.baseline
        }
        start = 0
        for j, pin in enumerate(pins):  # the longest pinned column inside wins
            if all(moved.get(p) == s for p, s in pin.moved):
                start, starts[row] = 1 + len(effects) + j, j
        covered = dict(pins[starts[row]].moved) if starts[row] >= 0 else {}
        design[row, start] += 1.0
        for p, s in moved.items():
            if p not in covered:
                design[row, keys.index(ColumnKey(node.id, ((p, s),)))] += 1.0
                design[row, 0] -= 1.0
    return NodeLayout(node.id, keys, shape, len(node.states), design, starts.reshape(shape), pins)


def layouts(network: Network, pinned: Sequence[ColumnKey]) -> dict[str, NodeLayout]:
    """Every node's layout, in the network's order."""
    return {
        n.id: node_layout(network, n.id, [k for k in pinned if k.node == n.id])
        for n in network.nodes
    }


def softmax(logits: Array) -> Array:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    out: Array = shifted / shifted.sum(axis=-1, keepdims=True)
    return out


def table(layout: NodeLayout, theta: Array) -> Array:
    """The node's table (draws, parents..., states) from its logits (draws, columns, states)."""
    logits = layout.design @ theta  # (combinations, columns) times (draws, columns, states)
    return softmax(logits).reshape((theta.shape[0], *layout.shape, layout.states))


def tables(plan: Mapping[str, NodeLayout], theta: Mapping[str, Array]) -> dict[str, Array]:
    return {node: table(layout, theta[node]) for node, layout in plan.items()}


def pull_back(layout: NodeLayout, cpt: Array, upstream: Array) -> Array:
    """Gradient with respect to the logits (draws, columns, states), given the table and the
    gradient with respect to the table (both (draws, parents..., states))."""
    draws = cpt.shape[0]
    p = cpt.reshape(draws, -1, layout.states)
    g = upstream.reshape(draws, -1, layout.states)
    through_softmax = p * (g - (g * p).sum(axis=-1, keepdims=True))
    out: Array = layout.design.T @ through_softmax
    return out
