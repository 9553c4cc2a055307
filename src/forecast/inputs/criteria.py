"""Checks that a judge can apply the criteria: each node's precedence among its states,
the defined terms, and the worked edge cases."""

from __future__ import annotations

from forecast.base.errors import Problem
from forecast.base.suggest import did_you_mean
from forecast.base.yamlio import Document
from forecast.inputs.filemodels import ModelFile


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def criteria_problems(doc: Document, model: ModelFile) -> list[Problem]:
    """Every problem with precedence, definitions and edge cases in the model file."""
    problems: list[Problem] = []
    states = {spec.id: spec.state_ids() for spec in model.nodes}
    for i, spec in enumerate(model.nodes):
        own = states[spec.id]
        if spec.precedence and sorted(spec.precedence) != sorted(own):
            problems.append(
                doc.problem(
                    ("nodes", i, "precedence"),
                    f"the precedence of '{spec.id}' does not list each of its states once",
                    f"list {', '.join(own)} once each, the state a judge tries first in front",
                )
            )
        elif not spec.precedence and spec.id == model.outcome:
            problems.append(
                doc.problem(
                    ("nodes", i, "id"),
                    f"the outcome node '{spec.id}' has no precedence among its states",
                    "add 'precedence: [...]' with every state, the one that wins first",
                )
            )
    criteria = _words(" ".join(s.criterion for spec in model.nodes for s in spec.states))
    seen: set[str] = set()
    for i, definition in enumerate(model.definitions):
        term = _words(definition.term)
        if term in seen:
            problems.append(
                doc.problem(
                    ("definitions", i, "term"),
                    f"the term '{definition.term}' is defined twice",
                    "keep one definition",
                )
            )
        elif term not in criteria:
            problems.append(
                doc.problem(
                    ("definitions", i, "term"),
                    f"the defined term '{definition.term}' is used in no criterion",
                    "use the exact words in a criterion, or remove the definition",
                )
            )
        seen.add(term)
    for i, case in enumerate(model.edge_cases):
        if not case.resolves:
            problems.append(
                doc.problem(
                    ("edge_cases", i, "resolves"),
                    "an edge case resolves no node",
                    "say how it resolves: {node: state}",
                )
            )
        for node, state in case.resolves.items():
            if node not in states:
                problems.append(
                    doc.problem(
                        ("edge_cases", i, "resolves", node),
                        f"unknown node '{node}'",
                        did_you_mean(node, states, "nodes"),
                    )
                )
            elif state not in states[node]:
                problems.append(
                    doc.problem(
                        ("edge_cases", i, "resolves", node),
                        f"'{state}' is not a state of '{node}'",
                        did_you_mean(state, states[node], "states"),
                    )
                )
    return problems
