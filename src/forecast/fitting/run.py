"""Run a study: point and drawn tables through the batched engine, one result per scenario.

The draws are made chunk by chunk (`sizes.plan_draws`), so the tables of at most one chunk
are held at once whatever the draw count; a run whose draws fit in one chunk keeps that
chunk's tables and answers every query from them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from forecast.base.arrays import Array
from forecast.base.defaults import DEFAULT_DRAWS, DEFAULT_SEED
from forecast.base.errors import InputError
from forecast.base.fingerprint import Digests
from forecast.fitting import fitcache
from forecast.fitting.claimfit import impossible_conditions
from forecast.fitting.cpt import Tables, build_tables, column_sums_ok
from forecast.inference.compiled import draws_last, engine_for, posterior
from forecast.inference.structure import Structure, structure_of
from forecast.inference.summary import OutcomeSummary, outcome_summaries
from forecast.inputs.domain import Scenario, Study
from forecast.inputs.sizes import DrawPlan, check_draws


@dataclass(frozen=True)
class Query:
    """P(target | given, do(...)): one question to the network."""

    target: str
    given: Mapping[str, str] = field(default_factory=dict)
    do: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    point: Array  # (states,) on the point network, given the observations
    samples: Array  # (draws, states) from the batched engine, given the observations
    unobserved: tuple[Array, Array] | None = None  # (point, samples) without them, if any


Cpts = dict[str, Array]  # node -> (draws, parents..., states)


def draw_chunk(study: Study, plan: DrawPlan, seed: int, index: int, point: Tables) -> Cpts:
    """The tables of one chunk of draws (chunk 0 from the seed itself, chunk i from
    [seed, i]), fitted from the point fit `point`, checked column by column."""
    size = min(plan.chunk, plan.draws - index * plan.chunk)
    rng = np.random.default_rng(seed if index == 0 else [seed, index])
    tables = build_tables(study, size, rng, point)
    check_tables(tables)
    return tables.cpts


@dataclass(frozen=True)
class DrawnTables:
    """The draws' tables, made again chunk by chunk when asked for, or kept when one chunk
    holds every draw."""

    study: Study
    plan: DrawPlan
    seed: int
    kept: Cpts | None
    point: Tables

    def chunk(self, index: int) -> Cpts:
        if self.kept is not None:
            return self.kept
        return draw_chunk(self.study, self.plan, self.seed, index, self.point)

    def chunks(self) -> Iterator[Cpts]:
        return (self.chunk(i) for i in range(self.plan.chunks))

    @functools.cached_property
    def _kept_last(self) -> Cpts | None:
        return None if self.kept is None else draws_last(self.kept)

    def chunks_last(self) -> Iterator[Cpts]:
        """The chunks with the draws on the last axis (`draws_last`); kept tables are
        turned once, however many questions they answer."""
        if self._kept_last is not None:
            return iter([self._kept_last])
        return (draws_last(self.chunk(i)) for i in range(self.plan.chunks))


@dataclass(frozen=True)
class FitCache:
    """Where fitted draws are kept (a workspace root) and, when the study is exactly what
    that workspace's files give, their fingerprint (`fitcache.files_key`) and the digests
    of the bytes it was made from (checked against the disk before it is written)."""

    root: Path
    files: str | None = None
    inputs: Digests = ()


@dataclass(frozen=True)
class Run:
    """Everything computed for one study, draw count and seed."""

    study: Study
    draws: int
    seed: int
    structure: Structure
    point_tables: Tables
    drawn: DrawnTables
    results: tuple[ScenarioResult, ...]
    cache: FitCache | None = None  # where the analyses built on this run keep their fits

    def point(self, given: Mapping[str, str], do: Mapping[str, str], target: str) -> Array:
        """P(target | given, do) on the point network: shape (states,)."""
        answer: Array = posterior(self.structure, self.point_tables.cpts, target, given, do)[0]
        return answer

    def samples(self, given: Mapping[str, str], do: Mapping[str, str], target: str) -> Array:
        """P(target | given, do) for every draw: shape (draws, states)."""
        return answer(self.structure, self.drawn, [Query(target, given, do)])[0]

    def summaries(self, queries: Sequence[Query]) -> list[OutcomeSummary]:
        """{state: {point, mean, p05, p95, p05_error, p95_error}} per query, holding few
        queries' draws at once. The point values come from the same engine on the point
        tables."""
        out: list[OutcomeSummary] = []
        group = self.drawn.plan.group
        engine = engine_for(self.structure)
        for start in range(0, len(queries), group):
            batch = queries[start : start + group]
            asked = [(q.target, q.given, q.do) for q in batch]
            points = engine.posteriors(self.point_tables.cpts, asked)
            drawn = answer(self.structure, self.drawn, batch)
            out += outcome_summaries(
                [
                    (self.structure.states[query.target], point[0], samples)
                    for query, point, samples in zip(batch, points, drawn, strict=True)
                ]
            )
        return out


def answer(structure: Structure, drawn: DrawnTables, queries: Sequence[Query]) -> list[Array]:
    """Every query over every draw, chunk by chunk: one (draws, states) array per query."""
    parts: list[list[Array]] = [[] for _ in queries]
    engine = engine_for(structure)
    asked = [(q.target, q.given, q.do) for q in queries]
    for last in drawn.chunks_last():  # each table turned once, not once per query
        for i, part in enumerate(engine.posteriors(last, asked, draws_last=True)):
            parts[i].append(part)
    return [np.concatenate(p) if len(p) > 1 else p[0] for p in parts]


def check_tables(tables: Tables | Cpts) -> None:
    """Our own column check, far stricter than pgmpy's 0.01."""
    cpts = tables.cpts if isinstance(tables, Tables) else tables
    for node, table in cpts.items():
        if not column_sums_ok(table):
            raise ValueError(f"a column of {node}'s table does not sum to 1 within 1e-12")


def kept_draws(
    study: Study, plan: DrawPlan, seed: int, point: Tables | None, cache: FitCache | None
) -> Cpts | None:
    """The draws' tables when one chunk holds them all: read back from the fit cache
    (`fitcache`) when they were fitted before, else fitted from the point fit `point`
    (fitted here when None) and kept there. None when the draws come in several chunks."""
    if plan.chunks > 1:
        return None
    if cache is None:
        return draw_chunk(study, plan, seed, 0, build_tables(study) if point is None else point)
    drawn = _kept_or_fitted(study, plan, seed, point, cache)[1]
    if cache.files is not None:
        key = fitcache.study_key(study, plan.draws, seed)
        fitcache.save_alias(cache.root, cache.files, cache.inputs, key, study.observed())
    return drawn


def _kept_or_fitted(
    study: Study, plan: DrawPlan, seed: int, point: Tables | None, cache: FitCache
) -> tuple[Cpts, Cpts]:
    """The point and drawn tables of one chunk of draws: read back from the fit cache, or
    fitted (the point fit too, when `point` is None) and kept there."""
    key = fitcache.study_key(study, plan.draws, seed)
    structure = structure_of(study.network)
    found = fitcache.load(cache.root, key, structure, plan.draws)
    if found is not None:
        return found.point, found.drawn
    point = build_tables(study) if point is None else point
    drawn = draw_chunk(study, plan, seed, 0, point)
    kept = fitcache.KeptFit(
        structure, study.network.outcome, point.cpts, drawn, tuple(study.warnings)
    )
    fitcache.save(cache.root, key, kept)
    return point.cpts, drawn


def kept_tables(study: Study, draws: int, seed: int, cache: FitCache | None) -> tuple[Cpts, Cpts]:
    """The point tables and `draws` drawn tables (one chunk) of a study, from the fit cache
    when it has them: nothing is fitted, not even the point, for a study fitted before."""
    plan = DrawPlan(draws, draws, 1)
    if cache is None:
        point = build_tables(study)
        return point.cpts, draw_chunk(study, plan, seed, 0, point)
    return _kept_or_fitted(study, plan, seed, None, cache)


PointAnswers = Callable[[list[tuple[Scenario, Array]]], None]


def run_study(
    study: Study,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    plan: DrawPlan | None = None,
    cache: FitCache | None = None,
    on_point: PointAnswers | None = None,
) -> Run:
    """Build point and random tables and answer every scenario.

    `plan` splits the draws into chunks; by default it is made from the model's memory
    limit (`sizes.check_draws`). `cache` keeps the fitted draws between runs
    (`kept_draws`); the run keeps it for the analyses built on it. `on_point` is given
    each scenario's answer under the point network as soon as it is known.
    """
    plan = check_draws(study, draws) if plan is None else plan
    structure = structure_of(study.network)
    point_tables = build_tables(study)
    check_tables(point_tables)
    impossible = impossible_conditions(study, point_tables.cpts)
    if impossible:
        raise InputError(impossible)
    outcome = study.network.outcome
    cpts = point_tables.cpts
    seen = [Query(outcome, study.given_for(sc.given, sc.do), sc.do) for sc in study.scenarios]
    bare = [Query(outcome, sc.given, sc.do) for sc in study.scenarios]
    points = [posterior(structure, cpts, outcome, q.given, q.do)[0] for q in seen]
    if on_point is not None:  # the point network's answers, before any draw is fitted
        on_point(list(zip(study.scenarios, points, strict=True)))
    kept = kept_draws(study, plan, seed, point_tables, cache)
    drawn = DrawnTables(study, plan, seed, kept, point_tables)
    with_them = answer(structure, drawn, seen)
    without = answer(structure, drawn, bare) if study.observed() else [None] * len(bare)
    results = tuple(
        ScenarioResult(
            sc,
            point,
            samples,
            None
            if alone is None
            else (posterior(structure, cpts, outcome, b.given, b.do)[0], alone),
        )
        for sc, point, b, samples, alone in zip(
            study.scenarios, points, bare, with_them, without, strict=True
        )
    )
    return Run(study, draws, seed, structure, point_tables, drawn, results, cache)
