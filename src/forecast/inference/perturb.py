"""Random tables around a network's point values: a Dirichlet on every column.

Column u of node X gets Dirichlet(concentration × P(X | u)): its mean is the point column
and its spread that of `concentration` observations. A zero stays zero, and a column with
one possible state stays a point mass.

Every column's draws come in blocks of BLOCK, and block b of column u of node i has its
own random stream, seeded with [seed, i, u, b]. So each column's draws are the same
whichever other columns are drawn, however the draws are split into chunks to bound
memory, and whichever thread draws them: a query draws only the columns it reads (a
table sliced at an observed parent state reads only the columns with that state), and
the threads share the columns (numpy's gamma sampler releases the GIL). Tables come
out draws last, (parents..., states, draws), the layout the compiled engine contracts
without a copy.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.base.arrays import Array

BLOCK = 2048  # draws per random stream
WORKERS = os.cpu_count() or 1


@dataclass(frozen=True)
class Perturbation:
    """How the draws are made: the Dirichlet's concentration and the seed."""

    concentration: float = 50.0
    seed: int = 0


def _column(
    point: Array, key: tuple[int, int], first: int, last: int, perturbation: Perturbation
) -> Array:
    """Blocks first..last of one column's draws, (states, draws). `key` is (node, column)."""
    width = (last - first + 1) * BLOCK
    possible = np.flatnonzero(point > 0)
    out = np.zeros((point.size, width))
    if possible.size == 1:
        out[possible[0]] = 1.0
        return out
    alpha = perturbation.concentration * point
    for b in range(first, last + 1):
        rng = np.random.default_rng([perturbation.seed, *key, b])
        span = slice((b - first) * BLOCK, (b - first + 1) * BLOCK)
        for state in possible:
            rng.standard_gamma(alpha[state], BLOCK, out=out[state, span])
    out /= out.sum(axis=0)
    return out


def draw_table(
    point: Array,
    number: int,
    fixed: Mapping[int, int],
    start: int,
    count: int,
    perturbation: Perturbation,
    pool: ThreadPoolExecutor | None = None,
) -> Array:
    """Draws start .. start+count of node `number`'s table `point` (parents..., states),
    sliced at `fixed` (axis -> state; the node's own axis may be one of them): the
    remaining axes, then the draws."""
    shape = point.shape
    parents = shape[:-1]
    first, last = start // BLOCK, (start + count - 1) // BLOCK
    offset = start - first * BLOCK
    picks = [range(n) if a not in fixed else [fixed[a]] for a, n in enumerate(parents)]
    columns = np.ravel_multi_index(np.ix_(*picks), parents).ravel() if parents else np.zeros(1, int)
    rows = point.reshape(-1, shape[-1])

    def one(column: Any) -> Array:
        drawn = _column(rows[column], (number, int(column)), first, last, perturbation)
        return drawn[:, offset : offset + count]

    parts = list(pool.map(one, columns)) if pool is not None else [one(c) for c in columns]
    table = np.stack(parts).reshape((*(len(p) for p in picks), shape[-1], count))
    own = len(parents)
    squeeze = [a for a in range(own) if a in fixed]
    table = table.squeeze(axis=tuple(squeeze)) if squeeze else table
    if own in fixed:
        table = table[..., fixed[own], :]
    return np.ascontiguousarray(table)


def draw_tables(
    tables: Mapping[str, Array],
    wanted: Sequence[tuple[str, Mapping[int, int]]],
    order: Sequence[str],
    start: int,
    count: int,
    perturbation: Perturbation,
) -> list[Array]:
    """The sliced draws of each (node, fixed axes) in `wanted`, sharing the columns among
    the machine's cores. `order` is the network's node order, which numbers the streams."""
    number = {n: i for i, n in enumerate(order)}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [
            draw_table(tables[node], number[node], fixed, start, count, perturbation, pool)
            for node, fixed in wanted
        ]


def chunks(draws: int, chunk: int) -> Iterator[tuple[int, int]]:
    """(start, count) of each chunk of at most `chunk` draws, a whole number of blocks."""
    size = max(BLOCK, chunk - chunk % BLOCK)
    for start in range(0, draws, size):
        yield start, min(size, draws - start)


def cells_per_draw(tables: Mapping[str, Array]) -> int:
    """Numbers in one draw of the given tables."""
    return sum(math.prod(t.shape) for t in tables.values())
