"""How well the point network honours each claim: its value under the model beside its range.

A column claim's value is its node's probability of the claimed state with every parent
observed in the column's state (baselines included), so anyone can recompute it from
`model.bif`. A source's forecast is the outcome's unconditional probability. Misses come
first, largest first.
"""

from __future__ import annotations

from typing import Any

from forecast.batched import Structure, posterior
from forecast.cpt import Tables
from forecast.domain import Statement, Study
from forecast.network import structure_of


def conditions(study: Study, statement: Statement) -> dict[str, str]:
    """The full conditions a statement's value is computed under (node to state)."""
    if statement.kind == "forecast":
        return {}
    node = study.network.node(statement.column.node)
    moved = dict(statement.column.moved)
    return {p: moved.get(p, study.network.node(p).baseline) for p in node.parents}


def miss(value: float, low: float, high: float) -> float:
    """How far a value lies outside [low, high]: 0 inside, negative below, positive above."""
    if value < low:
        return value - low
    if value > high:
        return value - high
    return 0.0


def active_claims(study: Study) -> list[Statement]:
    """The cited, unretracted statements: the claims a fit is held against."""
    return [s for s in study.statements if s.cited and not s.retracted]


def claim_row(
    study: Study, structure: Structure, tables: Tables, statement: Statement
) -> dict[str, Any]:
    """A claim, the conditions it is about, and its value under `tables` beside its range."""
    node = statement.column.node
    given = conditions(study, statement)
    distribution = posterior(structure, tables.cpts, node, given)[0]
    fitted = float(distribution[study.network.node(node).index(statement.state)])
    off = miss(fitted, statement.low, statement.high)
    return {
        "id": statement.id,
        "source": statement.source_id,
        "kind": statement.kind,
        "target": {"node": node, "state": statement.state},
        "given": given,
        "do": {},
        "stated": statement.stated,
        "low": statement.low,
        "high": statement.high,
        "fitted": round(fitted, 10),
        "honoured": off == 0.0,
        "miss_points": round(100 * off, 6),
    }


def probability_text(row: dict[str, Any]) -> str:
    """'P(node=state | parent=state, ...)' for a claim row ('P(node=state)' without conditions)."""
    target = f"{row['target']['node']}={row['target']['state']}"
    where = ", ".join(f"{k}={v}" for k, v in row["given"].items())
    return f"P({target} | {where})" if where else f"P({target})"


def misses_first(rows: list[dict[str, Any]], ok: str = "honoured") -> list[dict[str, Any]]:
    """Rows sorted with the misses (`ok` false) first, largest first, then by id."""
    return sorted(rows, key=lambda r: (r[ok], -abs(r["miss_points"]), r["id"]))


def fit_rows(study: Study, tables: Tables) -> list[dict[str, Any]]:
    """One row per active claim (retracted ones and analyst assumptions left out)."""
    structure = structure_of(study.network)
    return misses_first([claim_row(study, structure, tables, s) for s in active_claims(study)])
