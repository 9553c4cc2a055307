"""The standard query on any network: our batched engine against per-draw loops.

The standard query asks for the posterior of the node with the most ancestors (ties by
name), given the next five such nodes each in its first state. Every draw perturbs the
tables (`perturb`); ours answers all of them in chunks with one compiled contraction per
chunk, drawing only the columns the query reads. pyAgrum's `LazyPropagation` and pgmpy's
`VariableElimination` answer one draw at a time, as a Monte Carlo over parameters must
with them: every table is reset to the draw's values and a fresh engine answers the
query. Their loops are timed over a few hundred draws (or a time budget) and scaled to
the draw count, with the draws made beforehand and outside their clocks.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from forecast.base.arrays import Array
from forecast.inference.bif import DiscreteNetwork
from forecast.inference.compiled import CompiledQuery, Engine, Shape
from forecast.inference.perturb import Perturbation, chunks, draw_tables
from forecast.inference.structure import Structure, ancestral

CHUNK_MB = 32  # the draws' tables of one chunk stay under this: memory the next chunk reuses
LOOP_DRAWS = 200  # draws a per-draw loop is timed over at most
LOOP_SECONDS = 10.0  # and for at most this long


def standard_query(structure: Structure) -> tuple[str, dict[str, str]]:
    """The target with the most ancestors (ties by name) and the next five such nodes,
    each observed in its first state."""
    count = {n: len(ancestral(structure, [n])) for n in structure.nodes}
    ranked = sorted(structure.nodes, key=lambda n: (-count[n], n))
    return ranked[0], {n: structure.states[n][0] for n in ranked[1:6]}


@dataclass
class Loop:
    """A per-draw loop's measurement: draws timed, seconds per draw, answers."""

    name: str
    timed: int
    per_draw: float
    answers: Array

    def seconds(self, draws: int) -> float:
        return self.per_draw * draws


@dataclass
class NetworkBench:
    """Everything `forecast bench` reports for one network."""

    network: str
    nodes: int
    target: str
    given: dict[str, str]
    states: tuple[str, ...]
    point: Array
    draws: int
    seconds: float
    peak_mb: float
    mean: Array
    loops: list[Loop] = field(default_factory=list)
    point_differences: dict[str, float] = field(default_factory=dict)
    draw_differences: dict[str, float] = field(default_factory=dict)


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def our_draws(
    net: DiscreteNetwork,
    query: CompiledQuery,
    fixed: Mapping[str, int],
    draws: int,
    perturbation: Perturbation,
) -> Array:
    """The query's posterior on every draw, chunk by chunk: (draws, target states)."""
    wanted = query.fixed_axes(fixed)
    per_draw = sum(net.tables[n].size for n, _ in wanted) * 8
    chunk = max(1, CHUNK_MB * 2**20 // max(per_draw, 1))
    parts = []
    for start, count in chunks(draws, chunk):
        arrays = draw_tables(net.tables, wanted, net.structure.nodes, start, count, perturbation)
        joint = query.contract(arrays)
        parts.append(joint / joint.sum(axis=1, keepdims=True))
    return np.concatenate(parts)


def full_draws(net: DiscreteNetwork, count: int, perturbation: Perturbation) -> dict[str, Array]:
    """The first `count` draws of every table, draws last, for the per-draw loops."""
    nodes = net.structure.nodes
    wanted: list[tuple[str, Mapping[int, int]]] = [(n, {}) for n in nodes]
    return dict(
        zip(nodes, draw_tables(net.tables, wanted, nodes, 0, count, perturbation), strict=True)
    )


def timed_loop(
    name: str, count: int, answer: Callable[[int], Array], budget: float = LOOP_SECONDS
) -> Loop:
    """Answer draws 0, 1, ... until `count` of them or the time budget, and time them."""
    answers = []
    began = time.perf_counter()
    for d in range(count):
        answers.append(answer(d))
        if time.perf_counter() - began > budget:
            break
    elapsed = time.perf_counter() - began
    return Loop(name, len(answers), elapsed / len(answers), np.array(answers))


def pyagrum_loop(
    path: Path,
    net: DiscreteNetwork,
    target: str,
    given: Mapping[str, str],
    tables: Mapping[str, Array],
) -> tuple[Loop, Array]:
    """pyAgrum's per-draw loop over `tables` and its answer on the file's own network."""
    import pyagrum as gum

    bn = gum.loadBN(str(path))
    evidence = dict(given)

    def ask() -> Array:
        engine = gum.LazyPropagation(bn)  # type: ignore[no-untyped-call]
        engine.setEvidence(evidence)
        engine.makeInference()
        return np.array(engine.posterior(target).toarray())  # type: ignore[no-untyped-call]

    point = ask()
    order = {}
    for node in net.structure.nodes:
        family = [*net.structure.parents[node], node]
        order[node] = [family.index(v) for v in reversed(bn.cpt(node).names)]

    def one(d: int) -> Array:
        for node, table in tables.items():
            bn.cpt(node).fillWith(np.transpose(table[..., d], order[node]).ravel().tolist())
        return ask()

    count = next(iter(tables.values())).shape[-1]
    return timed_loop("pyAgrum LazyPropagation", count, one), point


def pgmpy_loop(
    net: DiscreteNetwork, target: str, given: Mapping[str, str], tables: Mapping[str, Array]
) -> tuple[Loop, Array]:
    """pgmpy's per-draw loop over `tables` and its answer on the point network."""
    from forecast.exchange.pgmpymodel import build_pgmpy, pgmpy_posterior

    tolerance = 0.01  # pgmpy's own, as published files round their columns

    structure = net.structure

    def ask(cpts: Mapping[str, Array]) -> Array:
        return pgmpy_posterior(build_pgmpy(structure, cpts, tolerance), structure, target, given)

    point = ask(net.point_cpts())

    def one(d: int) -> Array:
        return ask({n: np.moveaxis(t[..., d : d + 1], -1, 0) for n, t in tables.items()})

    count = next(iter(tables.values())).shape[-1]
    return timed_loop("pgmpy VariableElimination", count, one), point


def bench_network(
    path: Path,
    net: DiscreteNetwork,
    draws: int,
    perturbation: Perturbation,
    loops: tuple[str, ...] = ("pyagrum", "pgmpy"),
    loop_draws: int = LOOP_DRAWS,
    progress: Callable[[str], None] = lambda _: None,
) -> NetworkBench:
    """Time the standard query over `draws` draws, then the per-draw loops asked for;
    `progress` hears about each loop before it starts (each can take seconds)."""
    structure = net.structure
    target, given = standard_query(structure)
    began = time.perf_counter()
    engine = Engine(structure)
    query = engine.compiled(Shape(target, tuple(sorted(given)), ()))
    fixed = {n: structure.states[n].index(s) for n, s in given.items()}
    samples = our_draws(net, query, fixed, draws, perturbation)
    seconds = time.perf_counter() - began
    memory = peak_mb()
    point = engine.posterior(net.point_cpts(), target, given)[0]
    result = NetworkBench(
        net.name,
        len(structure.nodes),
        target,
        given,
        structure.states[target],
        point,
        draws,
        seconds,
        memory,
        samples.mean(axis=0),
    )
    if not loops:
        return result
    tables = full_draws(net, min(loop_draws, draws), perturbation)
    runners: dict[str, Callable[[], tuple[Loop, Array]]] = {
        "pyagrum": lambda: pyagrum_loop(path, net, target, given, tables),
        "pgmpy": lambda: pgmpy_loop(net, target, given, tables),
    }
    for name in loops:
        progress(
            f"timing {name}'s per-draw loop (at most {min(loop_draws, draws)} "
            f"draws or {LOOP_SECONDS:.0f} s)..."
        )
        loop, theirs = runners[name]()
        result.loops.append(loop)
        result.point_differences[name] = float(np.abs(theirs - point).max())
        mine = samples[: loop.timed]
        result.draw_differences[name] = float(np.abs(loop.answers - mine).max())
    return result


def as_json(bench: NetworkBench) -> dict[str, Any]:
    """The machine-readable record of one network's bench."""
    return {
        "network": bench.network,
        "nodes": bench.nodes,
        "target": bench.target,
        "given": bench.given,
        "point": dict(zip(bench.states, (float(p) for p in bench.point), strict=True)),
        "mean": dict(zip(bench.states, (float(p) for p in bench.mean), strict=True)),
        "seconds": bench.seconds,
        "draws": bench.draws,
        "peak_mb": bench.peak_mb,
        "loops": {
            loop.name: {
                "timed_draws": loop.timed,
                "seconds_per_draw": loop.per_draw,
                "seconds_for_all_draws": loop.seconds(bench.draws),
                "ratio": loop.seconds(bench.draws) / bench.seconds,
            }
            for loop in bench.loops
        },
        "largest_difference_on_point_network": bench.point_differences,
        "largest_difference_on_timed_draws": bench.draw_differences,
    }


def _seconds(value: float) -> str:
    return f"{value:.3g} s" if value < 100 else f"{value:,.0f} s"


def as_text(bench: NetworkBench) -> str:
    """What `forecast bench` prints for one network."""
    given = ", ".join(f"{n}={s}" for n, s in bench.given.items())
    point = ", ".join(f"{s} {p:.4f}" for s, p in zip(bench.states, bench.point, strict=True))
    lines = [
        f"{bench.network}: {bench.nodes} nodes; P({bench.target} | {given})",
        f"  point network: {point}",
        f"  ours: {bench.draws:,} draws in {_seconds(bench.seconds)} "
        f"({bench.seconds / bench.draws * 1e6:.1f} µs a draw), peak {bench.peak_mb:,.0f} MB",
    ]
    for loop, key in zip(bench.loops, bench.point_differences, strict=True):
        total = loop.seconds(bench.draws)
        lines.append(
            f"  {loop.name}, one draw at a time: {loop.per_draw * 1e3:.2f} ms a draw "
            f"(timed over {loop.timed}), so {_seconds(total)} for {bench.draws:,}: "
            f"ours is {total / bench.seconds:,.0f}× faster"
        )
        lines.append(
            f"    largest difference: {bench.point_differences[key]:.1e} on the point network, "
            f"{bench.draw_differences[key]:.1e} on the {loop.timed} timed draws"
        )
    return "\n".join(lines)
