"""Many queries and their exact gradients from one joint table, for networks small enough.

The joint P(all nodes) of every draw is an array with one axis per node, the product of
every node's table broadcast along the axes of the nodes outside its family. The queries
are grouped by the nodes they force: a forced node's table is left out of its group's
product (the cut arcs of the mutilated network), and every query of a group is one masked
sum of that product, all of them in one matrix product. The derivative of a query with
respect to a table entry θ(x | u) is the sum, over the cells in which X=x and U=u, of the
query's cells divided by θ (Darwiche 2003); here each group's upstream-weighted joint is
summed down to every node's family first (one matrix product for all the nodes whose
family is not the whole network) and divided by the table afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.base.arrays import Array
from forecast.inference.structure import Structure
from forecast.inputs.domain import Conditions

Slot = tuple[str, Conditions]  # a query: target node and its conditions
SMALLEST = np.finfo(np.float64).tiny  # a table entry is divided by no less than this
SPARSE_BELOW = 0.05  # the share of ones below which a group's masks are applied by index


class _Segments:
    """Sums over the segments of a gathered axis: sum(values[:, index[a:b]]) for each
    segment [a, b) of `starts`, an empty segment summing to zero."""

    def __init__(self, index: npt.NDArray[np.intp], owners: npt.NDArray[np.intp], count: int):
        order = np.argsort(owners, kind="stable")
        self.index = index[order]
        self.count = count
        sizes = np.bincount(owners, minlength=count)
        self.filled = np.flatnonzero(sizes)  # the segments with something to sum
        self.starts = (np.cumsum(sizes) - sizes)[self.filled]
        # segments all of one size are summed by a reshape (reduceat is slow on short ones)
        self.size = int(sizes[0]) if len(sizes) and np.all(sizes == sizes[0]) else 0

    def __call__(self, values: Array) -> Array:
        gathered = values[:, self.index]
        if self.size:
            summed: Array = gathered.reshape(values.shape[0], self.count, self.size).sum(axis=2)
            return summed
        sums = np.add.reduceat(gathered, self.starts, axis=1) if len(self.index) else 0
        if len(self.filled) == self.count:
            return np.asarray(sums)
        out = np.zeros((values.shape[0], self.count))
        out[:, self.filled] = sums
        return out


class _Masks:
    """A group's 0/1 masks (cells, columns): the answers joint @ masks and the cell
    weights weights @ masks.T, by a matrix product, or by index where few are ones."""

    def __init__(self, masks: Array) -> None:
        self.dense = masks
        cells, columns = np.nonzero(masks)
        self.sparse = len(cells) < SPARSE_BELOW * masks.size
        self.by_column = _Segments(cells, columns, masks.shape[1])
        self.by_cell = _Segments(columns, cells, masks.shape[0])

    def answers(self, joint: Array) -> Array:
        """(draws, cells) -> (draws, columns)."""
        return self.by_column(joint) if self.sparse else joint @ self.dense

    def weights(self, upstream: Array) -> Array:
        """(draws, columns) -> (draws, cells)."""
        return self.by_cell(upstream) if self.sparse else upstream @ self.dense.T


def joint_cells(structure: Structure) -> int:
    """Cells of the joint table of one draw."""
    return int(np.prod([len(structure.states[n]) for n in structure.nodes]))


@dataclass(frozen=True)
class _Placement:
    """How a node's table (draws, parents..., node) lies along the joint's axes."""

    order: tuple[int, ...]  # the table's axes sorted into the joint's node order
    shape: tuple[int, ...]  # broadcast shape in the joint (1 outside the family)
    outside: tuple[int, ...]  # the nodes outside the family, by position
    back: tuple[int, ...]  # from the joint's family order back to the table's axes


@dataclass(frozen=True)
class _Group:
    """The slots that force the same nodes: their masks side by side."""

    forced: frozenset[str]
    slots: tuple[int, ...]
    masks: _Masks  # (cells, sum of the slots' target states)
    splits: tuple[int, ...]  # where each slot's states end in the masks' columns


class JointQueries:
    """P(target, given | do) for every slot and draw, unnormalised, and the gradient of any
    linear function of those answers with respect to every table."""

    def __init__(self, structure: Structure, slots: Sequence[Slot], draws: int) -> None:
        self.structure = structure
        self.slots = list(slots)
        nodes = structure.nodes
        self.sizes = tuple(len(structure.states[n]) for n in nodes)
        self.cells = int(np.prod(self.sizes))
        position = {n: i for i, n in enumerate(nodes)}
        self.placement = {n: self._place(n, position) for n in nodes}
        cells = np.array(list(itertools.product(*(range(k) for k in self.sizes))))
        # one-hot map from cells to the entries of every table whose family is not the
        # whole network, tables side by side; such a table's gradient is one slice of it
        self.whole = {n for n in nodes if not self.placement[n].outside}
        self.entries: dict[str, slice] = {}
        blocks: list[Array] = []
        at = 0
        for n in nodes:
            if n in self.whole:
                continue
            family = [*structure.parents[n], n]
            shape = [len(structure.states[m]) for m in family]
            entry = np.ravel_multi_index(tuple(cells[:, position[m]] for m in family), shape)
            blocks.append(np.eye(int(np.prod(shape)))[entry])
            self.entries[n] = slice(at, at + int(np.prod(shape)))
            at += int(np.prod(shape))
        self.scatter = np.concatenate(blocks, axis=1) if blocks else np.zeros((self.cells, 0))
        masks: list[Array] = []
        for target, cond in self.slots:
            allowed = np.ones(self.cells, dtype=bool)
            for node, state in (*cond.given, *cond.do):
                allowed &= cells[:, position[node]] == structure.states[node].index(state)
            mask = np.zeros((self.cells, len(structure.states[target])))
            mask[np.arange(self.cells), cells[:, position[target]]] = allowed
            masks.append(mask)
        forced = [frozenset(n for n, _ in cond.do) for _, cond in self.slots]
        self.groups = []
        for cut in dict.fromkeys(forced):
            members = tuple(i for i, f in enumerate(forced) if f == cut)
            widths = np.cumsum([masks[i].shape[1] for i in members])
            stacked = np.concatenate([masks[i] for i in members], axis=1)
            splits = tuple(int(w) for w in widths[:-1])
            self.groups.append(_Group(cut, members, _Masks(stacked), splits))
        del draws  # the joint is a product of broadcast tables: any batch size will do
        self._kept: tuple[Mapping[str, Array], list[Array]] | None = None

    def _place(self, node: str, position: Mapping[str, int]) -> _Placement:
        family = [*self.structure.parents[node], node]
        order = tuple(sorted(range(len(family)), key=lambda i: position[family[i]]))
        axes = {position[family[i]] for i in order}
        shape = tuple(k if i in axes else 1 for i, k in enumerate(self.sizes))
        outside = tuple(i for i in range(len(self.sizes)) if i not in axes)
        return _Placement(order, shape, outside, tuple(np.argsort(order)))

    def _factor(self, node: str, cpt: Array) -> Array:
        place = self.placement[node]
        moved = cpt.transpose(0, *(1 + i for i in place.order))
        return moved.reshape(cpt.shape[0], *place.shape)

    def _joint(self, cpts: Mapping[str, Array], left_out: frozenset[str]) -> Array:
        """The product of every table but the left-out ones, (draws, *node sizes)."""
        draws = next(iter(cpts.values())).shape[0]
        out = np.ones((draws, *self.sizes))
        for n in self.structure.nodes:
            if n not in left_out:
                out *= self._factor(n, cpts[n])
        return out

    def _joints(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Every group's joint: the product of the tables no group leaves out, once, times
        each group's own."""
        shared = self._joint(cpts, frozenset().union(*(g.forced for g in self.groups)))
        out = []
        for group in self.groups:
            joint = shared.copy() if len(self.groups) > 1 else shared
            for n in self.structure.nodes:
                if n not in group.forced and any(n in g.forced for g in self.groups):
                    joint *= self._factor(n, cpts[n])
            out.append(joint)
        return out

    def answers(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Unnormalised answers, one (draws, target states) array per slot. The groups'
        joints are kept for a `backward` on the same tables object (the fit's next step)."""
        out: list[Array] = [np.empty(0)] * len(self.slots)
        joints = self._joints(cpts)
        for group, joint in zip(self.groups, joints, strict=True):
            parts = np.split(
                group.masks.answers(joint.reshape(-1, self.cells)), group.splits, axis=1
            )
            for i, part in zip(group.slots, parts, strict=True):
                out[i] = part
        self._kept = (cpts, joints)
        return out

    def backward(self, cpts: Mapping[str, Array], upstream: Sequence[Array]) -> dict[str, Array]:
        """d/d(table) of sum over slots of sum(upstream[slot] * answers[slot])."""
        out = {n: np.zeros_like(cpts[n]) for n in self.structure.nodes}
        kept, self._kept = self._kept, None
        joints = kept[1] if kept is not None and kept[0] is cpts else self._joints(cpts)
        for group, joint in zip(self.groups, joints, strict=True):
            weights = np.concatenate([upstream[i] for i in group.slots], axis=1)
            weighted = joint * group.masks.weights(weights).reshape(joint.shape)
            summed = weighted.reshape(-1, self.cells) @ self.scatter
            for n in self.structure.nodes:
                if n in group.forced:
                    continue
                if n in self.whole:
                    place = self.placement[n]
                    sizes = (cpts[n].shape[1 + i] for i in place.order)
                    family = weighted.reshape(-1, *sizes).transpose(0, *(1 + i for i in place.back))
                else:
                    family = summed[:, self.entries[n]].reshape(cpts[n].shape)
                out[n] += family / np.maximum(cpts[n], SMALLEST)
        return out
