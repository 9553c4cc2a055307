"""The batched engine must equal pgmpy's VariableElimination to 1e-9."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forecast.exchange.pgmpymodel import build_pgmpy, pgmpy_posterior
from forecast.fitting.run import Query, run_study
from forecast.inference.compiled import posterior
from forecast.inference.structure import Structure
from forecast.inference.summary import outcome_summary
from forecast.inputs.sizes import DrawPlan

TOL = 1e-9


def test_real_model_every_scenario(real_run) -> None:
    outcome = real_run.study.network.outcome
    assert real_run.results, "the real workspace has scenarios"
    for result in real_run.results:
        sc = result.scenario
        given = real_run.study.given_for(sc.given, sc.do)  # what was seen, too
        batched = posterior(real_run.structure, real_run.point_tables.cpts, outcome, given, sc.do)
        np.testing.assert_allclose(batched[0], result.point, atol=TOL, rtol=0)
        assert abs(result.point.sum() - 1.0) < 1e-12


def _check_draws(run, draws: tuple[int, ...]) -> None:  # type: ignore[no-untyped-def]
    """Single draws, each rebuilt from its chunk as its own pgmpy network, match the batch."""
    outcome = run.study.network.outcome
    chunk = run.drawn.plan.chunk
    for d in draws:
        cpts = run.drawn.chunk(d // chunk)
        tables = {k: v[d % chunk : d % chunk + 1] for k, v in cpts.items()}
        model = build_pgmpy(run.structure, tables)
        for result in run.results:
            sc = result.scenario
            given = run.study.given_for(sc.given, sc.do)
            expected = pgmpy_posterior(model, run.structure, outcome, given, sc.do)
            np.testing.assert_allclose(result.samples[d], expected, atol=TOL, rtol=0)


def test_real_model_individual_draws(real_run) -> None:
    assert real_run.drawn.plan.chunks == 1
    _check_draws(real_run, (0, 17, 299))


def test_chunked_draws_are_the_chunks_in_order(study) -> None:
    """Draws made in three chunks: every draw is its chunk's table, in order, and no more
    than one chunk's tables is held by the run."""
    plan = DrawPlan(draws=600, chunk=210, group=2)
    run = run_study(study, 600, seed=11, plan=plan)
    assert plan.chunks == 3 and run.drawn.kept is None
    assert all(r.samples.shape[0] == 600 for r in run.results)
    _check_draws(run, (0, 209, 210, 420, 599))
    # the summaries, made a group of queries at a time, equal the whole-draw summaries
    queries = [
        Query(study.network.outcome, study.given_for(sc.given, sc.do), sc.do)
        for sc in study.scenarios
    ]
    grouped = run.summaries(queries)
    for result, summary in zip(run.results, grouped, strict=True):
        states = run.structure.states[study.network.outcome]
        whole = outcome_summary(states, result.point, result.samples)
        for state, values in summary.items():
            for key in ("mean", "p05", "p95"):
                assert values[key] == whole[state][key]
            assert abs(values["point"] - whole[state]["point"]) < 1e-9


def test_every_node_as_target(real_run) -> None:
    for node in real_run.study.network.ids:
        batched = posterior(real_run.structure, real_run.point_tables.cpts, node)
        expected = pgmpy_posterior(
            build_pgmpy(real_run.structure, real_run.point_tables.cpts), real_run.structure, node
        )
        np.testing.assert_allclose(batched[0], expected, atol=TOL, rtol=0)


@st.composite
def random_networks(draw: st.DrawFn) -> tuple[Structure, dict[str, np.ndarray], dict, dict, str]:
    """A random DAG (2-6 nodes, 2-4 states), random CPTs with several draws, and a query."""
    n = draw(st.integers(2, 6))
    names = [f"n{i}" for i in range(n)]
    states = {name: tuple(f"s{j}" for j in range(draw(st.integers(2, 4)))) for name in names}
    parents: dict[str, tuple[str, ...]] = {}
    for i, name in enumerate(names):
        candidates = names[:i]
        chosen = (
            draw(st.lists(st.sampled_from(candidates), unique=True, max_size=3))
            if candidates
            else []
        )
        parents[name] = tuple(chosen)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    batch = draw(st.integers(1, 3))
    cpts = {}
    for name in names:
        shape = (batch, *(len(states[p]) for p in parents[name]), len(states[name]))
        cpts[name] = rng.dirichlet(np.ones(len(states[name])) * 0.7, size=shape[:-1])
    target = draw(st.sampled_from(names))
    others = [m for m in names if m != target]
    observed = draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []
    rest = [m for m in others if m not in observed]
    forced = draw(st.lists(st.sampled_from(rest), unique=True, max_size=1)) if rest else []
    given = {m: draw(st.sampled_from(states[m])) for m in observed}
    do = {m: draw(st.sampled_from(states[m])) for m in forced}
    return Structure(tuple(names), states, parents), cpts, given, do, target


@given(random_networks())
def test_random_networks_match_pgmpy(case) -> None:
    structure, cpts, given_, do, target = case
    batched = posterior(structure, cpts, target, given_, do)
    batch = next(iter(cpts.values())).shape[0]
    for d in range(batch):
        model = build_pgmpy(structure, {k: v[d : d + 1] for k, v in cpts.items()})
        expected = pgmpy_posterior(model, structure, target, given_, do)
        np.testing.assert_allclose(batched[d], expected, atol=TOL, rtol=0)


def test_cpd_layout_against_hand_computed_case() -> None:
    """Two parents with different cardinalities: P(c) computed by hand must match."""
    structure = Structure(
        ("a", "b", "c"),
        {"a": ("a0", "a1"), "b": ("b0", "b1", "b2"), "c": ("c0", "c1")},
        {"a": (), "b": (), "c": ("a", "b")},
    )
    pa = np.array([[0.3, 0.7]])
    pb = np.array([[0.2, 0.5, 0.3]])
    pc = np.zeros((1, 2, 3, 2))
    pc[0, :, :, 0] = [[0.9, 0.6, 0.1], [0.4, 0.2, 0.05]]
    pc[0, :, :, 1] = 1 - pc[0, :, :, 0]
    cpts = {"a": pa, "b": pb, "c": pc}
    by_hand = sum(pa[0, i] * pb[0, j] * pc[0, i, j, 0] for i in range(2) for j in range(3))
    model = build_pgmpy(structure, cpts)
    np.testing.assert_allclose(pgmpy_posterior(model, structure, "c")[0], by_hand, atol=1e-12)
    np.testing.assert_allclose(posterior(structure, cpts, "c")[0, 0], by_hand, atol=1e-12)
    # given a1, b2: the column must be pc[a1, b2]
    col = pgmpy_posterior(model, structure, "c", {"a": "a1", "b": "b2"})
    np.testing.assert_allclose(col, pc[0, 1, 2], atol=1e-12)
