"""The study a date knew: what the sources published by then say, weighed as of then.

One question, asked the same way by `run --as-of`, `report --as-of` and `history`: the
sources published by the date, as read today (with `readings_then`, only the readings made
by the date), the observations seen by then, each claim's recency judged at the date, and
the analyst assumptions weighed against the claims of the date (`assumption_scale`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from forecast.inputs import grading
from forecast.inputs.coverage import unbacked_edges, uncovered
from forecast.inputs.domain import Source, Statement, Study


def evidence_recency(statements: tuple[Statement, ...]) -> float:
    """The mean recency of the live cited claims (1 when there are none)."""
    ages = [sum(s.ages) / 2 for s in statements if s.cited and not s.retracted]
    return float(np.mean(grading.recency_at(np.array(ages)))) if ages else 1.0


def weigh_assumptions(study: Study) -> Study:
    """The study with every analyst assumption weighed against the claims present: its
    grading weight times the claims' mean recency, so that an assumption keeps the same
    weight beside a claim of the evidence's mean age at any date."""
    scale = evidence_recency(study.statements)
    weight = grading.assumption_weight() * scale
    statements = tuple(
        s if s.cited else dataclasses.replace(s, weight=weight) for s in study.statements
    )
    held = tuple(dataclasses.replace(s, weight=weight) for s in study.held_back)
    return dataclasses.replace(study, statements=statements, held_back=held, assumption_scale=scale)


def _aged(statement: Statement, source: Source, ages: tuple[float, float]) -> Statement:
    """A claim of `source` at the source's ages on another date, weighed as the checks
    weigh it (`evidencecheck`): the source's weight times the claim's credibility."""
    assert statement.credibility is not None  # every cited claim is graded
    weight = source.weight * grading.credibility_weight(statement.credibility)
    return dataclasses.replace(statement, ages=ages, weight=weight)


def known_on(study: Study, date: dt.date, *, readings_then: bool = False) -> Study:
    """The study `date` knew, made from the study of the model's own as-of date; its
    warnings name what was left out and what falls back to its default."""
    half_life = study.model.settings.half_life_years
    later = [s for s in study.sources if s.published > date]
    gone = {s.id for s in later}
    read_on = {r.id: r.read_on for r in study.model.readers}
    unread = {r for r, day in read_on.items() if day > date} if readings_then else set()
    sources: dict[str, tuple[Source, tuple[float, float]]] = {}
    for source in study.sources:
        if source.id not in gone:
            ages = grading.period_ages(
                source.meta.date.first, source.meta.date.last, date, half_life
            )
            weight = grading.source_weight(source.meta.grade, ages)
            sources[source.id] = (dataclasses.replace(source, weight=weight), ages)
    kept: list[Statement] = []
    for s in study.statements:
        if s.source_id is None:
            kept.append(s)
        elif s.source_id in sources and s.reader not in unread:
            kept.append(_aged(s, *sources[s.source_id]))
    kept += _given_back(study, kept)
    warnings = list(study.warnings)
    if later:
        warnings.append(
            f"as of {date}: sources published later are left out: "
            + ", ".join(f"{s.id} ({s.meta.date.text})" for s in later)
        )
    if unread:
        warnings.append(
            f"as of {date}: readings made later are left out: "
            + ", ".join(f"{r} ({read_on[r]})" for r in sorted(unread))
        )
    then = dataclasses.replace(
        study,
        model=dataclasses.replace(study.model, as_of=date),
        sources=tuple(source for source, _ in sources.values()),
        statements=tuple(kept),
        observations=tuple(o for o in study.observations if o.seen.first <= date),
        warnings=tuple(warnings),
    )
    then = weigh_assumptions(then)
    return dataclasses.replace(then, warnings=(*then.warnings, *_fallbacks(then, date)))


def _given_back(study: Study, kept: list[Statement]) -> list[Statement]:
    """The held-back assumptions whose column no kept claim speaks to any more."""
    live = [s for s in kept if s.cited and not s.retracted]
    return [
        a
        for a in study.held_back
        if a.column is not None and not any(s.touches(a.column) for s in live)
    ]


def _fallbacks(study: Study, date: dt.date) -> list[str]:
    """One warning for the columns and one for the edges nothing covers yet at `date`."""
    out = []
    columns = uncovered(study.network, study.statements)
    if columns:
        out.append(
            f"as of {date}: {len(columns)} parameter columns have no claim or assumption yet "
            "and fall back to their defaults: " + ", ".join(k.label() for k in columns)
        )
    edges = [e for e in unbacked_edges(study.network, study.statements) if not e.assumed]
    if edges:
        out.append(
            f"as of {date}: {len(edges)} edges have no quote-backed claim yet and fall back "
            "to no effect: " + ", ".join(f"{e.parent} -> {e.node}" for e in edges)
        )
    return out
