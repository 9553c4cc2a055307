"""Random networks and studies built in memory, for the fit's property tests."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from forecast.inputs.domain import ColumnKey, Conditions, Network, Node, Statement, Study
from forecast.inputs.facts import model_facts
from forecast.inputs.filemodels import ModelFile


def random_network(
    rng: np.random.Generator, sizes: Mapping[str, int], parents: Mapping[str, tuple[str, ...]]
) -> Network:
    """Nodes in the given order with `sizes[n]` states s0, s1, ... (baseline s0)."""
    nodes = tuple(
        Node(
            n,
            n.upper(),
            "outcome" if i == len(sizes) - 1 else "driver",
            f"node {n}",
            tuple(f"s{j}" for j in range(k)),
            tuple(f"S{j}" for j in range(k)),
            "s0",
            tuple(parents.get(n, ())),
        )
        for i, (n, k) in enumerate(sizes.items())
    )
    del rng
    return Network(nodes, nodes[-1].id)


def model_file(
    network: Network, assumptions: str = "give_way", pooling: str = "logarithmic"
) -> ModelFile:
    """A model file for `network` with the given settings (the fit reads only those)."""
    doc: dict[str, Any] = {
        "question": "synthetic",
        "as_of": "2024-01-01",
        "horizon": {"date": "2025-01-01", "label": "a year", "reason": "a test"},
        "outcome": network.outcome,
        "settings": {"assumptions": assumptions, "pooling": pooling},
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "kind": n.kind,
                "description": n.description,
                "baseline": n.baseline,
                "parents": list(n.parents),
                "states": [{"id": s, "label": s, "criterion": s} for s in n.states],
            }
            for n in network.nodes
        ],
    }
    return ModelFile.model_validate(doc)


def statement(
    network: Network,
    ident: str,
    node: str,
    state: str,
    low: float,
    high: float | None = None,
    *,
    given: Mapping[str, str] | None = None,
    do: Mapping[str, str] | None = None,
    weight: float = 1.0,
    source: str | None = None,
    kind: str = "claim",
    direction: str | None = None,
    reference: Conditions | None = None,
) -> Statement:
    """A statement as the checks would build it: a column one when its conditions name
    exactly the node's parents and it is not a push."""
    given, do = dict(given or {}), dict(do or {})
    conditions = Conditions(tuple(sorted(given.items())), tuple(sorted(do.items())))
    named = {**given, **do}
    parents = network.node(node).parents
    column = None
    if direction is None and set(named) == set(parents):
        moved = tuple((p, named[p]) for p in parents if named[p] != network.node(p).baseline)
        column = ColumnKey(node, moved)
    if direction is not None and reference is None:
        baseline = {n: network.node(n).baseline for n in named}
        reference = Conditions(
            tuple(sorted((n, baseline[n]) for n in given)),
            tuple(sorted((n, baseline[n]) for n in do)),
        )
    return Statement(
        ident,
        kind,  # type: ignore[arg-type]
        source,
        node,
        state,
        conditions,
        column,
        low,
        low if high is None else high,
        "",
        weight,
        3 if kind != "assumption" else None,
        "quote" if kind != "assumption" else "",
        "note",
        direction=direction,  # type: ignore[arg-type]
        reference=reference,
    )


def study_of(network: Network, statements: list[Statement], assumptions: str = "give_way") -> Study:
    facts = model_facts(model_file(network, assumptions))
    return Study(facts, network, (), tuple(statements), ())


def log_linear_truth(rng: np.random.Generator, network: Network) -> dict[str, np.ndarray]:
    """A random network inside the log-linear family: per node a base column and one
    effect column per moved parent state, combined in the odds (batch axis of one)."""
    tables: dict[str, np.ndarray] = {}
    for node in network.nodes:
        parents = [network.node(p) for p in node.parents]
        k = len(node.states)
        base = rng.normal(0, 1, k)
        effects = {
            (p.id, s): rng.normal(0, 0.8, k) for p in parents for s in p.states if s != p.baseline
        }
        shape = [len(p.states) for p in parents]
        table = np.zeros((*shape, k))
        for combo in itertools.product(*(range(n) for n in shape)):
            logits = base.copy()
            for p, i in zip(parents, combo, strict=True):
                if p.states[i] != p.baseline:
                    logits = logits + effects[(p.id, p.states[i])]
            e = np.exp(logits - logits.max())
            table[combo] = e / e.sum()
        tables[node.id] = table[None]
    return tables
