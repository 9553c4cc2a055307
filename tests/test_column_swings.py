"""Each column's swing from its slopes equals the baseline recomputed at every drawn column."""

import itertools

import numpy as np

from forecast.analysis.sensitivity import column_swings
from forecast.inference.compiled import posterior


def test_every_column_swing_equals_the_baseline_at_each_drawn_column(real_run) -> None:  # type: ignore[no-untyped-def]
    """The direct way: the point network with one column replaced by each draw's, the
    baseline asked of every such network, its 5th and 95th percentiles."""
    run = real_run
    point, drawn = run.point_tables.cpts, run.drawn.chunk(0)
    outcome = run.study.network.outcome
    given = run.study.given_for({}, {})
    states = run.structure.states[outcome]
    swings = iter(column_swings(run))
    for node in run.structure.nodes:
        for combo in itertools.product(*(range(k) for k in point[node].shape[1:-1])):
            draws = drawn[node].shape[0]
            tables = {n: np.broadcast_to(t, (draws, *t.shape[1:])) for n, t in point.items()}
            own = tables[node].copy()
            own[(slice(None), *combo)] = drawn[node][(slice(None), *combo)]
            samples = posterior(run.structure, {**tables, node: own}, outcome, given)
            low, high = np.quantile(samples, [0.05, 0.95], axis=0)
            swing = next(swings)
            assert np.allclose([swing.low[s] for s in states], low, rtol=0, atol=1e-12)
            assert np.allclose([swing.high[s] for s in states], high, rtol=0, atol=1e-12)
    assert next(swings, None) is None, "one swing per column"
