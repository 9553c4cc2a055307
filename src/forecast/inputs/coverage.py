"""How well each parameter is supported: claims, distinct sources, or an assumption."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from forecast.inputs.domain import ColumnKey, Network, Statement, Study


@dataclass(frozen=True)
class Coverage:
    column: ColumnKey
    claims: int
    sources: tuple[str, ...]
    assumption: str | None

    @property
    def weak(self) -> str | None:
        """Why --strict refuses this parameter, or None when it is well supported."""
        if self.assumption and not self.sources:
            return f"rests on the analyst assumption '{self.assumption}'"
        if len(self.sources) == 1:
            return f"rests on one source alone ('{self.sources[0]}')"
        return None


def coverage(study: Study) -> list[Coverage]:
    """One row per parameter column (base, single-parent effects, pinned joint columns),
    counting every active statement that speaks to it: column claims on it, and level or
    push claims on its node under its moved parents."""
    keys = list(study.network.parameter_columns())
    keys += sorted({s.key() for s in study.parameters()} - set(keys), key=str)
    rows = []
    for key in keys:
        used = [s for s in study.active() if s.touches(key)]
        cited = [s for s in used if s.cited]
        assumption = next((s.id for s in used if not s.cited), None)
        sources = tuple(sorted({s.source_id for s in cited if s.source_id}))
        rows.append(Coverage(key, len(cited), sources, assumption))
    return rows


def uncovered(network: Network, statements: tuple[Statement, ...]) -> list[ColumnKey]:
    """The parameter columns no active statement speaks to."""
    active = [s for s in statements if not s.retracted]
    return [k for k in network.parameter_columns() if not any(s.touches(k) for s in active)]


@dataclass(frozen=True)
class EdgeSupport:
    """An edge without a quote-backed claim: `assumed` when an analyst assumption holds it."""

    node: str
    parent: str
    index: int  # the parent's place in the node's parents
    assumed: bool


def unbacked_edges(network: Network, statements: tuple[Statement, ...]) -> list[EdgeSupport]:
    """Every edge no active cited claim moves its parent on, and whether an assumption does."""
    justified: dict[str, set[str]] = defaultdict(set)
    assumed: dict[str, set[str]] = defaultdict(set)
    for s in statements:
        if s.retracted:
            continue
        named = {**s.given, **s.do}
        moved = {p for p, state in named.items() if state != network.node(p).baseline}
        (justified if s.cited else assumed)[s.node].update(moved)
    return [
        EdgeSupport(node.id, parent, j, parent in assumed[node.id])
        for node in network.nodes
        for j, parent in enumerate(node.parents)
        if parent not in justified[node.id]
    ]
