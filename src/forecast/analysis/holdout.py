"""Leave one source out: what the other sources imply for each of its claims.

For each source, the tables are rebuilt without any of its claims, and each of its claims
is valued under the network the others make. A claim is coherent only when that point
value lies inside its range; in-sample agreement proves nothing.
"""

from __future__ import annotations

from typing import TypedDict

from forecast.analysis.influence import (
    Influence,
    outcome_point,
    point_forecast,
    without_source,
)
from forecast.base.forked import forked_map
from forecast.fitting.claimfit import (
    ClaimFields,
    active_claims,
    claim_value,
    misses_first,
)
from forecast.fitting.cpt import Tables, build_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Study


class HoldoutRow(ClaimFields):
    """A claim valued under the network the other sources make."""

    others: float  # a probability, or for a push an odds ratio
    coherent: bool  # `others` lies inside the claim's range


class HoldoutSummary(TypedDict):
    disagree: list[str]  # the sources the others contradict
    leans_on: str | None  # the source whose removal moves the baseline most
    leans_on_shift: dict[str, float] | None  # that move, per state


def source_fits(study: Study, warm: Tables | None = None) -> dict[str, Tables]:
    """The point tables fitted without each unretracted source in turn, each refit started
    from `warm`, the fit with every source (fitted when None), and shared out over the
    cores."""
    warm = build_tables(study) if warm is None else warm
    kept = [s.id for s in study.sources if not s.meta.retracted]
    fits = forked_map(lambda source: build_tables(without_source(study, source), point=warm), kept)
    return dict(zip(kept, fits, strict=True))


def holdout_rows(study: Study, fits: dict[str, Tables] | None = None) -> list[HoldoutRow]:
    """One row per active claim, valued by the network built from the other sources
    (`fits` from `source_fits` saves fitting them again)."""
    fits = source_fits(study) if fits is None else fits
    structure = structure_of(study.network)
    rows = []
    for source in study.sources:
        claims = [s for s in active_claims(study) if s.source_id == source.id]
        if not claims:
            continue
        others = fits[source.id]
        for statement in claims:
            fields, value, inside = claim_value(study, structure, others, statement)
            row = HoldoutRow(**fields, others=value, coherent=inside)
            rows.append(row)
    return misses_first(rows, lambda r: r["coherent"])


def holdout_summary(
    study: Study,
    rows: list[HoldoutRow],
    fits: dict[str, Tables] | None = None,
    point: Tables | None = None,
) -> HoldoutSummary:
    """Which sources the others contradict, and which source the baseline leans on most
    (`fits` from `source_fits` saves fitting without each source again, `point` fitting
    the study itself)."""
    disagree = sorted({r["source"] for r in rows if not r["coherent"] and r["source"] is not None})
    fits = source_fits(study) if fits is None else fits
    structure = structure_of(study.network)
    outcome = study.network.node(study.network.outcome)
    base = outcome_point(study) if point is None else point_forecast(study, point)

    def influence(source_id: str) -> Influence:
        delta = posterior(structure, fits[source_id].cpts, outcome.id)[0] - base
        shift = {s: round(float(delta[i]), 10) for i, s in enumerate(outcome.states)}
        return Influence.of_source(source_id, shift)

    leans = max(
        (influence(source_id) for source_id in fits),
        key=lambda inf: (inf.size, inf.what),
        default=None,
    )
    return HoldoutSummary(
        disagree=disagree,
        leans_on=None if leans is None else leans.source,
        leans_on_shift=None if leans is None else dict(leans.shift),
    )


def summary_sentence(summary: HoldoutSummary, sources: int) -> str:
    """The holdout in one sentence: who disagrees, and what the forecast leans on."""
    disagree = summary["disagree"]
    who = (
        f"the other sources contradict {len(disagree)} of {sources}: {', '.join(disagree)}"
        if disagree
        else f"the other sources imply a value inside the range of every claim of all {sources}"
    )
    sentence = f"Left out one at a time, {who}."
    shift = summary["leans_on_shift"]
    if summary["leans_on"] is not None and shift is not None:
        moves = ", ".join(f"{s} {100 * v:+.1f}" for s, v in shift.items())
        sentence += (
            f" The baseline leans most on {summary['leans_on']}: without it, it moves by "
            f"{moves} points."
        )
    return sentence
