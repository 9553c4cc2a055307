"""The compiled engine against pgmpy (1e-9) and pyAgrum (1e-6) on networks nobody here built,
and on random networks past numpy's 52 einsum letters; the BIF reader against pgmpy's."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.analysis.netbench import standard_query
from forecast.exchange.pgmpymodel import build_pgmpy, pgmpy_posterior
from forecast.inference.bif import BifError, DiscreteNetwork, read_bif
from forecast.inference.compiled import Engine, Shape, posterior
from forecast.inference.structure import Structure

NETWORKS = Path(__file__).parent / "data" / "networks"
NAMES = ["asia", "insurance", "alarm", "hailfinder", "andes"]
TOL = 1e-9
PYAGRUM_TOL = 1e-6  # pyAgrum's BIF reader parses single precision


@pytest.fixture(scope="module", params=NAMES)
def network(request: Any) -> tuple[DiscreteNetwork, Any]:
    """Ours and pgmpy's reading of one standard network."""
    from pgmpy.readwrite import BIFReader

    path = NETWORKS / f"{request.param}.bif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = BIFReader(str(path)).get_model()
    return read_bif(path), theirs


def _queries(net: DiscreteNetwork) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """The standard query, marginals, and the standard query with one observation forced."""
    structure = net.structure
    target, observed = standard_query(structure)
    rng = np.random.default_rng(len(structure.nodes))
    others = [str(n) for n in rng.choice(structure.nodes, size=3, replace=False)]
    first, *rest = observed
    forced = {first: structure.states[first][-1]}
    return [
        (target, observed, {}),
        (target, {}, {}),
        *((n, {}, {}) for n in others),
        (target, {n: observed[n] for n in rest}, forced),
    ]


def test_reader_equals_pgmpys(network: tuple[DiscreteNetwork, Any]) -> None:
    ours, theirs = network
    assert set(ours.structure.nodes) == set(theirs.nodes())
    for node in ours.structure.nodes:
        cpd = theirs.get_cpds(node)
        assert tuple(cpd.variables[1:]) == ours.structure.parents[node]
        assert tuple(cpd.state_names[node]) == ours.structure.states[node]
        expected = np.moveaxis(cpd.values, 0, -1)
        np.testing.assert_array_equal(ours.tables[node], expected)


def test_answers_equal_pgmpy(network: tuple[DiscreteNetwork, Any]) -> None:
    ours, theirs = network
    cpts = ours.point_cpts()
    for target, observed, forced in _queries(ours):
        mine = posterior(ours.structure, cpts, target, observed, forced)[0]
        expected = pgmpy_posterior(theirs, ours.structure, target, observed, forced)
        np.testing.assert_allclose(mine, expected, atol=TOL, rtol=0)


@pytest.mark.parametrize("name", NAMES)
def test_answers_equal_pyagrum(name: str) -> None:
    import pyagrum as gum

    path = NETWORKS / f"{name}.bif"
    ours = read_bif(path)
    bn = gum.loadBN(str(path))
    for target, observed, forced in _queries(ours):
        if forced:
            continue  # pyAgrum's LazyPropagation has no do(); pgmpy checks those
        engine = gum.LazyPropagation(bn)
        engine.setEvidence(observed)
        engine.makeInference()
        expected = engine.posterior(target).toarray()
        mine = posterior(ours.structure, ours.point_cpts(), target, observed)[0]
        np.testing.assert_allclose(mine, expected, atol=PYAGRUM_TOL, rtol=0)


def test_pruning_leaves_out_barren_and_separated_nodes() -> None:
    """asia: P(tub | asia) reads tub's table alone (every other node is barren or fixed);
    given either and lung, smoke is cut off from tub and its tables are dropped. The
    answers still equal pgmpy's."""
    net = read_bif(NETWORKS / "asia.bif")
    engine = Engine(net.structure)
    assert engine.compiled(Shape("tub", ("asia",), ())).nodes == ["tub"]
    separated = engine.compiled(Shape("tub", ("either", "lung"), ()))
    assert "smoke" not in separated.nodes and "xray" not in separated.nodes
    model = build_pgmpy(net.structure, net.point_cpts(), tolerance=0.01)
    for observed in ({"asia": "yes"}, {"either": "yes", "lung": "no"}):
        mine = posterior(net.structure, net.point_cpts(), "tub", observed)[0]
        expected = pgmpy_posterior(model, net.structure, "tub", observed)
        np.testing.assert_allclose(mine, expected, atol=TOL, rtol=0)


@st.composite
def large_networks(draw: st.DrawFn) -> tuple[Structure, dict[str, np.ndarray], str, dict, dict]:
    """A random DAG of 53 to 70 nodes (each with up to two earlier parents, 2 or 3 states),
    random tables with one or two draws, and a query with evidence and an intervention."""
    n = draw(st.integers(53, 70))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    structure, cpts = _random_network(rng, n, 2, draw(st.integers(1, 2)))
    names, states = list(structure.nodes), structure.states
    picked = [names[int(i)] for i in rng.choice(n, size=5, replace=False)]
    target, *conditioning = picked
    observed = {v: states[v][0] for v in conditioning[:3]}
    forced = {conditioning[3]: states[conditioning[3]][-1]}
    return structure, cpts, target, observed, forced


def _random_network(
    rng: np.random.Generator, n: int, most_parents: int, draws: int
) -> tuple[Structure, dict[str, np.ndarray]]:
    """A random DAG of n nodes (2 or 3 states, up to `most_parents` earlier parents each)
    and `draws` random tables per node."""
    names = [f"v{i}" for i in range(n)]
    states = {v: tuple(f"s{j}" for j in range(int(rng.integers(2, 4)))) for v in names}
    parents = {
        v: tuple(
            sorted(
                {
                    names[int(j)]
                    for j in rng.integers(0, i, size=int(rng.integers(0, most_parents + 1)))
                }
            )
        )
        if i
        else ()
        for i, v in enumerate(names)
    }
    cpts = {
        v: rng.dirichlet(
            np.ones(len(states[v])), size=(draws, *(len(states[p]) for p in parents[v]))
        )
        for v in names
    }
    return Structure(tuple(names), states, parents), cpts


@settings(max_examples=8, deadline=None)
@given(large_networks())
def test_networks_past_52_nodes_equal_pgmpy(case: Any) -> None:
    structure, cpts, target, observed, forced = case
    mine = posterior(structure, cpts, target, observed, forced)
    for d in range(mine.shape[0]):
        model = build_pgmpy(structure, {k: v[d : d + 1] for k, v in cpts.items()})
        for conditions in ({}, forced):
            answer = posterior(structure, cpts, target, observed, conditions)[d]
            expected = pgmpy_posterior(model, structure, target, observed, conditions)
            np.testing.assert_allclose(answer, expected, atol=TOL, rtol=0)
        # the whole network as one marginal too: every node relevant
        last = structure.nodes[-1]
        np.testing.assert_allclose(
            posterior(structure, cpts, last)[d],
            pgmpy_posterior(model, structure, last),
            atol=TOL,
            rtol=0,
        )


def test_draws_last_layout_gives_the_same_answers() -> None:
    net = read_bif(NETWORKS / "alarm.bif")
    rng = np.random.default_rng(3)
    cpts = {
        n: rng.dirichlet(np.ones(t.shape[-1]), size=(4, *t.shape[:-1]))
        for n, t in net.tables.items()
    }
    last = {n: np.ascontiguousarray(np.moveaxis(t, 0, -1)) for n, t in cpts.items()}
    target, observed = standard_query(net.structure)
    engine = Engine(net.structure)
    np.testing.assert_allclose(
        engine.posterior(last, target, observed, draws_last=True),
        engine.posterior(cpts, target, observed),
        atol=1e-14,
        rtol=0,
    )


def test_unreadable_bif_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.bif"
    path.write_text(
        "network x {\n}\nvariable a {\n  type discrete [ 2 ] { yes, no };\n}\n"
        "probability ( a ) {\n  table 0.5, oops;\n}\n"
    )
    with pytest.raises(BifError, match=r"bad.bif, line 6: expected numbers"):
        read_bif(path)


@st.composite
def question_sets(draw: st.DrawFn) -> tuple[Structure, dict[str, np.ndarray], list[Any]]:
    """A random DAG of 6 to 14 nodes with three draws of tables, and 2 to 12 questions of
    one target and one intervention, each seeing its own subset of a few nodes (some seen
    by all of them in one state, some by none, the target itself by one)."""
    n = draw(st.integers(6, 14))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    structure, cpts = _random_network(rng, n, 3, 3)
    names, states = list(structure.nodes), structure.states
    target, forced, always, *pool = (names[int(i)] for i in rng.permutation(n)[:6])
    do = {forced: states[forced][0]} if draw(st.booleans()) else {}
    asked = []
    for _ in range(draw(st.integers(2, 12))):
        seen = {always: states[always][-1]}
        for node in pool:
            if rng.random() < 0.6:
                seen[node] = states[node][int(rng.integers(len(states[node])))]
        asked.append((target, seen, do))
    if draw(st.booleans()):
        asked.append((target, {target: states[target][0]}, do))
    if do and draw(st.booleans()):  # a node both seen and forced: the forced state holds
        asked.append((target, {forced: states[forced][-1], always: states[always][-1]}, do))
    return structure, cpts, asked


@settings(deadline=None)
@given(question_sets())
def test_questions_sharing_a_contraction_get_their_own_answers(case: Any) -> None:
    """One contraction with free nodes (`Engine.posteriors`), for all the questions or for
    the groups they are split into, gives each question what its own contraction gives
    (1e-12), and pgmpy's answer (1e-9)."""
    structure, cpts, asked = case
    shared, alone = Engine(structure), Engine(structure)
    shared._cheaper = lambda *_: True  # type: ignore[method-assign]
    alone._cheaper = lambda *_: False  # type: ignore[method-assign]
    partly = Engine(structure)  # shares only small groups: the questions split up first
    partly._cheaper = lambda _wide, _target, seen, _do: len(seen) <= 3  # type: ignore[method-assign]
    together = shared.posteriors(cpts, asked)
    apart = alone.posteriors(cpts, asked)
    split = partly.posteriors(cpts, asked)
    last = {n: np.ascontiguousarray(np.moveaxis(t, 0, -1)) for n, t in cpts.items()}
    chosen = Engine(structure).posteriors(last, asked, draws_last=True)
    # what the real criterion shares holds no more cells a draw than its answers or tables
    target, _, do = asked[0]
    engine = Engine(structure)
    seen = {i: g for i, (t, g, _) in enumerate(asked) if t not in g and not set(g) & set(do)}
    for group, wide in engine._shared(target, do, seen):
        if wide is not None:
            answers = len(group) * len(structure.states[target])
            assert wide.info.largest_intermediate <= max(answers, wide.largest_table)
    model = build_pgmpy(structure, {k: v[1:2] for k, v in cpts.items()})
    for (target, seen, do), a, b, c, d in zip(asked, together, apart, chosen, split, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12, rtol=0)
        np.testing.assert_allclose(c, b, atol=1e-12, rtol=0)
        np.testing.assert_allclose(d, b, atol=1e-12, rtol=0)
        if target not in seen and not set(seen) & set(do):
            expected = pgmpy_posterior(model, structure, target, seen, do)
            np.testing.assert_allclose(a[1], expected, atol=TOL, rtol=0)
