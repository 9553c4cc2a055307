"""How a judge resolves the model's states: each node's precedence among its states, the
defined terms and the worked edge cases, as plain data for the report."""

from __future__ import annotations

from typing import TypedDict

from forecast.inputs.domain import ModelFacts


class Precedence(TypedDict):
    node: str
    states: list[str]  # the state that wins first, when more than one holds


class Definition(TypedDict):
    term: str
    meaning: str


class EdgeCase(TypedDict):
    case: str
    resolves: dict[str, str]  # node -> the state it resolves to
    reason: str


class Resolution(TypedDict):
    precedence: list[Precedence]
    definitions: list[Definition]
    edge_cases: list[EdgeCase]


def _flat(text: str) -> str:
    return " ".join(text.split())


def resolution(model: ModelFacts) -> Resolution:
    """Precedence per node (where declared), definitions and edge cases."""
    return Resolution(
        precedence=[
            Precedence(node=node, states=list(states)) for node, states in model.precedence
        ],
        definitions=[Definition(term=t, meaning=_flat(m)) for t, m in model.definitions],
        edge_cases=[
            EdgeCase(case=_flat(c.case), resolves=dict(c.resolves), reason=_flat(c.reason))
            for c in model.edge_cases
        ],
    )
