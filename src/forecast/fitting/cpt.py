"""Conditional probability tables fitted to every claim, as point values or as many draws.

Each draw's claim values and weights are drawn first; the column statements of each
parameter column are pooled; the pooled columns, the query claims, the pushes and the
assumptions then make the fit's terms (`fitting`), whose minimum gives the tables.
Tables have axes (draws, parent_1, ..., parent_k, node): the leading axis holds the draws
(one for the point forecast), then one axis per parent in the order the model lists them.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.base.arrays import Array
from forecast.fitting import loglinear
from forecast.fitting.blocks import Block, split
from forecast.fitting.frames import Frame, source_frames
from forecast.fitting.loglinear import NodeLayout
from forecast.fitting.parallel import fit_draws
from forecast.fitting.pooling import pool_claims
from forecast.fitting.problem import (
    ColumnLevelTerm,
    ColumnTerm,
    FitProblem,
    FramedTerm,
    NoEffectTerm,
    PushTerm,
    QueryTerm,
    Terms,
)
from forecast.fitting.solver import FitResult, curvatures, fit, merged
from forecast.inference.structure import Structure, structure_of
from forecast.inputs import grading, pushes
from forecast.inputs.domain import ColumnKey, Network, Node, Settings, Statement, Study


@dataclass(frozen=True)
class PooledColumn:
    """One column of a CPT with the statements behind it and their shares of the pool."""

    key: ColumnKey
    statements: tuple[Statement, ...]
    shares: Array  # (draws, statements), rows sum to one
    column: Array  # (draws, states)
    total: Array  # (draws,) the statements' summed weight


@dataclass(frozen=True)
class Origin:
    """Where each column of a node's table starts, as the builder decided it.

    `starts` has one entry per parent combination (axes in the model's parent order): -1
    when the column starts from the base column, i when it starts from `pinned[i]`, a
    column claims pin on several parents at once. The effects of the moved parents the
    start does not cover are applied on top of it, log-linearly in the odds.
    """

    starts: npt.NDArray[np.int64]
    pinned: tuple[ColumnKey, ...]


@dataclass(frozen=True)
class Tables:
    """CPTs for every node plus the pooled columns they were assembled from."""

    draws: int
    cpts: dict[str, Array]
    columns: dict[ColumnKey, PooledColumn]  # what the column statements say, pooled
    origins: dict[str, Origin]
    theta: dict[str, Array]  # fitted logits per node (draws, parameter columns, states)
    fit: FitResult

    plan: dict[str, NodeLayout]
    terms: Terms
    structure: Structure
    joint: FitProblem | None  # the problem of every parameter at once, when it was built
    # the whole-question claims held against the driver priors of their source's date
    frames: dict[str, Frame]
    frame_fits: dict[dt.date, tuple[Study, Tables]]  # each frame's study and its point fit

    @functools.cached_property
    def problem(self) -> FitProblem:
        """The joint problem of every parameter at once (the draws solve it block by block)."""
        if self.joint is not None:
            return self.joint
        return FitProblem(self.structure, self.plan, self.terms, self.draws)

    @functools.cached_property
    def block_curvatures(self) -> list[Array]:
        """Each block's term curvatures at this point fit (`solver.curvatures`), in the
        order of `blocks.split`: computed once, however many chunks of draws start here."""
        at_point = split(self.structure, self.plan, self.terms, 1)
        return [curvatures(b.problem, b.problem.free(self.theta)) for b in at_point]

    def correction(self, node: str) -> Array:
        """How far the fit moved a node's logits from its pooled columns (point: (1, C, k))."""
        pooled = np.stack([np.log(self.columns[k].column) for k in self.plan[node].keys], axis=1)
        shift: Array = self.theta[node] - pooled
        return shift - shift[..., -1:]

    def fitted_column(self, key: ColumnKey) -> Array:
        """A parameter column under the fitted tables, (draws, states)."""
        index = self.plan[key.node].index(key)
        return loglinear.softmax(self.theta[key.node][:, index])


POINT_TOLERANCE = 1e-9  # largest gradient component left in the point fit
DRAW_TOLERANCE = 1e-5  # and in each draw's fit
DRAW_ROUNDS = 300  # quasi-Newton rounds for the draws at most (`FitResult.converged` says)


def voice(statement: Statement) -> tuple[object, ...]:
    """What a source speaks once about: a column, or a query (with its reference)."""
    about: object = (
        statement.column
        if statement.column is not None
        else (statement.node, statement.conditions, statement.reference)
    )
    return (statement.source_id or statement.id, about)


def base_weights(statements: Sequence[Statement]) -> Array:
    """Statement weights where a source speaks once per column and per query: its readers
    share its weight there equally, and each reader's claims on it share the reader's."""
    readers: dict[tuple[object, ...], set[str | None]] = defaultdict(set)
    for s in statements:
        readers[voice(s)].add(s.reader)
    per_reader = Counter((voice(s), s.reader) for s in statements)
    return np.array(
        [s.weight / len(readers[voice(s)]) / per_reader[(voice(s), s.reader)] for s in statements],
        dtype=np.float64,
    )


def reader_factors(statements: Sequence[Statement], draws: int, root: int) -> Array:
    """Each statement's share of its source's weight in every draw (draws, statements), from
    a Bayesian bootstrap over the source's readers: the readers of one source split its
    weight by a flat Dirichlet draw, scaled so that a source read once keeps factor 1."""
    pairs = sorted({(s.source_id or "", s.reader or "") for s in statements})
    factor = {
        pair: np.random.default_rng([root, zlib.crc32(f"reader {pair}".encode())]).exponential(
            size=draws
        )
        for pair in pairs
    }
    by_source: dict[str, list[Array]] = defaultdict(list)
    for (source, _), values in factor.items():
        by_source[source].append(values)
    mean = {source: np.mean(values, axis=0) for source, values in by_source.items()}
    out = np.ones((draws, len(statements)))
    for i, s in enumerate(statements):
        source = s.source_id or ""
        out[:, i] = factor[(source, s.reader or "")] / mean[source]
    return out


def date_factors(statements: Sequence[Statement], draws: int, root: int) -> Array:
    """Each statement's recency in every draw over its recency at the source's midpoint date
    (draws, statements): a source dated only to a month or a year gets a publication day
    drawn uniformly in that period, one per source and draw; a source dated to the day
    keeps factor 1."""
    out = np.ones((draws, len(statements)))
    spans = {s.source_id or s.id: s.ages for s in statements if s.ages[0] != s.ages[1]}
    for source, (first, last) in spans.items():
        stream = np.random.default_rng([root, zlib.crc32(f"date {source}".encode())])
        age = first + (last - first) * stream.uniform(size=draws)
        factor = grading.recency_at(age) / grading.recency_at((first + last) / 2)
        for i, s in enumerate(statements):
            if (s.source_id or s.id) == source:
                out[:, i] = factor
    return out


@dataclass(frozen=True)
class ClaimDraws:
    """Each statement's value (a probability, or a log odds ratio for a push) and weight,
    per draw. Draw i of a statement comes from its own stream, so adding a statement
    leaves every other statement's draws as they were."""

    index: dict[str, int]
    values: Array  # (draws, statements)
    weights: Array  # (draws, statements)

    def of(self, statement: Statement) -> tuple[Array, Array]:
        i = self.index[statement.id]
        return self.values[:, i], self.weights[:, i]


def _scale(statement: Statement, u: Array) -> Array:
    if statement.relative:
        low, high = np.log(statement.low), np.log(statement.high)
    else:
        low, high = statement.low, statement.high
    out: Array = low + (high - low) * u
    return out


def draw_claims(
    statements: Sequence[Statement],
    draws: int,
    rng: np.random.Generator | None,
    readers: bool = True,
) -> ClaimDraws:
    """Range midpoints and fixed weights (rng None), or values drawn inside each range with
    weights perturbed by a Bayesian bootstrap over the claims and, within each source, over
    its readers (`reader_factors`, unless `readers` is False)."""
    n = 1 if rng is None else draws
    weights = np.broadcast_to(base_weights(statements), (n, len(statements))).copy()
    values = np.empty((n, len(statements)))
    root = None if rng is None else int(rng.integers(2**63 - 1))
    for i, statement in enumerate(statements):
        if root is None:
            values[:, i] = _scale(statement, np.full(n, 0.5))
            continue
        own = np.random.default_rng([root, zlib.crc32(statement.id.encode())])
        values[:, i] = _scale(statement, own.uniform(size=n))
        weights[:, i] *= own.exponential(size=n)
    if root is not None and readers:
        weights *= reader_factors(statements, n, root)
    if root is not None:
        weights *= date_factors(statements, n, root)
    return ClaimDraws({s.id: i for i, s in enumerate(statements)}, values, weights)


def _pool_column(
    key: ColumnKey,
    node: Node,
    statements: tuple[Statement, ...],
    reference: Array,
    settings: Settings,
    drawn: ClaimDraws,
) -> PooledColumn:
    n = reference.shape[0]
    if not statements:  # nothing said: the column stays at its reference (no information)
        return PooledColumn(key, (), np.ones((n, 0)), reference.copy(), np.zeros(n))
    probabilities = np.stack([drawn.of(s)[0] for s in statements], axis=1)
    weights = np.stack([drawn.of(s)[1] for s in statements], axis=1)
    states = [node.index(s.state) for s in statements]
    total = weights.sum(axis=1)
    pooled = pool_claims(
        probabilities,
        states,
        reference,
        weights,
        settings.pooling,
        extremizing=settings.extremizing,
    )
    return PooledColumn(key, statements, weights / total[:, None], pooled, total)


def _assemble(
    node: Node, parents: list[Node], columns: dict[ColumnKey, PooledColumn]
) -> tuple[Array, Origin]:
    """Combine the base column and single-parent effects log-linearly in the odds, each
    combination starting from the most specific column claims pin (see `loglinear`)."""
    pinned = [k for k in columns if k.node == node.id and len(k.moved) > 1]
    layout = node_layout_for(node, parents, pinned)
    theta = np.stack([np.log(columns[k].column) for k in layout.keys], axis=1)
    return loglinear.table(layout, theta), Origin(layout.starts, layout.pinned)


def node_layout_for(node: Node, parents: list[Node], pinned: list[ColumnKey]) -> NodeLayout:
    """The layout of one node given its parents (a network of just these nodes)."""
    return loglinear.node_layout(Network((*parents, node), node.id), node.id, pinned)


def _pool_columns(study: Study, drawn: ClaimDraws, n: int) -> dict[ColumnKey, PooledColumn]:
    """Every parameter column's pooled column statements, base columns first."""
    settings = study.model.settings
    by_column: dict[ColumnKey, list[Statement]] = defaultdict(list)
    for statement in study.parameters():
        by_column[statement.key()].append(statement)
    columns: dict[ColumnKey, PooledColumn] = {}
    for node in study.network.nodes:
        uniform = np.full((n, len(node.states)), 1.0 / len(node.states))
        base_key = ColumnKey(node.id)
        columns[base_key] = _pool_column(
            base_key, node, tuple(by_column[base_key]), uniform, settings, drawn
        )
        reference = columns[base_key].column
        effects = {k for k in study.network.parameter_columns() if k.node == node.id and k.moved}
        effects |= {k for k in by_column if k.node == node.id and k.moved}
        for key in sorted(effects, key=str):
            columns[key] = _pool_column(
                key, node, tuple(by_column[key]), reference, settings, drawn
            )
    return columns


def _column_levels(
    terms: Terms,
    node: Node,
    index: int,
    pooled: PooledColumn,
    reference: Array,
    anchor: float | None,
    scale: float,
) -> None:
    """The terms of a column's statements: one level on each state they name (their pool's
    value there, at their total weight). With an `anchor` weight (no default assumption
    holds the whole column), the states none of them names are held, among themselves, to
    the column's reference: uniform for a base column, no effect for an effect, the base
    column's pool for a joint column."""
    key = pooled.key
    named = sorted({node.index(s.state) for s in pooled.statements})
    for state in named:
        mine = [i for i, s in enumerate(pooled.statements) if node.index(s.state) == state]
        weight = pooled.total * pooled.shares[:, mine].sum(axis=1)
        terms.levels.append(ColumnLevelTerm(node.id, index, state, pooled.column[:, state], weight))
    rest = tuple(j for j in range(len(node.states)) if j not in named)
    if anchor is None or len(rest) < 2:  # held by the default, or fixed by the named states
        return
    weight = np.full(reference.shape[0], anchor)
    if not key.moved:
        uniform = np.full_like(reference, 1.0 / len(node.states))
        terms.columns.append(ColumnTerm(node.id, index, uniform, weight, rest))
    elif len(key.moved) == 1:
        terms.no_effects.append(NoEffectTerm(node.id, index, anchor, scale, rest))
    else:
        terms.columns.append(ColumnTerm(node.id, index, reference, weight, rest))


def _terms(
    study: Study,
    plan: dict[str, NodeLayout],
    columns: dict[ColumnKey, PooledColumn],
    drawn: ClaimDraws,
    frames: dict[str, Frame],
) -> Terms:
    """The fit's terms: pooled columns, default assumptions, query claims (framed ones
    against their frame's driver priors) and pushes."""
    compete = study.model.settings.assumptions == "compete"
    assumed = {s.key() for s in study.parameters() if not s.cited}
    by_node: dict[str, list[Statement]] = defaultdict(list)
    for s in study.active():
        if s.cited:
            by_node[s.node].append(s)
    anchor = grading.default_assumption_weight() * study.assumption_scale
    scale = float(np.log(pushes.word_range_of(grading.default_effect_size())[1]))
    terms = Terms()
    for node_id, layout in plan.items():
        node = study.network.node(node_id)
        for index, key in enumerate(layout.keys):
            pooled = columns[key]
            spoken = any(s.touches(key) for s in by_node[node_id])
            default = len(key.moved) <= 1 and key not in assumed and (compete or not spoken)
            if pooled.statements:  # the rest held unless the default holds the whole column
                reference = columns[ColumnKey(node_id)].column
                held = anchor if not default else None
                _column_levels(terms, node, index, pooled, reference, held, scale)
            if not default:
                continue
            if key.moved:
                terms.no_effects.append(NoEffectTerm(node_id, index, anchor, scale))
            elif not key.moved:
                k = layout.states
                uniform = np.full((drawn.values.shape[0], k), 1.0 / k)
                weight = np.full(drawn.values.shape[0], anchor)
                terms.columns.append(ColumnTerm(node_id, index, uniform, weight))
    for statement in study.queries():
        value, weight = drawn.of(statement)
        state = study.network.node(statement.node).index(statement.state)
        if statement.id in frames:
            frame = frames[statement.id]
            terms.framed.append(FramedTerm(statement.node, state, value, weight, frame))
        elif statement.reference is None:
            terms.queries.append(
                QueryTerm(statement.node, statement.conditions, state, value, weight)
            )
        else:
            sign = {"raises": 1, "lowers": -1}.get(statement.direction or "", 0)
            terms.pushes.append(
                PushTerm(
                    statement.node,
                    statement.conditions,
                    statement.reference,
                    state,
                    value,
                    weight,
                    sign,
                )
            )
    return terms


def build_tables(
    study: Study,
    draws: int = 1,
    rng: np.random.Generator | None = None,
    point: Tables | None = None,
) -> Tables:
    """Point tables (rng None: range midpoints, fixed weights) or `draws` random tables,
    fitted to every claim at once.

    The point fit starts from the pooled columns, or from `point`'s fit when its
    parameters have the same layout (a refit after a small change). Each draw starts from
    its own pooled columns moved as the point fit moved the point's (`point`, fitted here
    when not given), and uses the point fit's curvature.
    """
    n = 1 if rng is None else draws
    drawn = draw_claims(study.active(), n, rng, study.resample_readers)
    columns = _pool_columns(study, drawn, n)
    pinned = [k for k in columns if len(k.moved) > 1]
    plan = loglinear.layouts(study.network, pinned)
    start = {
        node: np.stack([np.log(columns[k].column) for k in layout.keys], axis=1)
        for node, layout in plan.items()
    }
    # the draws share their point fit's frames; a point fit finds its own, each date's
    # from `point`'s fit of that date (a refit after a small change): the same fit when
    # the date's study is the same, else warm from it
    frame_fits: dict[dt.date, tuple[Study, Tables]] = {}
    if rng is not None:
        point = build_tables(study) if point is None else point
        frames, frame_fits = point.frames, point.frame_fits
    else:
        warm = {} if point is None else point.frame_fits

        def fit_then(then: Study, date: dt.date) -> dict[str, Array]:
            before, tables = warm.get(date, (None, None))
            if before != then or tables is None:
                tables = build_tables(then, point=tables)
            frame_fits[date] = (then, tables)
            return tables.cpts

        frames = source_frames(study, fit_then)
    terms = _terms(study, plan, columns, drawn, frames)
    structure = structure_of(study.network)
    joint = None
    if rng is None:  # one Newton fit: a point fit is small, and splitting it costs more
        if point is not None and all(point.plan[n].keys == plan[n].keys for n in plan):
            start = {node: point.theta[node].copy() for node in start}
        joint = FitProblem(structure, plan, terms, n)
        result = fit(joint, start, POINT_TOLERANCE)
    else:  # the draws block by block, each with its curvature at the point fit
        assert point is not None  # fitted above
        start = {node: start[node] + point.correction(node) for node in start}
        work = [
            (b.problem, _part(start, b), curvature)
            for b, curvature in zip(
                split(structure, plan, terms, n), point.block_curvatures, strict=True
            )
        ]
        result = merged(fit_draws(work, DRAW_TOLERANCE, DRAW_ROUNDS), list(plan))
    origins = {node: Origin(layout.starts, layout.pinned) for node, layout in plan.items()}
    return Tables(
        n,
        result.cpts,
        columns,
        origins,
        result.theta,
        result,
        plan,
        terms,
        structure,
        joint,
        frames,
        frame_fits,
    )


def _part(theta: dict[str, Array], block: Block) -> dict[str, Array]:
    return {node: theta[node] for node in block.nodes}


def column_sums_ok(table: Array, tolerance: float = 1e-12) -> bool:
    """Whether every column of a table sums to one within `tolerance`."""
    return bool(np.all(np.abs(table.sum(axis=-1) - 1.0) <= tolerance))
