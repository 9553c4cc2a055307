"""Compile once, answer many: exact P(target | given, do(...)) over any number of draws.

A query's shape is its target and the nodes it observes and forces. For each shape the
engine prunes once, finds one contraction order, and keeps it for every later query of
that shape and every batch of draws:

- an observed or forced node's axis is sliced away at its state in every table that has
  it (a forced node's own table is left out: the cut arcs of the mutilated network);
- only the ancestors of the target and the conditioning nodes matter (the others are
  barren and sum to one), and of those only the tables connected to the target once the
  conditioning nodes are removed (the rest, d-separated from it, are constant factors
  that the normalisation cancels);
- the contraction order comes from `opt_einsum`, whose symbols are not limited to numpy's
  52 letters (each pairwise step is handed to numpy with letters of its own).

Every table carries a leading draw axis: (draws, parents..., states); the point network
is one draw. Inside a contraction the draw axis goes last, where numpy's loops run along
it contiguously (four to five times faster than along the small state axes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import opt_einsum as oe

from forecast.base.arrays import Array
from forecast.inference.structure import ImpossibleEvidenceError, Structure, ancestral

# A greedy path whose largest intermediate has more cells than this (per draw) is worth a
# random-greedy search for a better one; below it, the search costs more than it saves.
LARGE = 2**16
SEARCHES = 32  # random-greedy trials (trial i is seeded with i: the same path every run)
DRAW = 0  # the symbol of the draw axis


@dataclass(frozen=True)
class Shape:
    """What a compiled query depends on: the target and the nodes fixed, not their states.
    The nodes in `free` (neither seen nor forced) are kept as axes of the answer, after the
    target's: one contraction then answers questions that see them or not
    (`Engine.posteriors`)."""

    target: str
    given: tuple[str, ...]
    do: tuple[str, ...]
    free: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Factor:
    node: str
    index: tuple[str | None, ...]  # per axis after the draws: the node fixing it, or None
    symbols: tuple[int, ...]  # the symbols of the axes left after slicing (draws first)


def relevant(structure: Structure, shape: Shape) -> list[str]:
    """The ancestors of the target, the free nodes and the conditioning nodes in the
    mutilated network, in the structure's order."""
    wanted = ancestral(structure, {shape.target, *shape.free, *shape.given, *shape.do}, shape.do)
    return [n for n in structure.nodes if n in wanted]


def _connected(factors: list[_Factor], start: int) -> set[int]:
    """The symbols linked to `start` through shared factors (the draw axis aside)."""
    seen = {start}
    frontier = [start]
    touching: dict[int, list[_Factor]] = {}
    for f in factors:
        for s in f.symbols[1:]:
            touching.setdefault(s, []).append(f)
    while frontier:
        for f in touching.get(frontier.pop(), []):
            for s in f.symbols[1:]:
                if s not in seen:
                    seen.add(s)
                    frontier.append(s)
    return seen


def _best_path(equation: str, shapes: list[tuple[int, ...]]) -> tuple[Any, Any]:
    """opt_einsum's greedy path, or a seeded random-greedy one when the greedy path has
    a large intermediate and the search finds a cheaper order."""
    found: tuple[Any, Any] = oe.contract_path(equation, *shapes, shapes=True, optimize="greedy")
    if found[1].largest_intermediate > LARGE:
        search = oe.RandomGreedy(max_repeats=SEARCHES)
        other = oe.contract_path(equation, *shapes, shapes=True, optimize=search)
        if other[1].opt_cost < found[1].opt_cost:
            found = other
    return found


class CompiledQuery:
    """One query shape, pruned and ordered; call it with the tables and the fixed states."""

    def __init__(self, structure: Structure, shape: Shape) -> None:
        self.structure = structure
        self.shape = shape
        fixed = set(shape.given) | set(shape.do)
        answered = (shape.target, *shape.free)
        nodes = relevant(structure, shape)
        symbol = {n: 1 + i for i, n in enumerate(nodes)}
        factors = []
        for node in nodes:
            if node in shape.do:
                continue
            family = (*structure.parents[node], node)
            index = tuple(n if n in fixed else None for n in family)
            kept = tuple(symbol[n] for n in family if n not in fixed)
            factors.append(_Factor(node, index, (DRAW, *kept)))
        linked = set().union(*(_connected(factors, symbol[n]) for n in answered))
        self.factors = [f for f in factors if len(f.symbols) > 1 and f.symbols[1] in linked]
        self.nodes = [n for n in nodes if symbol[n] in linked]
        self._equation = (
            ",".join(
                "".join(oe.get_symbol(s) for s in (*f.symbols[1:], DRAW)) for f in self.factors
            )
            + "->"
            + "".join(oe.get_symbol(symbol[n]) for n in answered)
            + oe.get_symbol(DRAW)
        )
        tables = [self._table_shape(f, 1) for f in self.factors]
        self.path, self.info = _best_path(self._equation, tables)
        self.largest_table = max((math.prod(t) for t in tables), default=1)  # cells a draw
        self._expressions: dict[int, Any] = {}

    def _table_shape(self, factor: _Factor, draws: int) -> tuple[int, ...]:
        family = (*self.structure.parents[factor.node], factor.node)
        sizes = [
            len(self.structure.states[n])
            for n, fix in zip(family, factor.index, strict=True)
            if fix is None
        ]
        return (*sizes, draws)

    def _expression(self, draws: int) -> Any:
        if draws not in self._expressions:
            shapes = [self._table_shape(f, draws) for f in self.factors]
            self._expressions[draws] = oe.contract_expression(
                self._equation, *shapes, optimize=self.path
            )
        return self._expressions[draws]

    def joint(
        self, cpts: Mapping[str, Array], states: Mapping[str, int], draws_last: bool = False
    ) -> Array:
        """P(target, free..., given | do) up to a constant per draw: shape (draws, target
        states, then the states of each free node).

        The tables are (draws, parents..., states), or (parents..., states, draws) when
        `draws_last`, which spares a copy of every table."""
        arrays = []
        for f in self.factors:
            picks = tuple(slice(None) if n is None else states[n] for n in f.index)
            if draws_last:
                arrays.append(cpts[f.node][picks])
            else:
                table = cpts[f.node][(slice(None), *picks)]
                arrays.append(np.ascontiguousarray(np.moveaxis(table, 0, -1)))
        return self.contract(arrays)

    def fixed_axes(self, states: Mapping[str, int]) -> list[tuple[str, dict[int, int]]]:
        """Each table the query reads, with the axes it slices (axis -> state)."""
        return [
            (f.node, {a: states[n] for a, n in enumerate(f.index) if n is not None})
            for f in self.factors
        ]

    def contract(self, arrays: list[Array]) -> Array:
        """The contraction of the sliced tables, draws last and in the order of
        `fixed_axes`: shape (draws, target states, free...), unnormalised."""
        draws = arrays[0].shape[-1]
        result: Array = np.moveaxis(self._expression(draws)(*arrays), -1, 0)
        return result


class Engine:
    """Compiled queries of one network, kept by shape."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self._compiled: dict[Shape, CompiledQuery] = {}

    def compiled(self, shape: Shape) -> CompiledQuery:
        """The compiled query of a shape, compiled on first use."""
        if shape not in self._compiled:
            self._compiled[shape] = CompiledQuery(self.structure, shape)
        return self._compiled[shape]

    def joint(
        self,
        cpts: Mapping[str, Array],
        target: str,
        given: Mapping[str, str],
        do: Mapping[str, str],
        draws_last: bool = False,
    ) -> Array:
        """P(target, given | do(...)) for every draw, unnormalised (up to a constant per
        draw): shape (draws, states of target); the target itself neither seen nor forced."""
        shape = Shape(target, tuple(sorted(given)), tuple(sorted(do)))
        return self.compiled(shape).joint(cpts, self._index({**given, **do}), draws_last)

    def _index(self, fixed: Mapping[str, str]) -> dict[str, int]:
        """Each fixed node's state by its position."""
        return {n: self.structure.states[n].index(s) for n, s in fixed.items()}

    def posterior(
        self,
        cpts: Mapping[str, Array],
        target: str,
        given: Mapping[str, str] | None = None,
        do: Mapping[str, str] | None = None,
        draws_last: bool = False,
    ) -> Array:
        """P(target | given, do(...)) for every draw: shape (draws, states of target).
        The tables' layout is that of `CompiledQuery.joint`."""
        return self.posteriors(cpts, [(target, given or {}, do or {})], draws_last)[0]

    def posteriors(
        self, cpts: Mapping[str, Array], asked: Sequence[Asked], draws_last: bool = False
    ) -> list[Array]:
        """`posterior` for each (target, given, do) asked, in order. Questions with the
        same target and the same nodes forced to the same states share a contraction
        where that is cheaper than one each (`_shared`): the nodes some of them see (and
        others do not, or in another state) are kept free in it, then each question takes
        its slice and sums out the free nodes it does not see."""
        states = self.structure.states
        draws = next(iter(cpts.values())).shape[-1 if draws_last else 0]
        out: dict[int, Array] = {}
        for target, do, members in _alike(asked):
            alone, shareable = [], {}
            for i in members:
                given = asked[i][1]
                if target in {**given, **do}:  # the answer is the state it is fixed in
                    out[i] = np.zeros((draws, len(states[target])))
                    out[i][:, states[target].index({**given, **do}[target])] = 1.0
                elif set(given) & set(do):  # seen and forced: as asked, alone
                    alone.append(i)
                else:
                    shareable[i] = given
            for group, wide in self._shared(target, do, shareable):
                if wide is None:
                    alone += group
                    continue
                common = {n: s for n, s in asked[group[0]][1].items() if n in wide.shape.given}
                joint = wide.joint(cpts, self._index({**common, **do}), draws_last)
                for i in group:
                    given = asked[i][1]
                    pick = tuple(
                        states[n].index(given[n]) if n in given else slice(None)
                        for n in wide.shape.free
                    )
                    row = joint[(slice(None), slice(None), *pick)]
                    summed = row.sum(axis=tuple(range(2, row.ndim))) if row.ndim > 2 else row
                    out[i] = _normalised(summed, given)
            for i in alone:
                given = asked[i][1]
                out[i] = _normalised(self.joint(cpts, target, given, do, draws_last), given)
        return [out[i] for i in range(len(asked))]

    def _shared(
        self, target: str, do: Mapping[str, str], seen: Mapping[int, Mapping[str, str]]
    ) -> list[tuple[list[int], CompiledQuery | None]]:
        """The questions (position -> what each sees, none of what they force) in groups
        that share one contraction with free nodes, or alone (None). A group is shared when that costs less than its questions apart and nothing in the
        shared contraction holds more cells than the answers it gives or the largest table
        it reads (both held anyway); otherwise it is split by the free node that takes the fewest
        values among them (a state, or unseen), and each part is tried again."""
        members = list(seen)
        if len(members) < 2:
            return [(members, None)] if members else []
        first = seen[members[0]]
        common = {n: s for n, s in first.items() if all(seen[i].get(n) == s for i in members)}
        free = tuple(sorted({n for i in members for n in seen[i]} - set(common)))
        sizes = self.structure.states
        answers = len(members) * len(sizes[target])  # the cells per draw they give back
        if math.prod(len(sizes[n]) for n in (target, *free)) <= LARGE:
            wide = self.compiled(Shape(target, tuple(sorted(common)), tuple(sorted(do)), free))
            # memory: nothing in it larger than the answers or the largest table it reads
            small = wide.info.largest_intermediate <= max(answers, wide.largest_table)
            if small and self._cheaper(wide, target, [seen[i] for i in members], do):
                return [(members, wide)]
        if not free:  # the same question asked again and again: one contraction each
            return [([i], None) for i in members]
        split = min(free, key=lambda n: (len({seen[i].get(n) for i in members}), n))
        parts: dict[str | None, dict[int, Mapping[str, str]]] = {}
        for i in members:
            parts.setdefault(seen[i].get(split), {})[i] = seen[i]
        return [group for part in parts.values() for group in self._shared(target, do, part)]

    def _cheaper(
        self,
        wide: CompiledQuery,
        target: str,
        seen: list[Mapping[str, str]],
        do: Mapping[str, str],
    ) -> bool:
        """Whether one contraction with free nodes, and each question's sum over the free
        nodes it does not see, costs less than a contraction per question (opt_einsum's
        count of operations per draw)."""
        sizes = self.structure.states
        sums = sum(
            math.prod(len(sizes[n]) for n in (target, *wide.shape.free) if n not in g) for g in seen
        )
        alone = sum(
            self.compiled(Shape(target, tuple(sorted(g)), tuple(sorted(do)))).info.opt_cost
            for g in seen
        )
        return bool(wide.info.opt_cost + sums < alone)


Asked = tuple[str, Mapping[str, str], Mapping[str, str]]  # target, given, do


def _alike(asked: Sequence[Asked]) -> list[tuple[str, dict[str, str], list[int]]]:
    """(target, do, positions) for the questions with the same target and the same nodes
    forced to the same states, in the order they are first asked."""
    groups: dict[tuple[object, ...], tuple[str, dict[str, str], list[int]]] = {}
    for i, (target, _, do) in enumerate(asked):
        key = (target, tuple(sorted(do.items())))
        groups.setdefault(key, (target, dict(do), []))[2].append(i)
    return list(groups.values())


def _normalised(joint: Array, given: Mapping[str, str]) -> Array:
    """Each draw's row of an unnormalised (draws, states) joint divided by its sum."""
    total = joint.sum(axis=1, keepdims=True)
    if np.any(total <= 0.0):
        raise ImpossibleEvidenceError(f"the evidence {dict(given)} has probability zero")
    result: Array = joint / total
    return result


def draws_last(cpts: Mapping[str, Array]) -> dict[str, Array]:
    """The tables with the draws moved to the last axis, (parents..., states, draws), the
    layout `CompiledQuery.joint` contracts without copying (`draws_last=True`)."""
    return {node: np.ascontiguousarray(np.moveaxis(t, 0, -1)) for node, t in cpts.items()}


_ENGINES: dict[tuple[object, ...], Engine] = {}


def engine_for(structure: Structure) -> Engine:
    """The engine of a structure, shared by every caller in the process, so that each
    query shape is compiled once."""
    key = structure.key
    if key not in _ENGINES:
        _ENGINES[key] = Engine(structure)
    return _ENGINES[key]


def posterior(
    structure: Structure,
    cpts: Mapping[str, Array],
    target: str,
    given: Mapping[str, str] | None = None,
    do: Mapping[str, str] | None = None,
) -> Array:
    """P(target | given, do(...)) for every draw of the tables (draws, parents..., states):
    shape (draws, states of target)."""
    return engine_for(structure).posterior(cpts, target, given, do)
