"""How well the point network honours each claim: its value under the model beside its range.

A claim's value is computed under its full conditions: a column claim names every parent
(baselines included), a query claim its own `given` and `do`; so anyone can recompute it
from `model.bif` (a whole-question forecast held against its source's date, `frames`, with
the drivers' priors of that date in place of the file's). A push (relative claim) is an odds ratio: the odds of its state under its
conditions over the odds under its reference. Misses come first, largest first; a miss is
counted in probability points (for a push, against the probability the reference's odds
times the nearest end of the claimed range would give).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NotRequired, TypedDict, TypeVar

import numpy as np

from forecast.base.arrays import Array, expit, logit
from forecast.base.errors import Problem
from forecast.fitting.cpt import Tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import ImpossibleEvidenceError, Structure, structure_of
from forecast.inputs.domain import Conditions, Statement, StatementKind, Study

WRONG_WAY = 2e-2  # a push is the wrong way round when its odds move by more than 2 %


class Target(TypedDict):
    node: str
    state: str


class Where(TypedDict):
    given: dict[str, str]
    do: dict[str, str]


class ClaimFields(TypedDict):
    """A claim and what it is about: the fields every row valuing a claim shares."""

    id: str
    source: str | None
    reader: str | None
    kind: StatementKind
    target: Target
    given: dict[str, str]
    do: dict[str, str]
    stated: str
    low: float  # the claimed range: a probability, or for a push an odds ratio
    high: float
    miss_points: float  # signed, in probability points; 0 inside the range
    direction: NotRequired[str]  # a push's: raises or lowers
    reference: NotRequired[Where]  # a push's: the conditions its odds are held against
    wrong_way: NotRequired[bool]  # a push's: its odds move against its direction
    # a push's: its odds sit on the wrong side of even, however slightly, so the wrong-way
    # penalty is active and is what holds it there against the claims pulling further
    penalty_binds: NotRequired[bool]
    # a whole-question forecast's: the date whose driver priors it is held against (`frames`)
    held_against: NotRequired[str]


class ClaimRow(ClaimFields):
    """A claim valued under the point network: `fitted` beside its range."""

    fitted: float  # a probability, or for a push an odds ratio
    honoured: bool


R = TypeVar("R", bound=ClaimFields)


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


def _probability(
    study: Study, structure: Structure, tables: Tables, statement: Statement, where: Conditions
) -> float:
    node = study.network.node(statement.node)
    frame = tables.frames.get(statement.id)  # a whole-question claim: its source's priors
    cpts = tables.cpts if frame is None else frame.applied(tables.cpts)
    answer = posterior(structure, cpts, node.id, dict(where.given), dict(where.do))[0]
    return float(answer[node.index(statement.state)])


def _conditions(where: Conditions) -> Where:
    return Where(given=dict(where.given), do=dict(where.do))


def _fields(statement: Statement, miss_points: float) -> ClaimFields:
    """The claim's own fields, with its miss (in points) under some network."""
    fields = ClaimFields(
        id=statement.id,
        source=statement.source_id,
        reader=statement.reader,
        kind=statement.kind,
        target=Target(node=statement.node, state=statement.state),
        given=dict(statement.conditions.given),
        do=dict(statement.conditions.do),
        stated=statement.stated,
        low=statement.low,
        high=statement.high,
        miss_points=miss_points,
    )
    if statement.reference is not None and statement.direction is not None:
        fields["direction"] = statement.direction
        fields["reference"] = _conditions(statement.reference)
    return fields


def claim_value(
    study: Study, structure: Structure, tables: Tables, statement: Statement
) -> tuple[ClaimFields, float, bool]:
    """A claim's fields (its miss under `tables` included), its value there (a probability,
    or for a push an odds ratio) and whether that value lies inside its range."""
    p = _probability(study, structure, tables, statement, statement.conditions)
    if statement.reference is None:
        off = miss(p, statement.low, statement.high)
        fields = _fields(statement, round(100 * off, 6))
        if statement.id in tables.frames:
            fields["held_against"] = tables.frames[statement.id].date.isoformat()
        return fields, round(p, 10), off == 0.0
    r = _probability(study, structure, tables, statement, statement.reference)
    ratio = float(np.exp(logit(p) - logit(r)))
    off_ratio = miss(ratio, statement.low, statement.high)
    end = statement.low if off_ratio < 0 else statement.high
    off = 0.0 if off_ratio == 0.0 else p - float(expit(logit(r) + np.log(end)))
    fields = _fields(statement, round(100 * off, 6))
    fields["wrong_way"] = (statement.direction == "raises" and ratio < 1.0 - WRONG_WAY) or (
        statement.direction == "lowers" and ratio > 1.0 + WRONG_WAY
    )
    fields["penalty_binds"] = (statement.direction == "raises" and ratio < 1.0) or (
        statement.direction == "lowers" and ratio > 1.0
    )
    return fields, round(ratio, 10), off_ratio == 0.0


def claim_row(study: Study, structure: Structure, tables: Tables, statement: Statement) -> ClaimRow:
    """A claim, the conditions it is about, and its value under `tables` beside its range."""
    fields, value, inside = claim_value(study, structure, tables, statement)
    return ClaimRow(**fields, fitted=value, honoured=inside)


def probability_text(row: ClaimFields) -> str:
    """'P(node=state | a=x, do(b=y))', or for a push 'odds ratio of P(...) against P(...)';
    a whole-question forecast held against its source's date says so."""
    target = f"{row['target']['node']}={row['target']['state']}"

    def text(given: Mapping[str, str], do: Mapping[str, str]) -> str:
        parts = [f"{k}={v}" for k, v in given.items()]
        parts += [f"do({k}={v})" for k, v in do.items()]
        return f"P({target} | {', '.join(parts)})" if parts else f"P({target})"

    own = text(row["given"], row["do"])
    if "held_against" in row:
        return f"{own} with the driver priors of {row['held_against']}"
    if "reference" not in row:
        return own
    return f"odds ratio of {own} to {text(row['reference']['given'], row['reference']['do'])}"


def misses_first(rows: list[R], ok: Callable[[R], bool]) -> list[R]:
    """Rows sorted with the misses (`ok` false) first, largest first, then by id."""
    return sorted(rows, key=lambda r: (ok(r), -abs(r["miss_points"]), r["id"]))


def fit_rows(study: Study, tables: Tables) -> list[ClaimRow]:
    """One row per active claim (retracted ones and analyst assumptions left out)."""
    structure = structure_of(study.network)
    rows = [claim_row(study, structure, tables, s) for s in active_claims(study)]
    return misses_first(rows, lambda r: r["honoured"])


def _problem_at(statement: Statement, message: str, fix: str) -> Problem:
    path, line, column = statement.location.rsplit(":", 2)
    return Problem(path, int(line), int(column), message, fix)


def impossible_conditions(
    study: Study, cpts: Mapping[str, Array], floor: float = 1e-12
) -> list[Problem]:
    """A problem for every claim whose conditions (or reference) have probability zero
    under the tables: nothing can be said about P(. | something that cannot happen)."""
    structure = structure_of(study.network)
    problems = []
    for statement in study.active():
        for where in (statement.conditions, statement.reference):
            if where is None or not where.given:
                continue
            observed = next(iter(dict(where.given)))
            rest = dict(where.given)
            state = rest.pop(observed)
            try:
                p = posterior(structure, cpts, observed, rest, dict(where.do))[0]
                chance = float(p[study.network.node(observed).index(state)])
            except ImpossibleEvidenceError:
                chance = 0.0
            if not chance > floor:  # a zero (or a nan from an impossible rest) alike
                problems.append(
                    _problem_at(
                        statement,
                        f"'{statement.id}' conditions on {where.label()}, which has "
                        "probability zero under the model",
                        "condition on states that can happen together",
                    )
                )
    return problems
