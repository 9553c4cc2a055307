"""How far the point forecast moves when claims are left out, or reinstated.

Leave-one-out influence shows which few quotes carry the forecast. A claim that is alone on
its column leaves that column at its reference when removed (uniform for a base column, no
effect for an effect column). Retracted claims are shown with what they would move if they
were reinstated, so a reviewer sees what a retraction changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from forecast.base.arrays import Array
from forecast.base.forked import forked_map
from forecast.fitting.cpt import Tables, build_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Statement, Study


@dataclass(frozen=True)
class Influence:
    what: str  # a claim id, or "source ID"
    source: str | None
    column: str
    shift: dict[str, float]  # outcome state -> probability without it minus with it

    @classmethod
    def of_source(cls, source_id: str, shift: dict[str, float]) -> Influence:
        """The effect of leaving out every claim of one source."""
        return cls(f"source {source_id}", source_id, "all its columns", shift)

    @property
    def size(self) -> float:
        """Largest absolute change over the outcome states."""
        return max(abs(v) for v in self.shift.values())


def outcome_point(
    study: Study,
    given: Mapping[str, str] | None = None,
    do: Mapping[str, str] | None = None,
    warm: Tables | None = None,
) -> Array:
    """The point forecast of the outcome (numpy engine on the point tables); `warm` is a
    fit of a similar study to start from."""
    tables = build_tables(study, point=warm)
    result: Array = posterior(
        structure_of(study.network), tables.cpts, study.network.outcome, given, do
    )[0]
    return result


def _shift(
    study: Study, changed: Study, base: Array | None = None, warm: Tables | None = None
) -> dict[str, float]:
    """Outcome change from `study` to `changed`; pass `base` to reuse study's point forecast
    and `warm`, its point tables, to start the refit from."""
    states = study.network.node(study.network.outcome).states
    reference = outcome_point(study) if base is None else base
    delta = outcome_point(changed, warm=warm) - reference
    return {s: round(float(delta[i]), 10) for i, s in enumerate(states)}


def _without(study: Study, drop: Callable[[Statement], bool]) -> Study:
    kept = tuple(s for s in study.statements if not (drop(s) and not s.retracted))
    return dataclasses.replace(study, statements=kept)


def _reinstated(study: Study, statement: Statement) -> Study:
    statements = tuple(
        dataclasses.replace(x, retraction=None) if x is statement else x for x in study.statements
    )
    return dataclasses.replace(study, statements=statements)


def claim_influence(
    study: Study, statement: Statement, base: Array | None = None, warm: Tables | None = None
) -> Influence:
    """One claim's effect on the baseline: left out if active, reinstated if retracted."""
    changed = (
        _reinstated(study, statement) if statement.retracted else _without(study, statement.__eq__)
    )
    return Influence(
        statement.id,
        statement.source_id,
        statement.target_label(),
        _shift(study, changed, base, warm),
    )


@dataclass(frozen=True)
class LeftOut:
    """The study with one claim left out, and its point tables refitted."""

    study: Study
    tables: Tables


def leave_one_out(study: Study, warm: Tables) -> dict[str, LeftOut]:
    """Every active cited claim left out in turn, each refit started from `warm` (the
    refits shared out over the cores)."""
    cited = [s for s in study.active() if s.cited]

    def refit(statement: Statement) -> LeftOut:
        changed = without_claim(study, statement)
        return LeftOut(changed, build_tables(changed, point=warm))

    return {s.id: left for s, left in zip(cited, forked_map(refit, cited), strict=True)}


def claim_influences(study: Study, refits: dict[str, LeftOut] | None = None) -> list[Influence]:
    """Every cited claim's leave-one-out effect on the baseline, largest first; `refits`
    (from `leave_one_out`) saves fitting them again."""
    warm = build_tables(study)
    refits = leave_one_out(study, warm) if refits is None else refits
    structure = structure_of(study.network)
    outcome = study.network.node(study.network.outcome)
    base = point_forecast(study, warm)
    out = []
    for statement in study.active():
        if statement.id not in refits:
            continue
        delta = posterior(structure, refits[statement.id].tables.cpts, outcome.id)[0] - base
        shift = {s: round(float(delta[i]), 10) for i, s in enumerate(outcome.states)}
        out.append(Influence(statement.id, statement.source_id, statement.target_label(), shift))
    out.sort(key=lambda inf: (-inf.size, inf.what))
    return out


def without_claim(study: Study, statement: Statement) -> Study:
    """The study with one active claim left out."""
    return _without(study, statement.__eq__)


def without_source(study: Study, source_id: str) -> Study:
    """The study with every claim of one source left out."""
    return _without(study, lambda s: s.source_id == source_id)


def source_influence(study: Study, source_id: str, warm: Tables | None = None) -> Influence:
    """The effect of leaving out every active claim of one source at once; pass `warm`,
    the study's point tables, to reuse its forecast and start the refit from it."""
    changed = without_source(study, source_id)
    base = None if warm is None else point_forecast(study, warm)
    return Influence.of_source(source_id, _shift(study, changed, base, warm))


def retraction_effects(study: Study, warm: Tables | None = None) -> list[Influence]:
    """For each retracted parameter claim: how the baseline would move if it were
    reinstated; each refit starts from `warm`, the study's point tables (fitted when None)."""
    warm = build_tables(study) if warm is None else warm
    base = point_forecast(study, warm)
    retracted = [s for s in study.statements if s.retracted and s.kind == "claim"]
    return forked_map(lambda s: claim_influence(study, s, base, warm), retracted)


def point_forecast(study: Study, tables: Tables) -> Array:
    """The outcome's point forecast under `tables`, no observation (`outcome_point` fits
    the tables first)."""
    out: Array = posterior(structure_of(study.network), tables.cpts, study.network.outcome)[0]
    return out
