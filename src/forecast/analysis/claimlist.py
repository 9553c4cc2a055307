"""Every claim as the page lists it: its words and where they sit in the source, who read
it and how it was graded, what it states beside its value under the model, and what it
moves. Grouped by node and source; retracted claims carry their reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from forecast.analysis.influence import Influence
from forecast.inputs.domain import Statement, Study


@dataclass(frozen=True)
class ClaimEntry:
    id: str
    node: str
    node_label: str
    state: str
    form: str  # column, marginal, scenario, push or forecast
    about: str  # the probability it is about, as 'node | conditions'
    source: str
    source_title: str
    grade: str  # the source's reliability and the claim's credibility, e.g. 'B3'
    reader: str | None
    weight: float
    stated: str
    low: float
    high: float
    relative: bool  # a push: low and high are odds ratios
    fitted: float | None  # its value under the point network (None when retracted)
    honoured: bool | None
    moves: Mapping[str, float]  # outcome state -> baseline without it minus with it
    quote: str
    before: str  # the source's words just before and after the quote
    after: str
    note: str
    retraction: str | None


def form_of(statement: Statement) -> str:
    """Which of the five shapes a claim has."""
    if statement.kind == "forecast":
        return "forecast"
    if statement.relative:
        return "push"
    if statement.column is not None:
        return "column"
    return "scenario" if statement.conditions.given or statement.conditions.do else "marginal"


@dataclass(frozen=True)
class ClaimGroup:
    node: str
    node_label: str
    entries: tuple[ClaimEntry, ...]


@dataclass(frozen=True)
class ClaimList:
    """Every claim, grouped by node in the network's order, and the values to filter by."""

    groups: tuple[ClaimGroup, ...]
    count: int
    nodes: tuple[str, ...]
    sources: tuple[str, ...]
    readers: tuple[str, ...]


def claim_list(
    study: Study, fit: Sequence[Mapping[str, object]], influence: Sequence[Influence]
) -> ClaimList:
    """Every cited claim, live or retracted, grouped by node (`claim_entries`)."""
    entries = claim_entries(study, fit, influence)
    groups = []
    for node in study.network.nodes:
        mine = tuple(e for e in entries if e.node == node.id)
        if mine:
            groups.append(ClaimGroup(node.id, node.label, mine))
    return ClaimList(
        tuple(groups),
        len(entries),
        tuple(g.node for g in groups),
        tuple(sorted({e.source for e in entries})),
        tuple(sorted({e.reader for e in entries if e.reader})),
    )


def claim_entries(
    study: Study, fit: Sequence[Mapping[str, object]], influence: Sequence[Influence]
) -> list[ClaimEntry]:
    """Every cited claim, live or retracted, in the order of its node, source and id."""
    fitted = {str(row["id"]): row for row in fit}
    moved = {inf.what: inf.shift for inf in influence}
    order = {node: i for i, node in enumerate(study.network.ids)}
    entries = []
    for s in study.statements:
        if not s.cited or s.source_id is None:
            continue
        source = study.source(s.source_id)
        row = fitted.get(s.id)
        value = row.get("fitted") if row is not None else None
        entries.append(
            ClaimEntry(
                id=s.id,
                node=s.node,
                node_label=study.network.node(s.node).label,
                state=s.state,
                form=form_of(s),
                about=s.target_label(),
                source=s.source_id,
                source_title=source.meta.title,
                grade=f"{source.meta.grade}{s.credibility or ''}",
                reader=s.reader,
                weight=s.weight,
                stated=s.stated,
                low=s.low,
                high=s.high,
                relative=s.relative,
                fitted=float(value) if isinstance(value, int | float) else None,
                honoured=bool(row["honoured"]) if row is not None else None,
                moves=dict(moved.get(s.id, {})),
                quote=" ".join(s.quote.split()),
                before=s.context[0],
                after=s.context[1],
                note=" ".join(s.note.split()),
                retraction=s.retraction,
            )
        )
    entries.sort(key=lambda e: (order[e.node], e.source, e.id))
    return entries
