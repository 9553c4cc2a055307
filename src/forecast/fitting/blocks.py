"""The fit split into blocks of parameters that no term joins, each fitted on its own.

A column statement or a default assumption reads one node's columns; a query, a push or a
framed level reads every table its answer depends on (its nodes and their ancestors, or
one column when it names exactly its target's parents). Nodes that no term reads together
fall into different blocks, and the loss is the sum of the blocks' losses: fitting each
block alone gives the joint fit's minimum, with linear algebra the size of the block (the
signposts' tables, read by their own columns only, are blocks of a node each). The draws
are fitted this way; a point fit is small enough to fit whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forecast.fitting.loglinear import NodeLayout
from forecast.fitting.problem import FitProblem, Terms, term_slots
from forecast.inference.jointqueries import Slot
from forecast.inference.slotgroups import reads_one_column, slot_nodes
from forecast.inference.structure import Structure, ancestral


@dataclass(frozen=True)
class Block:
    """Some nodes' parameters and the terms that read them, as a problem of their own."""

    nodes: tuple[str, ...]  # in the model's order
    problem: FitProblem


def _reads(structure: Structure, slot: Slot) -> set[str]:
    """The nodes whose tables a query's answer depends on."""
    if reads_one_column(structure, slot):
        return {slot[0]}
    forced = [n for n, _ in slot[1].do]
    return ancestral(structure, slot_nodes(slot), cut=forced)


def node_groups(
    structure: Structure, plan: Mapping[str, NodeLayout], terms: Terms
) -> list[list[str]]:
    """The nodes in groups that no term reads across, each in the model's order, the
    groups in the order of their first node."""
    home = {node: node for node in plan}

    def root(node: str) -> str:
        while home[node] != node:
            home[node] = home[home[node]]
            node = home[node]
        return node

    def join(nodes: set[str]) -> None:
        first, *rest = sorted(nodes, key=list(plan).index)
        for other in rest:
            home[root(other)] = root(first)

    for slot in dict.fromkeys(term_slots(terms)):
        join(_reads(structure, slot) & set(plan))
    groups: dict[str, list[str]] = {}
    for node in plan:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def terms_on(terms: Terms, nodes: set[str]) -> Terms:
    """The terms whose node is one of `nodes` (a query's reads lie in the same group)."""
    return Terms(
        columns=[t for t in terms.columns if t.node in nodes],
        no_effects=[t for t in terms.no_effects if t.node in nodes],
        levels=[t for t in terms.levels if t.node in nodes],
        queries=[t for t in terms.queries if t.node in nodes],
        pushes=[t for t in terms.pushes if t.node in nodes],
        framed=[t for t in terms.framed if t.node in nodes],
    )


def split(
    structure: Structure, plan: Mapping[str, NodeLayout], terms: Terms, draws: int
) -> list[Block]:
    """The fit's blocks, each with its own problem."""
    out = []
    for nodes in node_groups(structure, plan, terms):
        own = {n: plan[n] for n in nodes}
        problem = FitProblem(structure, own, terms_on(terms, set(nodes)), draws)
        out.append(Block(tuple(nodes), problem))
    return out
