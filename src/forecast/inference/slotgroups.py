"""The fit's queries split by the part of the network each one reads.

A query that names exactly its target's parents (a signpost's likelihood given its
parent's state, say) is a column of the target's table: it is read from the table
directly. Any other query reads only its nodes and their ancestors. Queries on the core of a network share
one joint table; a query on a signpost (a leaf hanging off the core) needs the core and
that one leaf, not every other signpost as well: a joint over all of them would double
with each leaf. So the queries are grouped by their ancestral sets (a set inside another
group's joins that group), and each group gets its own engine: the joint table where it is
small enough, compiled contractions otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.contraction import ContractedQueries
from forecast.inference.jointqueries import JointQueries, Slot, joint_cells
from forecast.inference.structure import Structure, ancestral, restricted

JOINT_LIMIT = 1 << 16  # joint cells per draw up to which a group uses the joint table


def slot_nodes(slot: Slot) -> list[str]:
    """The nodes a query names: its target, what it observes and what it forces."""
    node, conditions = slot
    return [node, *(n for n, _ in conditions.given), *(n for n, _ in conditions.do)]


def slot_groups(structure: Structure, slots: Sequence[Slot]) -> list[tuple[set[str], list[int]]]:
    """Groups of slot indices with the ancestral set each group reads, largest sets first;
    a slot joins the first group whose set holds its own."""
    needs = [ancestral(structure, slot_nodes(slot)) for slot in slots]
    order = sorted(range(len(slots)), key=lambda i: (-len(needs[i]), i))
    groups: list[tuple[set[str], list[int]]] = []
    for i in order:
        home = next((g for g in groups if needs[i] <= g[0]), None)
        if home is None:
            groups.append((needs[i], [i]))
        else:
            home[1].append(i)
    for _, members in groups:
        members.sort()
    return groups


def reads_one_column(structure: Structure, slot: Slot) -> bool:
    """Whether a query names exactly its target's parents, each once: then its answer is
    one column of the target's table, whatever the rest of the network."""
    node, conditions = slot
    named = [n for n, _ in (*conditions.given, *conditions.do)]
    return len(named) == len(set(named)) and set(named) == set(structure.parents[node])


class ColumnQueries:
    """Queries that are columns of a table: answered and differentiated by indexing."""

    def __init__(self, structure: Structure, slots: Sequence[Slot]) -> None:
        self.structure = structure
        self.at: list[tuple[str, tuple[slice | int, ...]]] = []
        for node, conditions in slots:
            named = dict((*conditions.given, *conditions.do))
            states = structure.states
            index = [states[p].index(named[p]) for p in structure.parents[node]]
            self.at.append((node, (slice(None), *index)))

    def answers(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Each slot's column (draws, target states); a column sums to one already."""
        return [cpts[node][index] for node, index in self.at]

    def backward(self, cpts: Mapping[str, Array], upstream: Sequence[Array]) -> dict[str, Array]:
        """The upstream weights, placed on the entries of the columns they weigh."""
        out: dict[str, Array] = {}
        for (node, index), weights in zip(self.at, upstream, strict=True):
            grad = out.setdefault(node, np.zeros_like(cpts[node]))
            grad[index] += weights
        return out


class GroupedQueries:
    """Every slot's unnormalised answer and the gradient of any linear function of them, each
    group of slots answered by its own engine over its own part of the network."""

    def __init__(self, structure: Structure, slots: Sequence[Slot], draws: int) -> None:
        self.slots = list(slots)
        self.engines: list[tuple[JointQueries | ContractedQueries | ColumnQueries, list[int]]] = []
        direct = [i for i, slot in enumerate(self.slots) if reads_one_column(structure, slot)]
        if direct:
            columns = ColumnQueries(structure, [self.slots[i] for i in direct])
            self.engines.append((columns, direct))
        rest = [i for i in range(len(self.slots)) if i not in set(direct)]
        for nodes, members in slot_groups(structure, [self.slots[i] for i in rest]):
            members = [rest[i] for i in members]
            part = restricted(structure, nodes)
            engine = JointQueries if joint_cells(part) <= JOINT_LIMIT else ContractedQueries
            self.engines.append((engine(part, [self.slots[i] for i in members], draws), members))

    def answers(self, cpts: Mapping[str, Array]) -> list[Array]:
        """Unnormalised answers, one (draws, target states) array per slot, in slot order."""
        out: list[Array] = [np.empty(0)] * len(self.slots)
        for engine, members in self.engines:
            for i, answer in zip(members, engine.answers(cpts), strict=True):
                out[i] = answer
        return out

    def backward(self, cpts: Mapping[str, Array], upstream: Sequence[Array]) -> dict[str, Array]:
        """d/d(table) of sum over slots of sum(upstream[slot] * answers[slot])."""
        total: dict[str, Array] = {}
        for engine, members in self.engines:
            part = engine.backward(cpts, [upstream[i] for i in members])
            for node, grad in part.items():
                total[node] = total[node] + grad if node in total else grad
        return total
