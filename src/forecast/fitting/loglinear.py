"""The tables' parameters: a few columns of logits per node, combined log-linearly in the odds.

A node's parameters are the logits of its base column (every parent at baseline), of one
column per moved parent state (that parent moved, the others at baseline), and of each
pinned column (several parents moved at once, where column claims say so). Every column
of the table is then a fixed linear combination of those logits, followed by a softmax:

    logits[combination] = start + sum over moved parents not in the start of (effect - base)

where the start is the base column or the most specific pinned column the combination
contains. The combination is a constant matrix per node, so the table, and its gradient
with respect to the parameters, cost one matrix product each; `Stacked` puts every node's
side by side for the fit, where the tables are rebuilt many times.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.base.arrays import Array
from forecast.inputs.domain import ColumnKey, Network


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


SAFE = 500.0  # logits below this need no shift before exp (exp(709) overflows)


class Stacked:
    """Every node's parameter columns side by side, so that all tables, and the gradient
    through all of them, cost a few array operations whatever the number of nodes.

    Arrays hold the states first, (draws, widest node's states, columns), so the design is
    one matrix product and a softmax works on contiguous slices; a node with fewer states
    has its missing ones held at logit 0 and masked out of every table. Free parameters
    (each column's logits but the last, held at zero) are ordered node by node, column by
    column, state by state, as `FitProblem.free` gives them."""

    def __init__(self, plan: Mapping[str, NodeLayout]) -> None:
        self.plan = plan
        self.width = max((lay.states for lay in plan.values()), default=1)
        self.columns: dict[str, slice] = {}
        self.combinations: dict[str, slice] = {}
        column = combination = 0
        for node, lay in plan.items():
            self.columns[node] = slice(column, column + len(lay.keys))
            self.combinations[node] = slice(combination, combination + lay.design.shape[0])
            column += len(lay.keys)
            combination += lay.design.shape[0]
        self.count = column
        self.design = np.zeros((combination, column))
        self.real = np.zeros((self.width, combination))  # 1 where a node has the state
        free: list[int] = []
        for node, lay in plan.items():
            self.design[self.combinations[node], self.columns[node]] = lay.design
            self.real[: lay.states, self.combinations[node]] = 1.0
            for c in range(self.columns[node].start, self.columns[node].stop):
                free += [k * column + c for k in range(lay.states - 1)]
        self.free_index = np.array(free, dtype=np.intp)

    def logits(self, phi: Array) -> Array:
        """All parameter columns' logits (draws, widest, columns) from free parameters."""
        out = np.zeros((phi.shape[0], self.width, self.count))
        out.reshape(phi.shape[0], -1)[:, self.free_index] = phi
        return out

    def tables(self, logits: Array) -> Array:
        """Every node's table, stacked: (draws, widest, combinations)."""
        draws = logits.shape[0]
        flat = logits.reshape(draws * self.width, self.count) @ self.design.T
        combined = flat.reshape(draws, self.width, -1)
        if combined.size and combined.max() > SAFE:  # far beyond any fit; shift to be safe
            combined = combined - combined.max(axis=1, keepdims=True)
        out = np.exp(combined)
        out *= self.real
        out /= out.sum(axis=1, keepdims=True)
        return out

    def unstack(self, stacked: Array) -> dict[str, Array]:
        """Each node's table (draws, parents..., states) from the stacked tables."""
        draws = stacked.shape[0]
        out = {}
        for node, lay in self.plan.items():
            own = stacked[:, : lay.states, self.combinations[node]].transpose(0, 2, 1)
            out[node] = own.reshape(draws, *lay.shape, lay.states)
        return out

    def node_logits(self, logits: Array) -> dict[str, Array]:
        """Each node's parameter columns, (draws, columns, states) views into `logits`."""
        return {
            n: logits[:, : lay.states, self.columns[n]].transpose(0, 2, 1)
            for n, lay in self.plan.items()
        }

    def pull_back(self, stacked: Array, upstream: Mapping[str, Array]) -> Array:
        """Gradient with respect to all logits (draws, widest, columns), given the stacked
        tables and each node's gradient with respect to its table."""
        draws = stacked.shape[0]
        g = np.zeros_like(stacked)
        for node, grad in upstream.items():
            states = self.plan[node].states
            own = grad.reshape(draws, -1, states).transpose(0, 2, 1)
            g[:, :states, self.combinations[node]] = own
        through_softmax = stacked * (g - (g * stacked).sum(axis=1, keepdims=True))
        flat = through_softmax.reshape(draws * self.width, -1) @ self.design
        out: Array = flat.reshape(draws, self.width, self.count)
        return out

    def free(self, grad: Array) -> Array:
        """The free parameters' part of a gradient with respect to all logits."""
        out: Array = grad.reshape(grad.shape[0], -1)[:, self.free_index]
        return out
