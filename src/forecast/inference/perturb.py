"""Random tables around a network's point values: a Dirichlet on every column.

Column u of node X gets Dirichlet(concentration × P(X | u)): its mean is the point column
and its spread that of `concentration` observations. A zero stays zero, and a column with
one possible state stays a point mass. A column's draws are independent gammas, one per
possible state, divided by their sum: Gamma(a) from numpy's sampler where a >= 1, and
Gamma(a + 1) × U^(1/a) (U uniform on [0, 1): the same distribution) where a < 1, which
takes about two thirds of the time of numpy's own sampler for a < 1.

Every column's draws come in blocks of BLOCK, and block b of column u of node i has its
own random stream: an SFC64 generator (whose gammas take about a sixth less time than
with numpy's default PCG64) seeded with words 3b, 3b + 1 and 3b + 2 of the output of
SeedSequence([seed, i, u]). A word of that output depends only on its place, so block
b's seed is the same whichever blocks are drawn, and a column hashes its seed once, not
once a block. So each column's draws are the same whichever other columns are drawn,
however the draws are split into chunks to bound memory, and whichever process draws
them: a query draws only the columns it reads (a table sliced at an observed parent
state reads only the columns with that state), and the columns are shared among the
machine's cores (`draw_tables`). Tables come out draws last, (parents..., states,
draws), the layout the compiled engine contracts without a copy; the gammas are drawn
straight into it, block by block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.random.bit_generator import ISeedSequence

from forecast.base.arrays import Array
from forecast.base.threads import thread_count, threaded_map

BLOCK = 2048  # draws per random stream
SEED_WORDS = 3  # the 64-bit words an SFC64 generator is seeded with


@dataclass(frozen=True)
class Perturbation:
    """How the draws are made: the Dirichlet's concentration and the seed."""

    concentration: float = 50.0
    seed: int = 0


class _Words(ISeedSequence):
    """Seed words drawn beforehand, handed to one SFC64 generator as its seed sequence."""

    def __init__(self, words: npt.NDArray[np.uint32 | np.uint64]) -> None:
        self.words = words

    def generate_state(
        self, n_words: int, dtype: npt.DTypeLike = np.uint32
    ) -> npt.NDArray[np.uint32 | np.uint64]:
        if n_words != len(self.words) or np.dtype(dtype) != np.uint64:
            raise ValueError(f"{len(self.words)} uint64 words kept, {n_words} {dtype} asked")
        return self.words


_WORDS: dict[tuple[int, int, int], npt.NDArray[np.uint64]] = {}  # the longest made so far


def _seed_words(seed: int, key: tuple[int, int], blocks: int) -> npt.NDArray[np.uint64]:
    """The seed words of a column's first `blocks` blocks, hashed once per column and kept
    for the next chunk of its draws (a word depends only on its place)."""
    kept = _WORDS.get((seed, *key))
    if kept is not None and len(kept) >= SEED_WORDS * blocks:
        return kept
    sequence = np.random.SeedSequence([seed, *key])
    made = sequence.generate_state(SEED_WORDS * max(blocks, 8), np.uint64).astype(
        np.uint64, copy=False
    )
    _WORDS[(seed, *key)] = made
    return made


def _streams(
    seed: int, key: tuple[int, int], first: int, last: int
) -> Iterator[np.random.Generator]:
    """The random streams of blocks first..last of one column; `key` is (node, column)."""
    words = _seed_words(seed, key, last + 1)
    for b in range(first, last + 1):
        own = words[SEED_WORDS * b : SEED_WORDS * (b + 1)]
        # numpy takes any ISeedSequence as a seed; its stubs name only SeedSequence
        yield np.random.Generator(np.random.SFC64(_Words(own)))  # type: ignore[arg-type]


def _gammas(rng: np.random.Generator, alpha: Array, rows: Sequence[Array], spare: Array) -> None:
    """Gamma(alpha[j]) variates into rows[j], one state after another (`spare` is scratch of
    a row's length). A shape below 1 is drawn as Gamma(a + 1) × U^(1/a), U uniform."""
    for a, row in zip(alpha, rows, strict=True):
        if a < 1.0:
            rng.standard_gamma(a + 1.0, out=row)
            rng.random(out=spare)
            np.power(spare, 1.0 / a, out=spare)
            row *= spare
        else:
            rng.standard_gamma(a, out=row)


def _column(
    point: Array,
    key: tuple[int, int],
    start: int,
    out: Array,
    perturbation: Perturbation,
) -> None:
    """Draws start .. start + out.shape[1] of one column into `out`, (states, draws).
    `key` is (node, column)."""
    count = out.shape[1]
    possible = np.flatnonzero(point > 0)
    out[point <= 0] = 0.0
    if possible.size == 1:
        out[possible[0]] = 1.0
        return
    alpha = perturbation.concentration * point[possible]
    spare = np.empty(BLOCK)
    scratch = None
    first, last = start // BLOCK, (start + count - 1) // BLOCK
    streams = _streams(perturbation.seed, key, first, last)
    for b, rng in enumerate(streams, first):
        lo, hi = max(start, b * BLOCK), min(start + count, (b + 1) * BLOCK)
        span = slice(lo - start, hi - start)
        if hi - lo == BLOCK:  # a whole block: straight into the table
            _gammas(rng, alpha, [out[state, span] for state in possible], spare)
        else:  # part of a block: all of it drawn, the part wanted kept
            scratch = np.empty((possible.size, BLOCK)) if scratch is None else scratch
            _gammas(rng, alpha, list(scratch), spare)
            out[possible, span] = scratch[:, lo - b * BLOCK : hi - b * BLOCK]
    out /= out.sum(axis=0)


@dataclass(frozen=True)
class _Plan:
    """The columns one sliced table reads, and the shape they are drawn into."""

    point: Array  # (parents..., states)
    number: int  # the node's place in the network: its streams' number
    fixed: Mapping[int, int]
    columns: npt.NDArray[np.intp]  # flat column indices (parent combinations) read
    picked: tuple[int, ...]  # sizes of the parent axes after slicing (1 where fixed)


def _plan(point: Array, number: int, fixed: Mapping[int, int]) -> _Plan:
    parents = point.shape[:-1]
    picks = [range(n) if a not in fixed else [fixed[a]] for a, n in enumerate(parents)]
    columns = np.ravel_multi_index(np.ix_(*picks), parents).ravel() if parents else np.zeros(1, int)
    return _Plan(point, number, fixed, columns, tuple(len(p) for p in picks))


def _fill(
    plan: _Plan,
    out: Array,
    which: Sequence[int],
    start: int,
    perturbation: Perturbation,
) -> None:
    """Draw the columns `which` (positions in plan.columns) of a table into `out`,
    (columns, states, draws) from draw `start` on."""
    rows = plan.point.reshape(-1, plan.point.shape[-1])
    for i in which:
        column = int(plan.columns[i])
        _column(rows[column], (plan.number, column), start, out[i], perturbation)


def _finish(plan: _Plan, out: Array, count: int) -> Array:
    """The drawn columns as the sliced table: the remaining axes, then the draws."""
    own = len(plan.picked)
    table = out.reshape((*plan.picked, plan.point.shape[-1], count))
    squeeze = tuple(a for a in range(own) if a in plan.fixed)
    table = table.squeeze(axis=squeeze) if squeeze else table
    if own in plan.fixed:
        table = table[..., plan.fixed[own], :]
    return np.ascontiguousarray(table)


def draw_table(
    point: Array,
    number: int,
    fixed: Mapping[int, int],
    start: int,
    count: int,
    perturbation: Perturbation,
) -> Array:
    """Draws start .. start+count of node `number`'s table `point` (parents..., states),
    sliced at `fixed` (axis -> state; the node's own axis may be one of them): the
    remaining axes, then the draws."""
    plan = _plan(point, number, fixed)
    out = np.empty((len(plan.columns), point.shape[-1], count))
    _fill(plan, out, range(len(plan.columns)), start, perturbation)
    return _finish(plan, out, count)


def _shares(costs: Sequence[int], workers: int) -> list[list[int]]:
    """Jobs split into `workers` groups of about equal cost (largest first, each to the
    lightest group so far)."""
    groups: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for job in sorted(range(len(costs)), key=lambda j: -costs[j]):
        lightest = loads.index(min(loads))
        groups[lightest].append(job)
        loads[lightest] += costs[job]
    return groups


def draw_tables(
    tables: Mapping[str, Array],
    wanted: Sequence[tuple[str, Mapping[int, int]]],
    order: Sequence[str],
    start: int,
    count: int,
    perturbation: Perturbation,
) -> list[Array]:
    """The sliced draws of each (node, fixed axes) in `wanted`. `order` is the network's
    node order, which numbers the streams. The columns are shared among threads, one per
    usable core, in groups of about equal numbers of gamma variates (numpy's samplers
    release the GIL while they fill an array); each column has its own streams, so the
    draws are the same however the columns are shared."""
    number = {n: i for i, n in enumerate(order)}
    plans = [_plan(tables[node], number[node], fixed) for node, fixed in wanted]
    outs = [np.empty((len(p.columns), p.point.shape[-1], count)) for p in plans]
    jobs = [(t, i) for t, plan in enumerate(plans) for i in range(len(plan.columns))]

    def fill(group: Sequence[int]) -> None:
        for t, plan in enumerate(plans):
            which = [jobs[j][1] for j in group if jobs[j][0] == t]
            if which:
                _fill(plan, outs[t], which, start, perturbation)

    possible = [(p.point.reshape(-1, p.point.shape[-1])[p.columns] > 0).sum(axis=1) for p in plans]
    costs = [int(possible[t][i]) for t, i in jobs]  # the gamma variates each column needs
    threaded_map(fill, _shares(costs, max(1, min(thread_count(), len(jobs)))))
    return [_finish(plan, out, count) for plan, out in zip(plans, outs, strict=True)]


def chunks(draws: int, chunk: int) -> Iterator[tuple[int, int]]:
    """(start, count) of each chunk of at most `chunk` draws, a whole number of blocks."""
    size = max(BLOCK, chunk - chunk % BLOCK)
    for start in range(0, draws, size):
        yield start, min(size, draws - start)
