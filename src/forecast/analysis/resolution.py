"""How a judge resolves the model's states: each node's precedence among its states, the
defined terms and the worked edge cases, as plain data for the report."""

from __future__ import annotations

from typing import Any

from forecast.inputs.domain import ModelFacts


def resolution(model: ModelFacts) -> dict[str, Any]:
    """Precedence per node (where declared), definitions and edge cases."""
    return {
        "precedence": [{"node": node, "states": list(states)} for node, states in model.precedence],
        "definitions": [
            {"term": term, "meaning": " ".join(meaning.split())}
            for term, meaning in model.definitions
        ],
        "edge_cases": [
            {
                "case": " ".join(c.case.split()),
                "resolves": dict(c.resolves),
                "reason": " ".join(c.reason.split()),
            }
            for c in model.edge_cases
        ],
    }
