"""The network in the model file: nodes, states, parents and an order without cycles."""

from __future__ import annotations

from collections.abc import Mapping

from forecast.base.errors import Problem
from forecast.base.suggest import did_you_mean
from forecast.inputs.domain import (
    Network,
    Node,
)
from forecast.inputs.filemodels import ModelFile
from forecast.inputs.loading import Loaded


def topological_order(nodes: Mapping[str, Node]) -> tuple[list[str], list[str] | None]:
    """Node ids with parents first, and a cycle (as a path) when there is one."""
    order: list[str] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node_id: str) -> list[str] | None:
        state[node_id] = 1
        stack.append(node_id)
        for parent in nodes[node_id].parents:
            if parent not in nodes:
                continue
            if state.get(parent) == 1:
                return [*stack[stack.index(parent) :], parent]
            if parent not in state and (cycle := visit(parent)):
                return cycle
        stack.pop()
        state[node_id] = 2
        order.append(node_id)
        return None

    for node_id in nodes:
        if node_id not in state and (cycle := visit(node_id)):
            return order, cycle
    return order, None


def check_network(loaded: Loaded[ModelFile], problems: list[Problem]) -> Network | None:
    doc, model = loaded.doc, loaded.value
    nodes: dict[str, Node] = {}
    for i, spec in enumerate(model.nodes):
        if spec.id in nodes:
            problems.append(
                doc.problem(
                    ("nodes", i, "id"),
                    f"duplicate node id '{spec.id}'",
                    "give every node its own id",
                )
            )
            continue
        states = spec.state_ids()
        seen: set[str] = set()
        for j, s in enumerate(states):
            if s in seen:
                problems.append(
                    doc.problem(
                        ("nodes", i, "states", j, "id"),
                        f"duplicate state '{s}' in node '{spec.id}'",
                        "give every state its own id",
                    )
                )
            seen.add(s)
        if spec.baseline not in states:
            problems.append(
                doc.problem(
                    ("nodes", i, "baseline"),
                    f"baseline '{spec.baseline}' is not a state of '{spec.id}'",
                    did_you_mean(spec.baseline, states, "states"),
                )
            )
        nodes[spec.id] = Node(
            spec.id,
            spec.label,
            spec.kind,
            spec.description,
            states,
            tuple(s.label for s in spec.states),
            spec.baseline,
            spec.parents,
        )
    for i, spec in enumerate(model.nodes):
        for j, parent in enumerate(spec.parents):
            if parent not in nodes:
                problems.append(
                    doc.problem(
                        ("nodes", i, "parents", j),
                        f"unknown parent node '{parent}'",
                        did_you_mean(parent, nodes, "nodes"),
                    )
                )
            elif parent == spec.id:
                problems.append(
                    doc.problem(
                        ("nodes", i, "parents", j),
                        f"node '{parent}' lists itself as a parent",
                        "remove it from its own parents",
                    )
                )
        if spec.kind == "indicator" and not spec.parents:
            problems.append(
                doc.problem(
                    ("nodes", i, "parents"),
                    f"indicator '{spec.id}' has no parent",
                    "name the node it signals as its parent (parents: [node])",
                )
            )
        signposts = [p for p in spec.parents if p in nodes and nodes[p].kind == "indicator"]
        for parent in signposts:
            problems.append(
                doc.problem(
                    ("nodes", i, "parents", spec.parents.index(parent)),
                    f"'{spec.id}' depends on indicator '{parent}'",
                    "an indicator only signals its parents: make it a driver or intermediate "
                    "node, or drop it from these parents",
                )
            )
        if len(set(spec.parents)) != len(spec.parents):
            problems.append(
                doc.problem(
                    ("nodes", i, "parents"), "a parent is listed twice", "list each parent once"
                )
            )
    if model.outcome not in nodes:
        problems.append(
            doc.problem(
                ("outcome",),
                f"outcome '{model.outcome}' is not a node",
                did_you_mean(model.outcome, nodes, "nodes"),
            )
        )
    elif nodes[model.outcome].kind != "outcome":
        problems.append(
            doc.problem(
                ("outcome",),
                f"node '{model.outcome}' is not of kind outcome",
                "set its kind to outcome or name the outcome node",
            )
        )
    if model.horizon.date <= model.as_of:
        problems.append(
            doc.problem(
                ("horizon", "date"),
                f"horizon {model.horizon.date} is not after as_of {model.as_of}",
                "set a horizon date in the future of the as-of date",
            )
        )
    order, cycle = topological_order(nodes)
    if cycle:
        index = next(i for i, n in enumerate(model.nodes) if n.id == cycle[0])
        problems.append(
            doc.problem(
                ("nodes", index, "parents"),
                "the network has a cycle: " + " <- ".join(cycle),
                "remove one of these parent links",
            )
        )
        return None
    if problems:
        return None
    return Network(tuple(nodes[n] for n in order), model.outcome)
