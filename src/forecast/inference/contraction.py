"""Compiled queries with exact gradients: P(target | given, do(...)) for many conditions at once.

All the conditions asked of one target node are stacked on a leading query axis: an
observed node enters as a mask on its axis, a forced node as its table swapped for a
point mass (the cut arcs of the mutilated network), both per query. The contraction
order is found once, when the queries are compiled (`opt_einsum.contract_expression`),
and reused for every call: every iteration of a fit and every batch of draws.

The derivative of a contraction with respect to one of its tables is the contraction of
everything else (Darwiche 2003: dP(e)/dθ = P(e, x, u) / θ), so each table gets one more
compiled expression, fed the upstream gradient as an extra operand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import opt_einsum as oe

from forecast.base.arrays import Array
from forecast.inference.structure import Structure, ancestral
from forecast.inputs.domain import Conditions


def relevant_nodes(
    structure: Structure, target: str, conditions: Sequence[Conditions]
) -> list[str]:
    """The target, the observed nodes and their ancestors, in the structure's order; every
    other node sums to one and drops out of every query."""
    wanted = ancestral(structure, {target} | {n for c in conditions for n, _ in c.given})
    return [n for n in structure.nodes if n in wanted]


@dataclass(frozen=True)
class _Operand:
    node: str
    axes: tuple[int, ...]  # symbol numbers: 0 query, 1 draw, 2 + i node i
    stacked: bool  # forced in some query: one table per query


class TargetQueries:
    """P(target | conditions[q]) for every query q and draw, and the gradient of any linear
    function of the unnormalised answers with respect to every table."""

    def __init__(
        self, structure: Structure, target: str, conditions: Sequence[Conditions], draws: int
    ) -> None:
        self.structure = structure
        self.target = target
        self.conditions = tuple(conditions)
        self.draws = draws
        self.nodes = relevant_nodes(structure, target, conditions)
        count = len(self.conditions)
        symbol = {n: 2 + i for i, n in enumerate(structure.nodes)}
        self._forced: dict[str, tuple[Array, Array]] = {}  # node -> (keep (Q,), point mass (Q, k))
        masks: list[tuple[str, Array]] = []
        for node in self.nodes:
            k = len(structure.states[node])
            keep = np.ones(count)
            point = np.zeros((count, k))
            mask = np.ones((count, k))
            for q, cond in enumerate(self.conditions):
                forced = dict(cond.do)
                seen = dict(cond.given)
                if node in forced:
                    keep[q] = 0.0
                    point[q, structure.states[node].index(forced[node])] = 1.0
                if node in seen:
                    mask[q] = 0.0
                    mask[q, structure.states[node].index(seen[node])] = 1.0
            if keep.min() < 1.0:
                self._forced[node] = (keep, point)
            if mask.min() < 1.0:
                masks.append((node, mask))
        self._operands = [
            _Operand(
                node,
                ((0,) if node in self._forced else ())
                + (1, *(symbol[p] for p in structure.parents[node]), symbol[node]),
                node in self._forced,
            )
            for node in self.nodes
        ]
        # the ones over the query axis keep it in the contraction when nothing else has it
        self._masks = [(np.ones(count), (0,))] + [(mask, (0, symbol[n])) for n, mask in masks]
        out = (0, 1, symbol[target])
        self._value = self._compile(self._operands, out, extra=None)
        self._grads = {
            op.node: self._compile(
                [o for o in self._operands if o is not op], op.axes, extra=(count, draws)
            )
            for op in self._operands
        }
        self._out = out

    def _shape(self, op: _Operand) -> tuple[int, ...]:
        sizes = [len(self.conditions), self.draws] + [
            len(self.structure.states[n]) for n in self.structure.nodes
        ]
        return tuple(sizes[a] for a in op.axes)

    def _compile(
        self, operands: list[_Operand], out: tuple[int, ...], extra: tuple[int, int] | None
    ) -> Any:
        """One contraction: the tables, the constant masks, and (for a gradient) the upstream
        gradient over (query, draw, target)."""
        terms = [op.axes for op in operands] + [axes for _, axes in self._masks]
        shapes: list[Any] = [self._shape(op) for op in operands]
        shapes += [mask for mask, _ in self._masks]
        constants = list(range(len(operands), len(operands) + len(self._masks)))
        if extra is not None:
            k = len(self.structure.states[self.target])
            terms.append((0, 1, 2 + self.structure.nodes.index(self.target)))
            shapes.append((*extra, k))
        equation = ",".join("".join(oe.get_symbol(a) for a in t) for t in terms)
        equation += "->" + "".join(oe.get_symbol(a) for a in out)
        return oe.contract_expression(equation, *shapes, constants=constants, optimize="greedy")

    def _tables(self, cpts: Mapping[str, Array], operands: list[_Operand]) -> list[Array]:
        arrays = []
        for op in operands:
            table = cpts[op.node]
            if op.stacked:
                keep, point = self._forced[op.node]
                ones = (1,) * (table.ndim - 1)
                cut = point.reshape((len(keep), *ones, point.shape[1]))
                weight = keep.reshape((len(keep), *ones, 1))
                table = weight * table[None] + (1.0 - weight) * cut
            arrays.append(table)
        return arrays

    def joint(self, cpts: Mapping[str, Array]) -> Array:
        """Unnormalised answers: P(target, given_q) under do_q, shape (queries, draws, states)."""
        result: Array = self._value(*self._tables(cpts, self._operands))
        return result

    def backward(self, cpts: Mapping[str, Array], upstream: Array) -> dict[str, Array]:
        """d/d(table) of sum(upstream * joint(cpts)) for every table the queries use, each
        shaped like its table (draws, parents..., node)."""
        out: dict[str, Array] = {}
        for op in self._operands:
            others = [o for o in self._operands if o is not op]
            grad = self._grads[op.node](*self._tables(cpts, others), upstream)
            if op.stacked:
                keep = self._forced[op.node][0]
                grad = np.tensordot(keep, grad, axes=(0, 0))
            out[op.node] = grad
        return out


class ContractedQueries:
    """The slot interface of `JointQueries` over one compiled `TargetQueries` per target,
    for networks whose joint table is too large to hold."""

    def __init__(
        self, structure: Structure, slots: Sequence[tuple[str, Conditions]], draws: int
    ) -> None:
        self.slots = list(slots)
        targets = list(dict.fromkeys(t for t, _ in self.slots))
        self.groups = {
            t: TargetQueries(structure, t, [c for s, c in self.slots if s == t], draws)
            for t in targets
        }
        counters = dict.fromkeys(targets, 0)
        self.where: list[tuple[str, int]] = []
        for t, _ in self.slots:
            self.where.append((t, counters[t]))
            counters[t] += 1

    def answers(self, cpts: Mapping[str, Array]) -> list[Array]:
        joints = {t: q.joint(cpts) for t, q in self.groups.items()}
        return [joints[t][i] for t, i in self.where]

    def backward(self, cpts: Mapping[str, Array], upstream: Sequence[Array]) -> dict[str, Array]:
        out: dict[str, Array] = {}
        for t, queries in self.groups.items():
            stacked = np.stack(
                [u for u, (s, _) in zip(upstream, self.where, strict=True) if s == t]
            )
            for node, grad in queries.backward(cpts, stacked).items():
                out[node] = out[node] + grad if node in out else grad
        return out
