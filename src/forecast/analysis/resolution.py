"""How a judge resolves the model's states: each node's precedence among its states, the
defined terms and the worked edge cases, as plain data for the report."""

from __future__ import annotations

from typing import Any

from forecast.inputs.filemodels import ModelFile


def resolution(model: ModelFile) -> dict[str, Any]:
    """Precedence per node (where declared), definitions and edge cases."""
    return {
        "precedence": [
            {"node": n.id, "states": list(n.precedence)} for n in model.nodes if n.precedence
        ],
        "definitions": [
            {"term": d.term, "meaning": " ".join(d.meaning.split())} for d in model.definitions
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
