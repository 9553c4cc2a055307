"""Conditions (given / do) and what a claim is about, checked against the network."""

from __future__ import annotations

from collections.abc import Mapping

from forecast.base.errors import Problem
from forecast.base.suggest import did_you_mean
from forecast.base.yamlio import Document, Loc
from forecast.inputs.domain import (
    ColumnKey,
    Conditions,
    Network,
)
from forecast.inputs.filemodels import About


def check_conditions(
    network: Network,
    target: str,
    conditions: Mapping[str, Mapping[str, str]],
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> Conditions | None:
    """`given` and `do` checked (known nodes and states, not the target, not both) and
    sorted, or None after recording what is wrong."""
    ok = True
    for part, pairs in conditions.items():
        for node_id, state in pairs.items():
            where = (*loc, part, node_id)
            if node_id not in network.ids:
                problems.append(
                    doc.problem(
                        where,
                        f"unknown node '{node_id}'",
                        did_you_mean(node_id, network.ids, "nodes"),
                    )
                )
                ok = False
            elif state not in network.node(node_id).states:
                problems.append(
                    doc.problem(
                        where,
                        f"'{state}' is not a state of '{node_id}'",
                        did_you_mean(state, network.node(node_id).states, "states"),
                    )
                )
                ok = False
            elif node_id == target:
                problems.append(
                    doc.problem(
                        where,
                        f"a claim about '{target}' cannot condition on '{target}' itself",
                        f"remove '{node_id}' from '{part}'",
                    )
                )
                ok = False
    given, do = conditions.get("given", {}), conditions.get("do", {})
    for node_id in sorted(set(given) & set(do)):
        problems.append(
            doc.problem(
                (*loc, "do", node_id),
                f"'{node_id}' is both observed (given) and forced (do)",
                "keep it in one of the two",
            )
        )
        ok = False
    if not ok:
        return None
    return Conditions(tuple(sorted(given.items())), tuple(sorted(do.items())))


def resolve_about(
    network: Network, about: About, doc: Document, loc: Loc, problems: list[Problem]
) -> tuple[Conditions, ColumnKey | None] | None:
    """The conditions a statement is about and its column when they name exactly the node's
    parents (None for a query statement); None after recording what is wrong."""
    if about.node not in network.ids:
        problems.append(
            doc.problem(
                (*loc, "node"),
                f"unknown node '{about.node}'",
                did_you_mean(about.node, network.ids, "nodes"),
            )
        )
        return None
    node = network.node(about.node)
    ok = True
    if about.state not in node.states:
        problems.append(
            doc.problem(
                (*loc, "state"),
                f"'{about.state}' is not a state of '{node.id}'",
                did_you_mean(about.state, node.states, "states"),
            )
        )
        ok = False
    conditions = check_conditions(
        network, node.id, {"given": about.given, "do": about.do}, doc, loc, problems
    )
    if conditions is None or not ok:
        return None
    named = {**about.given, **about.do}
    if set(named) != set(node.parents):
        return conditions, None
    moved = tuple((p, named[p]) for p in node.parents if named[p] != network.node(p).baseline)
    return conditions, ColumnKey(node.id, moved)
