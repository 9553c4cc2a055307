"""Sensitivity of the outcome: to each driver, to each table column, and to the pool.

pgmpy has no sensitivity analysis, so it is computed here with the compiled engine: a
driver swings between its states on the point network; a column of a table (one parent
combination of one node) swings between the 5th and 95th percentiles of the baseline it
gives when it alone takes its drawn values and every other column keeps its point value;
and the baseline is recomputed under each pool the model offers (linear, logarithmic and
extremized), so the effect of that choice is in view.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.analysis.decides import Decides
from forecast.base.arrays import Array
from forecast.fitting.pooling import POOLS
from forecast.fitting.run import FitCache, Query, Run, run_study
from forecast.inference.compiled import engine_for, posterior
from forecast.inference.summary import number, without_errors
from forecast.inputs.domain import ColumnKey, Study


@dataclass(frozen=True)
class Swing:
    factor: str
    kind: str  # "driver" or "parameter"
    low: dict[str, float]  # outcome state -> probability at the factor's low setting
    high: dict[str, float]

    def width(self, state: str) -> float:
        return abs(self.high[state] - self.low[state])


def _as_dict(study: Study, values: object) -> dict[str, float]:
    states = study.network.node(study.network.outcome).states
    return {s: float(values[i]) for i, s in enumerate(states)}  # type: ignore[index]


def driver_swings(run: Run) -> list[Swing]:
    """Each driver observed in each of its states (with every other observation), on the
    point network: the lowest and highest outcome per state."""
    study, tables, structure = run.study, run.point_tables, run.structure
    swings = []
    for node in study.network.nodes:
        if node.kind != "driver":
            continue
        results = np.stack(
            [
                posterior(
                    structure, tables.cpts, study.network.outcome, study.given_for({node.id: s}, {})
                )[0]
                for s in node.states
            ]
        )
        swings.append(
            Swing(
                node.label,
                "driver",
                _as_dict(study, results.min(axis=0)),
                _as_dict(study, results.max(axis=0)),
            )
        )
    return swings


def _column_label(run: Run, node: str, combo: tuple[int, ...]) -> str:
    """A column by the parents that are off their baseline: 'node | a=x' ('| baseline')."""
    network = run.study.network
    parents = [network.node(p) for p in network.node(node).parents]
    moved = tuple((p.id, p.states[i]) for p, i in zip(parents, combo, strict=True))
    return ColumnKey(
        node, tuple((p, st) for p, st in moved if st != network.node(p).baseline)
    ).label()


def column_swings(run: Run) -> list[Swing]:
    """Every column of every table between its 5th and 95th percentile: the baseline's
    outcome (given every observation) with that column alone at each draw's value.

    The unnormalised baseline P(outcome, observations) is linear in the entries of any one
    column (each term of the joint holds at most one of them), so it is fixed exactly by
    its values with the column at each unit vector and at zero, on the point network; each
    draw's value is then the drawn column times those slopes, plus the constant."""
    structure, point = run.structure, run.point_tables.cpts
    outcome = run.study.network.outcome
    given = run.study.given_for({}, {})
    engine = engine_for(structure)
    columns: list[tuple[str, tuple[int, ...], Array, Array]] = []  # node, parents, slopes, constant
    for node in structure.nodes:
        shape, k = point[node].shape[1:-1], point[node].shape[-1]
        probes = {n: np.broadcast_to(t, (k + 1, *t.shape[1:])) for n, t in point.items()}
        for combo in itertools.product(*(range(size) for size in shape)):
            own = probes[node].copy()
            at: tuple[slice | int, ...] = (slice(None), *combo)
            own[at] = np.vstack([np.eye(k), np.zeros((1, k))])
            joint = engine.joint({**probes, node: own}, outcome, given, {})
            columns.append((node, combo, joint[:k] - joint[k], joint[k]))
    drawn: list[list[Array]] = [[] for _ in columns]
    for chunk in run.drawn.chunks():  # each chunk made once, its drawn columns kept
        for i, (node, combo, _, _) in enumerate(columns):
            where: tuple[slice | int, ...] = (slice(None), *combo)
            drawn[i].append(chunk[node][where])
    swings = []
    for (node, combo, slope, constant), parts in zip(columns, drawn, strict=True):
        values = np.concatenate(parts) @ slope + constant
        samples = values / values.sum(axis=1, keepdims=True)
        low, high = np.quantile(samples, [0.05, 0.95], axis=0)
        label = _column_label(run, node, combo)
        swings.append(Swing(label, "column", _as_dict(run.study, low), _as_dict(run.study, high)))
    return swings


def all_swings(run: Run) -> list[Swing]:
    """Drivers and table columns together (computed once, ranked per outcome state)."""
    return driver_swings(run) + column_swings(run)


def pooled_baselines(
    study: Study, draws: int, seed: int, cache: FitCache | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """The baseline (given every observation) refitted under each pool: {pool: {state:
    {point, mean, p05, p95}}}; `cache` keeps each pool's fitted draws."""
    outcome = study.network.node(study.network.outcome)
    query = Query(outcome.id, study.given_for({}, {}))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for kind in POOLS:
        settings = dataclasses.replace(study.model.settings, pooling=kind)
        pooled = dataclasses.replace(study.with_settings(settings), scenarios=())
        run = run_study(pooled, draws, seed, cache=cache)
        out[kind] = {s: without_errors(o) for s, o in run.summaries([query])[0].items()}
    return out


def _swing_row(swing: Swing) -> dict[str, Any]:
    return {
        "factor": swing.factor,
        "kind": swing.kind,
        "low": {s: number(p) for s, p in swing.low.items()},
        "high": {s: number(p) for s, p in swing.high.items()},
    }


def sensitivity_document(
    run: Run, swings: list[Swing], pools: dict[str, Any], decides: Decides
) -> dict[str, Any]:
    """The tornado data (every swing, widest first over all outcome states, and for each
    state the order of its own widest), the baseline under each pool, and what the
    whole-question statements and the driver priors decide (`decides`), as JSON."""
    states = run.study.network.node(run.study.network.outcome).states
    ranked = sorted(swings, key=lambda s: (-max(s.width(st) for st in states), s.factor))
    settings = run.study.model.settings
    return {
        "outcome": run.study.network.outcome,
        "given": run.study.observed(),
        "swings": [_swing_row(s) for s in ranked],
        "widest": {  # per outcome state, the swings' positions in "swings", widest first
            state: sorted(range(len(ranked)), key=lambda i: -ranked[i].width(state))
            for state in states
        },
        "pools": pools,
        "pooling": settings.pooling,
        "extremizing": settings.extremizing,
        "decides": decides,
    }


def tornado(swings: list[Swing], state: str, limit: int = 12) -> list[Swing]:
    """The widest swings for one outcome state."""
    return sorted(swings, key=lambda s: -s.width(state))[:limit]
