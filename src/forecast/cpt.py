"""Conditional probability tables from pooled claims, as point values or as many draws.

Tables have axes (draws, parent_1, ..., parent_k, node): the leading axis holds the draws
(one for the point forecast), then one axis per parent in the order the model lists them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.domain import ColumnKey, Node, Statement, Study
from forecast.pooling import Array, PoolKind, normalise, pool_claims


@dataclass(frozen=True)
class PooledColumn:
    """One column of a CPT with the statements behind it and their shares of the pool."""

    key: ColumnKey
    statements: tuple[Statement, ...]
    shares: Array  # (draws, statements), rows sum to one
    column: Array  # (draws, states)


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
    columns: dict[ColumnKey, PooledColumn]
    origins: dict[str, Origin]


def base_weights(statements: tuple[Statement, ...]) -> Array:
    """Statement weights where a source speaks once per column: its claims share its weight."""
    per_source = Counter(s.source_id for s in statements)
    return np.array([s.weight / per_source[s.source_id] for s in statements], dtype=np.float64)


def _pool_column(
    key: ColumnKey,
    node: Node,
    statements: tuple[Statement, ...],
    reference: Array,
    kind: PoolKind,
    rng: np.random.Generator | None,
) -> PooledColumn:
    n = reference.shape[0]
    if not statements:  # nothing said: the column stays at its reference (no information)
        return PooledColumn(key, (), np.ones((n, 0)), reference.copy())
    lows = np.array([s.low for s in statements])
    highs = np.array([s.high for s in statements])
    weights = np.broadcast_to(base_weights(statements), (n, len(statements))).copy()
    if rng is None:
        probabilities = np.broadcast_to((lows + highs) / 2.0, (n, len(statements)))
    else:
        probabilities = lows + (highs - lows) * rng.uniform(size=(n, len(statements)))
        weights *= rng.exponential(size=(n, len(statements)))  # Bayesian bootstrap
    states = [node.index(s.state) for s in statements]
    shares = weights / weights.sum(axis=1, keepdims=True)
    pooled = pool_claims(probabilities, states, reference, weights, kind)
    return PooledColumn(key, statements, shares, pooled)


def _combine(start: Array, deltas: list[Array | None]) -> Array:
    """Normalised exp(log start + the given parent deltas), broadcast over parent axes."""
    n, k = start.shape
    log_table = np.log(start).reshape((n,) + (1,) * len(deltas) + (k,))
    for axis, delta in enumerate(deltas):
        if delta is None:
            continue
        shape = [n] + [1] * len(deltas) + [k]
        shape[1 + axis] = delta.shape[1]
        log_table = log_table + delta.reshape(shape)
    return normalise(np.exp(log_table - log_table.max(axis=-1, keepdims=True)))


def _assemble(
    node: Node, parents: list[Node], columns: dict[ColumnKey, PooledColumn]
) -> tuple[Array, Origin]:
    """Combine the base column and single-parent effects log-linearly in the odds.

    A column pinned by claims on several parents at once replaces the base for every
    combination that contains it: the effects of the remaining moved parents are then
    applied on top of it (the most specific pinned column wins). The Origin records
    which start each column got.
    """
    base = columns[ColumnKey(node.id)].column
    starts = np.full(tuple(len(p.states) for p in parents), -1, dtype=np.int64)
    if not parents:
        return base, Origin(starts, ())
    n, k = base.shape
    log_base = np.log(base)
    deltas: list[Array] = []
    for parent in parents:
        delta = np.zeros((n, len(parent.states), k))
        for s, state in enumerate(parent.states):
            if state != parent.baseline:
                effect = columns[ColumnKey(node.id, ((parent.id, state),))].column
                delta[:, s, :] = np.log(effect) - log_base
        deltas.append(delta)
    table = _combine(base, list(deltas))
    pinned = sorted(
        (c for key, c in columns.items() if key.node == node.id and len(key.moved) > 1),
        key=lambda c: len(c.key.moved),
    )
    for index, pooled in enumerate(pinned):
        moved = dict(pooled.key.moved)
        sub = _combine(
            pooled.column,
            [None if p.id in moved else d for p, d in zip(parents, deltas, strict=True)],
        )
        target = tuple(p.index(moved[p.id]) if p.id in moved else slice(None) for p in parents)
        source = tuple(0 if p.id in moved else slice(None) for p in parents)
        table[(slice(None), *target)] = sub[(slice(None), *source)]
        starts[target] = index
    return table, Origin(starts, tuple(c.key for c in pinned))


def build_tables(study: Study, draws: int = 1, rng: np.random.Generator | None = None) -> Tables:
    """Point tables (rng None: range midpoints, fixed weights) or `draws` random tables."""
    n = 1 if rng is None else draws
    kind: PoolKind = study.model.settings.pooling
    by_column: dict[ColumnKey, list[Statement]] = defaultdict(list)
    for statement in study.parameters():
        by_column[statement.column].append(statement)
    columns: dict[ColumnKey, PooledColumn] = {}
    cpts: dict[str, Array] = {}
    origins: dict[str, Origin] = {}
    for node in study.network.nodes:
        uniform = np.full((n, len(node.states)), 1.0 / len(node.states))
        base_key = ColumnKey(node.id)
        columns[base_key] = _pool_column(
            base_key, node, tuple(by_column[base_key]), uniform, kind, rng
        )
        reference = columns[base_key].column
        effects = {k for k in study.network.parameter_columns() if k.node == node.id and k.moved}
        effects |= {k for k in by_column if k.node == node.id and k.moved}
        for key in sorted(effects, key=str):
            columns[key] = _pool_column(key, node, tuple(by_column[key]), reference, kind, rng)
        parents = [study.network.node(p) for p in node.parents]
        cpts[node.id], origins[node.id] = _assemble(node, parents, columns)
    return Tables(n, cpts, columns, origins)


def column_sums_ok(table: Array, tolerance: float = 1e-12) -> bool:
    """Whether every column of a table sums to one within `tolerance`."""
    return bool(np.all(np.abs(table.sum(axis=-1) - 1.0) <= tolerance))
