"""Many queries and their exact gradients from one joint table, for networks small enough.

The joint P(all nodes) of every draw is the product of each node's table entry gathered
at every cell (index maps made once, when the queries are set up). Each query P(target, given | do) is then a masked sum of it (a forced node's factor is
left out of the product), and the derivative of any query with respect to a table entry
θ(x | u) is the sum, over the joint's cells in which X=x and U=u, of the query's cells
divided by θ (Darwiche 2003), here computed as the product of the other factors so that
nothing is ever divided.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from forecast.batched import Structure
from forecast.domain import Conditions
from forecast.pooling import Array

Slot = tuple[str, Conditions]  # a query: target node and its conditions


def joint_cells(structure: Structure) -> int:
    """Cells of the joint table of one draw."""
    return int(np.prod([len(structure.states[n]) for n in structure.nodes]))


class JointQueries:
    """P(target, given | do) for every slot and draw, unnormalised, and the gradient of any
    linear function of those answers with respect to every table."""

    def __init__(self, structure: Structure, slots: Sequence[Slot], draws: int) -> None:
        self.structure = structure
        self.slots = list(slots)
        nodes = structure.nodes
        sizes = [len(structure.states[n]) for n in nodes]
        cells = np.array(list(itertools.product(*(range(k) for k in sizes))), dtype=np.int64)
        self.cells = len(cells)
        position = {n: i for i, n in enumerate(nodes)}
        # for each node, the flat index of its table entry in every cell of the joint
        self.entry: dict[str, npt.NDArray[np.int64]] = {}
        for n in nodes:
            family = [*structure.parents[n], n]
            shape = [len(structure.states[m]) for m in family]
            self.entry[n] = np.ravel_multi_index(
                tuple(cells[:, position[m]] for m in family), shape
            )
        # and the one-hot map from cells to table entries that sums a cell array per entry
        self.scatter = {
            n: np.eye(int(np.prod([len(structure.states[m]) for m in [*structure.parents[n], n]])))[
                self.entry[n]
            ]
            for n in nodes
        }
        self.masks: list[Array] = []  # per slot: (cells, target states)
        for target, cond in self.slots:
            allowed = np.ones(self.cells, dtype=bool)
            for node, state in (*cond.given, *cond.do):
                allowed &= cells[:, position[node]] == structure.states[node].index(state)
            k = len(structure.states[target])
            mask = np.zeros((self.cells, k))
            mask[np.arange(self.cells), cells[:, position[target]]] = allowed
            self.masks.append(mask)
        self.forced = [{n for n, _ in cond.do} for _, cond in self.slots]
        del draws  # the joint is a product of gathered entries: any batch size will do

    def _factors(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Each node's table entry in every cell: (draws, cells), in the structure's order."""
        return [
            cpts[n].reshape(cpts[n].shape[0], -1)[:, self.entry[n]] for n in self.structure.nodes
        ]

    def _leave_one_out(self, factors: list[Array]) -> list[Array]:
        """For each node, the product of every other node's factor (prefix times suffix)."""
        count = len(factors)
        prefix = [np.ones_like(factors[0])]
        for f in factors[:-1]:
            prefix.append(prefix[-1] * f)
        out = [np.empty(0)] * count
        suffix = np.ones_like(factors[0])
        for i in range(count - 1, -1, -1):
            out[i] = prefix[i] * suffix
            suffix = suffix * factors[i]
        return out

    def _without(self, factors: list[Array], left_out: set[str]) -> Array:
        out = np.ones_like(factors[0])
        for n, f in zip(self.structure.nodes, factors, strict=True):
            if n not in left_out:
                out = out * f
        return out

    def answers(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Unnormalised answers, one (draws, target states) array per slot."""
        factors = self._factors(cpts)
        joint = self._without(factors, set())
        return [
            (self._without(factors, forced) if forced else joint) @ mask
            for mask, forced in zip(self.masks, self.forced, strict=True)
        ]

    def backward(self, cpts: Mapping[str, Array], upstream: Sequence[Array]) -> dict[str, Array]:
        """d/d(table) of sum over slots of sum(upstream[slot] * answers[slot])."""
        factors = self._factors(cpts)
        by_forced: dict[frozenset[str], Array] = {}
        for mask, forced, up in zip(self.masks, self.forced, upstream, strict=True):
            key = frozenset(forced)
            by_forced[key] = by_forced.get(key, 0.0) + up @ mask.T
        others = self._leave_one_out(factors)
        out: dict[str, Array] = {}
        for i, n in enumerate(self.structure.nodes):
            total = np.zeros_like(factors[0])
            for cut, weight in by_forced.items():
                if n in cut:
                    continue
                rest = others[i] if not cut else self._without(factors, set(cut) | {n})
                total += weight * rest
            out[n] = (total @ self.scatter[n]).reshape(cpts[n].shape)
        return out
