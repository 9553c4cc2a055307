"""The parsed files' facts as the domain's plain, frozen records: nothing past the input
layer sees a pydantic model."""

from __future__ import annotations

from forecast.inputs.domain import (
    EdgeCase,
    Horizon,
    ModelFacts,
    Reader,
    Retraction,
    Settings,
    SourceFacts,
    period_of,
)
from forecast.inputs.filemodels import ModelFile, SourceMeta


def model_facts(model: ModelFile) -> ModelFacts:
    """The question, dates, settings and resolution rules of a parsed model file."""
    settings = model.settings
    return ModelFacts(
        question=model.question,
        as_of=model.as_of,
        horizon=Horizon(model.horizon.date, model.horizon.label, model.horizon.reason),
        settings=Settings(
            yardstick=settings.yardstick,
            pooling=settings.pooling,
            extremizing=settings.extremizing,
            half_life_years=settings.half_life_years,
            assumptions=settings.assumptions,
            memory_mb=settings.limits.memory_mb,
            forecasts_against=settings.forecasts_against,
        ),
        precedence=tuple((n.id, tuple(n.precedence)) for n in model.nodes if n.precedence),
        definitions=tuple((d.term, d.meaning) for d in model.definitions),
        edge_cases=tuple(
            EdgeCase(c.case, tuple(c.resolves.items()), c.reason) for c in model.edge_cases
        ),
        readers=tuple(Reader(r.id, r.role, r.read_on) for r in model.readers),
    )


def source_facts(meta: SourceMeta) -> SourceFacts:
    """Who wrote a source, when, and how reliable it is, from its parsed header."""
    retracted = meta.retracted
    return SourceFacts(
        title=meta.title.value,
        author=meta.author.value,
        publisher=meta.publisher.value,
        date=period_of(meta.date.value),
        date_basis=meta.date.basis,
        kind=meta.kind,
        grade=meta.reliability.grade,
        rationale=meta.reliability.rationale,
        retracted=None if retracted is None else Retraction(retracted.date, retracted.reason),
    )
