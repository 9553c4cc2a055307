"""`forecast nodes`: every node with its states, baseline and parents, and an `about:` line
ready to paste into a claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forecast.inputs.domain import Network, Node

# words YAML 1.1 reads as true, false or null unless they are quoted
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n", "null", "~"}


def _yaml(word: str) -> str:
    return f'"{word}"' if word.lower() in _YAML_WORDS else word


def about_line(network: Network, node: Node) -> str:
    """`about:` for a claim on the node's first non-baseline state, its parents (if any) at
    their baselines: the base column of its table."""
    state = next(s for s in node.states if s != node.baseline)
    parts = [f"node: {node.id}", f"state: {_yaml(state)}"]
    if node.parents:
        given = ", ".join(f"{p}: {_yaml(network.node(p).baseline)}" for p in node.parents)
        parts.append(f"given: {{{given}}}")
    return "about: {" + ", ".join(parts) + "}"


def nodes_document(network: Network) -> dict[str, Any]:
    """The nodes as JSON, in the model's order of computation (parents first)."""
    return {
        "outcome": network.outcome,
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "kind": n.kind,
                "states": list(n.states),
                "baseline": n.baseline,
                "parents": list(n.parents),
                "about": about_line(network, n),
            }
            for n in network.nodes
        ],
    }


def node_lines(network: Network) -> Iterator[str]:
    """Each node in a few lines, then how to claim on it."""
    yield "Nodes (parents first). A claim's about: names the node, a state and, for a"
    yield "column of its table, every parent's state; change the states as the quote says."
    for n in network.nodes:
        yield ""
        yield f"{n.id} ({n.kind}): {n.label}"
        states = ", ".join(_yaml(s) + (" (baseline)" if s == n.baseline else "") for s in n.states)
        yield f"  states:  {states}"
        yield f"  parents: {', '.join(n.parents) if n.parents else 'none'}"
        yield f"  {about_line(network, n)}"
