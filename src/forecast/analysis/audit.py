"""The audit trail: for a node, every parameter column and the statements pooled into it."""

from __future__ import annotations

import itertools
from typing import NotRequired, TypedDict, cast

from forecast.base.arrays import Array
from forecast.fitting.cpt import PooledColumn, Tables
from forecast.inputs import grading
from forecast.inputs.domain import ColumnKey, Node, Statement, StatementKind, Study


class StatementEntry(TypedDict):
    """A statement as the audit shows it; the source fields only for a cited one."""

    id: str
    kind: StatementKind
    cited: bool
    state: str
    stated: str
    low: float
    high: float
    weight: float
    direction: str | None
    reader: str | None
    share: float  # of its column's pool (0 for a query statement)
    note: str
    source: NotRequired[str]
    source_grade: NotRequired[str]
    credibility: NotRequired[int | None]
    quote: NotRequired[str]
    before: NotRequired[str]  # the words of the source just before the quote
    after: NotRequired[str]  # and just after it
    file: NotRequired[str]


class QueryEntry(StatementEntry):
    about: str  # the query it states, as a label


class ClaimEntry(StatementEntry):
    column: str  # the parameter or query it speaks to, as a label
    retraction: str | None


class ClaimAudit(ClaimEntry):
    """One claim as `audit --claim` shows it."""

    without_it: NotRequired[dict[str, float] | None]  # the outcome's move without it
    if_reinstated: NotRequired[dict[str, float] | None]  # a retracted one's, were it back
    pooled_column: NotRequired[dict[str, float]]  # its column's pool


class ColumnEntry(TypedDict):
    column: str
    kind: str  # base, effect or joint
    given: dict[str, str]  # the parents moved from their baselines
    pooled: dict[str, float]  # what its statements say, pooled, on the states they name
    fitted: dict[str, float]  # the column under the point network
    statements: list[StatementEntry]


# A column of the node's table: every parent's state, the values, and (under "from", a
# Python keyword) how the table builder made it.
DerivedRow = TypedDict(
    "DerivedRow", {"given": dict[str, str], "values": dict[str, float], "from": str}
)


class Weighing(TypedDict):
    """How much an assumption weighs beside the claims, at the study's as-of date."""

    as_of: str
    assumption: float  # an analyst assumption's weight
    default: float  # a default assumption's (uniform base column, no effect)
    recency: float  # the mean recency of the live cited claims: the two scale with it
    claims: int  # live cited claims
    half_life_years: float


def weighing(study: Study) -> Weighing:
    """The assumptions' effective weights and what scales them (`asof.weigh_assumptions`)."""
    return Weighing(
        as_of=study.model.as_of.isoformat(),
        assumption=grading.assumption_weight() * study.assumption_scale,
        default=grading.default_assumption_weight() * study.assumption_scale,
        recency=study.assumption_scale,
        claims=sum(1 for s in study.active() if s.cited),
        half_life_years=study.model.settings.half_life_years,
    )


class NodeAudit(TypedDict):
    node: str
    label: str
    description: str
    states: list[str]
    baseline: str
    parents: list[str]
    columns: list[ColumnEntry]
    queries: list[QueryEntry]
    table: list[DerivedRow]
    weighing: Weighing


class SourceAudit(TypedDict):
    source: str
    file: str
    title: str
    author: str
    date: str
    reliability: str
    rationale: str
    retraction: str | None
    parameters: list[str]
    claims: list[ClaimEntry]
    without_it: dict[str, float]


def _statement_entry(study: Study, statement: Statement, share: float) -> StatementEntry:
    entry = StatementEntry(
        id=statement.id,
        kind=statement.kind,
        cited=statement.cited,
        state=statement.state,
        stated=statement.stated,
        low=statement.low,
        high=statement.high,
        weight=round(statement.weight, 6),
        direction=statement.direction,
        reader=statement.reader,
        share=round(share, 6),
        note=statement.note,
    )
    if statement.source_id is not None:
        source = study.source(statement.source_id)
        entry["source"] = source.id
        entry["source_grade"] = source.meta.grade
        entry["credibility"] = statement.credibility
        entry["quote"] = statement.quote
        entry["before"], entry["after"] = statement.context
        entry["file"] = source.file
    return entry


def named_levels(node: Node, pooled: PooledColumn) -> dict[str, float]:
    """The pooled level of each state a column's statements name (the fit's target there);
    the states none names have no claimed value, so none is shown."""
    named = {st.state for st in pooled.statements}
    return {
        s: round(float(pooled.column[0, i]), 6) for i, s in enumerate(node.states) if s in named
    }


def _column_entry(study: Study, node: Node, pooled: PooledColumn, fitted: Array) -> ColumnEntry:
    """A parameter column: what its column statements say pooled, what the fit made of it
    (`fitted`, the column under the point network), and the statements with their shares."""
    moved = dict(pooled.key.moved)
    kind = "base" if not moved else ("effect" if len(moved) == 1 else "joint")
    return ColumnEntry(
        column=pooled.key.label(),
        kind=kind,
        given=moved,
        pooled=named_levels(node, pooled),
        fitted={s: round(float(fitted[0, i]), 6) for i, s in enumerate(node.states)},
        statements=[
            _statement_entry(study, st, float(pooled.shares[0, i]))
            for i, st in enumerate(pooled.statements)
        ],
    )


def _origin_label(start: ColumnKey | None, moved: tuple[tuple[str, str], ...]) -> str:
    """How a column was made: pooled claims, or a start column times the other effects."""
    covered = dict(start.moved) if start is not None else {}
    effects = [f"{p}={s}" for p, s in moved if p not in covered]
    if (start is None and len(effects) <= 1) or (start is not None and not effects):
        return "fitted column"
    begin = (
        "base"
        if start is None
        else "pinned (" + ", ".join(f"{p}={s}" for p, s in start.moved) + ")"
    )
    return f"log-linear: {begin} × " + " × ".join(effects)


def _derived_rows(study: Study, node: Node, tables: Tables) -> list[DerivedRow]:
    """Every column of the node's table, with where the table builder says it came from."""
    parents = [study.network.node(p) for p in node.parents]
    table = tables.cpts[node.id][0]
    origin = tables.origins[node.id]
    rows = []
    for combo in itertools.product(*(range(len(p.states)) for p in parents)):
        given = {p.id: p.states[i] for p, i in zip(parents, combo, strict=True)}
        moved = tuple((p.id, given[p.id]) for p in parents if given[p.id] != p.baseline)
        start_index = int(origin.starts[combo])
        start = origin.pinned[start_index] if start_index >= 0 else None
        values = {s: round(float(table[(*combo, i)]), 6) for i, s in enumerate(node.states)}
        row: DerivedRow = {"given": given, "values": values, "from": _origin_label(start, moved)}
        rows.append(row)
    return rows


def audit_node(study: Study, tables: Tables, node_id: str) -> NodeAudit:
    """The audit document of one node from point tables."""
    node = study.network.node(node_id)
    columns = [c for k, c in tables.columns.items() if k.node == node_id]
    columns.sort(key=lambda c: (len(c.key.moved), c.key.moved))
    return NodeAudit(
        node=node.id,
        label=node.label,
        description=node.description,
        states=list(node.states),
        baseline=node.baseline,
        parents=list(node.parents),
        columns=[_column_entry(study, node, c, tables.fitted_column(c.key)) for c in columns],
        queries=[
            QueryEntry(**_statement_entry(study, s, 0.0), about=s.target_label())
            for s in study.queries()
            if s.node == node_id
        ],
        table=_derived_rows(study, node, tables) if node.parents else [],
        weighing=weighing(study),
    )


def _share_of(tables: Tables, statement: Statement) -> float:
    """A column statement's share of its column's pool (0 for a query statement)."""
    if statement.column is None:
        return 0.0
    pooled = tables.columns[statement.column]
    for i, st in enumerate(pooled.statements):
        if st.id == statement.id:
            return float(pooled.shares[0, i])
    return 0.0


def _claim_entry(study: Study, tables: Tables, statement: Statement) -> ClaimEntry:
    share = 0.0 if statement.retracted else _share_of(tables, statement)
    entry: ClaimEntry = {
        **_statement_entry(study, statement, share),
        "column": statement.target_label(),
        "retraction": statement.retraction,
    }
    return entry


def audit_source(study: Study, tables: Tables, source_id: str) -> SourceAudit:
    """Every parameter a source feeds and what leaving it out would change."""
    from forecast.analysis.influence import source_influence

    source = study.source(source_id)
    meta = source.meta
    mine = [s for s in study.statements if s.source_id == source_id]
    return SourceAudit(
        source=source_id,
        file=source.file,
        title=meta.title,
        author=meta.author,
        date=meta.date.text,
        reliability=meta.grade,
        rationale=meta.rationale,
        retraction=f"{meta.retracted.date}: {meta.retracted.reason}" if meta.retracted else None,
        parameters=sorted({s.target_label() for s in mine if not s.retracted}),
        claims=[_claim_entry(study, tables, s) for s in mine],
        without_it=dict(source_influence(study, source_id, tables).shift),
    )


def audit_claim(study: Study, tables: Tables, claim_id: str) -> ClaimAudit:
    """One claim: its column, its share of the pool, and its leave-one-out influence."""
    from forecast.analysis.influence import claim_influence

    statement = next(s for s in study.statements if s.id == claim_id)
    entry = cast(ClaimAudit, _claim_entry(study, tables, statement))  # the keys added below
    shift = dict(claim_influence(study, statement).shift) if statement.cited else None
    if statement.retracted:
        entry["if_reinstated"] = shift
    else:
        entry["without_it"] = shift
    if statement.column is not None and statement.column in tables.columns:
        node = study.network.node(statement.column.node)
        entry["pooled_column"] = named_levels(node, tables.columns[statement.column])
    return entry
