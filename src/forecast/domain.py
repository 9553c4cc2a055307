"""The checked, immutable picture of a workspace that the engine computes with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from forecast.schema import ModelFile, SourceMeta


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    description: str
    states: tuple[str, ...]
    state_labels: tuple[str, ...]
    baseline: str
    parents: tuple[str, ...]

    def index(self, state: str) -> int:
        return self.states.index(state)


@dataclass(frozen=True)
class ColumnKey:
    """A CPT column by the parent states that differ from baseline (empty: the base column)."""

    node: str
    moved: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        if not self.moved:
            return f"{self.node} | baseline"
        return f"{self.node} | " + ", ".join(f"{p}={s}" for p, s in self.moved)


@dataclass(frozen=True)
class Network:
    """Nodes in topological order (parents before children)."""

    nodes: tuple[Node, ...]
    outcome: str

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    def children(self, node_id: str) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes if node_id in n.parents)

    def parameter_columns(self) -> tuple[ColumnKey, ...]:
        """Columns that claims or assumptions must cover: base plus one per moved parent state."""
        keys: list[ColumnKey] = []
        for node in self.nodes:
            keys.append(ColumnKey(node.id))
            for parent_id in node.parents:
                parent = self.node(parent_id)
                keys.extend(
                    ColumnKey(node.id, ((parent_id, s),))
                    for s in parent.states
                    if s != parent.baseline
                )
        return tuple(keys)


StatementKind = Literal["claim", "assumption", "forecast"]


@dataclass(frozen=True)
class Statement:
    """A claim or an analyst assumption, resolved to a column and a probability range."""

    id: str
    kind: StatementKind
    source_id: str | None
    column: ColumnKey
    state: str
    low: float
    high: float
    stated: str
    weight: float
    credibility: int | None
    quote: str
    note: str
    retraction: str | None = None  # "DATE: reason" when the claim or its source is retracted

    @property
    def retracted(self) -> bool:
        return self.retraction is not None

    @property
    def cited(self) -> bool:
        return self.kind != "assumption"


@dataclass(frozen=True)
class Source:
    id: str
    meta: SourceMeta
    file: str
    weight: float
    published: dt.date


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    narrative: str
    given: Mapping[str, str]
    do: Mapping[str, str]
    file: str


@dataclass(frozen=True)
class Study:
    """Everything needed to compute and explain the forecast."""

    model: ModelFile
    network: Network
    sources: tuple[Source, ...]
    statements: tuple[Statement, ...]
    scenarios: tuple[Scenario, ...]
    warnings: tuple[str, ...] = field(default=())

    def parameters(self) -> tuple[Statement, ...]:
        """Active statements that set parameters (claims and assumptions in use)."""
        return tuple(s for s in self.statements if s.kind != "forecast" and not s.retracted)

    def forecasts(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind == "forecast" and not s.retracted)

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
