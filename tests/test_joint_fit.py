"""Properties of the joint fit: it reduces to the pool, recovers a known network, weighs
conflicts as the closed form says, matches pgmpy and its own finite differences, narrows
with concordant evidence, and lets a weaker grade give way to the assumption."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit, logit

from forecast.fitting.claimfit import WRONG_WAY, fit_rows
from forecast.fitting.cpt import _assemble, build_tables
from forecast.inference.compiled import posterior
from forecast.inference.contraction import ContractedQueries
from forecast.inference.jointqueries import JointQueries
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Conditions, Network

from .synthetic import log_linear_truth, random_network, statement, study_of

SIZES = {"a": 2, "b": 2, "c": 3, "d": 2}
PARENTS = {"b": ("a",), "c": ("a", "b"), "d": ("c",)}


def _network() -> Network:
    return random_network(np.random.default_rng(0), SIZES, PARENTS)


def _conditions(
    given: dict[str, str] | None = None, do: dict[str, str] | None = None
) -> Conditions:
    return Conditions(tuple(sorted((given or {}).items())), tuple(sorted((do or {}).items())))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_claims_alone_give_the_pooled_tables(seed: int) -> None:
    """Property 1: only column claims, assumptions giving way: the fit is today's pool."""
    net = _network()
    rng = np.random.default_rng(seed)
    claims = []
    for node in net.nodes:
        parents = [net.node(p) for p in node.parents]
        columns = [{}] + [
            {p.id: s, **{q.id: q.baseline for q in parents if q is not p}}
            for p in parents
            for s in p.states[1:]
        ]
        for i, moved in enumerate(columns):
            full = {p.id: moved.get(p.id, p.baseline) for p in parents}
            for j in range(int(rng.integers(1, 3))):
                state = node.states[int(rng.integers(0, max(1, len(node.states) - 1)))]
                low = float(rng.uniform(0.05, 0.3))
                claims.append(
                    statement(
                        net,
                        f"{node.id}-{i}-{j}",
                        node.id,
                        state,
                        low,
                        low + 0.1,
                        given=full,
                        weight=float(rng.uniform(0.2, 1.0)),
                    )
                )
    study = study_of(net, claims)
    for tables in (build_tables(study), build_tables(study, 50, np.random.default_rng(seed))):
        for node in net.nodes:
            parents = [net.node(p) for p in node.parents]
            pooled, _ = _assemble(node, parents, tables.columns)
            np.testing.assert_allclose(tables.cpts[node.id], pooled, atol=1e-9, rtol=0)


def _truth_claims(net: Network, truth: dict[str, np.ndarray]) -> list:  # type: ignore[type-arg]
    """Level claims (marginals, conditionals, evidential, do-queries) and pushes, each at
    the true value of the known network."""
    structure = structure_of(net)

    def value(node: str, state: str, given=None, do=None) -> float:  # type: ignore[no-untyped-def]
        answer = posterior(structure, truth, node, given or {}, do or {})[0]
        return float(answer[net.node(node).index(state)])

    levels = [
        ("a", "s1", {}, {}),
        ("b", "s1", {}, {}),
        ("c", "s1", {}, {}),
        ("c", "s2", {}, {}),
        ("d", "s1", {}, {}),
        ("b", "s1", {"a": "s1"}, {}),
        ("c", "s1", {"a": "s1"}, {}),
        ("c", "s2", {"b": "s1"}, {}),
        ("d", "s1", {"a": "s1"}, {}),
        ("c", "s0", {"d": "s1"}, {}),
        ("d", "s1", {"b": "s1"}, {}),
        ("c", "s1", {}, {"b": "s1"}),
        ("d", "s1", {}, {"c": "s2"}),
        ("d", "s1", {}, {"c": "s1"}),
        ("c", "s2", {}, {"a": "s1"}),
        ("c", "s1", {"a": "s1", "b": "s1"}, {}),
        ("c", "s2", {"a": "s1", "b": "s1"}, {}),
    ]
    claims = [
        statement(net, f"level-{i}", n, s, value(n, s, g, d), given=g, do=d)
        for i, (n, s, g, d) in enumerate(levels)
    ]
    pushes = [("c", "s1", {"a": "s1"}), ("d", "s1", {"c": "s2"}), ("b", "s1", {"a": "s1"})]
    for i, (n, s, g) in enumerate(pushes):
        p = value(n, s, g)
        r = value(n, s, dict.fromkeys(g, "s0"))
        ratio = float(np.exp(logit(p) - logit(r)))
        direction = "raises" if ratio > 1 else "lowers"
        claims.append(statement(net, f"push-{i}", n, s, ratio, given=g, direction=direction))
    return claims


@pytest.mark.parametrize("seed", [11, 12])
def test_known_network_is_recovered(seed: int) -> None:
    """Property 2: claims generated from a known network are all met to 1e-6 by the fit."""
    net = _network()
    truth = log_linear_truth(np.random.default_rng(seed), net)
    claims = _truth_claims(net, truth)
    tables = build_tables(study_of(net, claims))
    assert tables.fit.converged
    rows = {r["id"]: r for r in fit_rows(study_of(net, claims), tables)}
    for claim in claims:
        assert abs(rows[claim.id]["fitted"] - claim.low) < 1e-6, claim.id
    for node in net.nodes:
        np.testing.assert_allclose(tables.cpts[node.id], truth[node.id], atol=1e-5)


@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.1, 5.0), st.floats(0.1, 5.0))
def test_two_conflicting_claims_meet_at_the_weighted_log_odds(
    p1: float, p2: float, w1: float, w2: float
) -> None:
    """Property 3: on a two-state node, where the closed form says, for column claims and
    for query claims alike."""
    expected = float(expit((w1 * logit(p1) + w2 * logit(p2)) / (w1 + w2)))
    net = random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})
    column = study_of(
        net,
        [
            statement(net, "one", "x", "s1", p1, weight=w1),
            statement(net, "two", "x", "s1", p2, weight=w2),
            statement(net, "y0", "y", "s1", 0.5, given={"x": "s0"}),
            statement(net, "y1", "y", "s1", 0.5, given={"x": "s1"}),
        ],
    )
    fitted = build_tables(column).cpts["x"][0, 1]
    assert abs(fitted - expected) < 1e-9
    query = study_of(
        net,
        [
            statement(net, "prior", "x", "s1", 0.3),
            statement(net, "one", "y", "s1", p1, weight=w1),
            statement(net, "two", "y", "s1", p2, weight=w2),
        ],
    )
    tables = build_tables(query)
    marginal = posterior(structure_of(net), tables.cpts, "y")[0, 1]
    assert abs(marginal - expected) < 1e-6


def _mixed_study(seed: int):  # type: ignore[no-untyped-def]
    net = _network()
    truth = log_linear_truth(np.random.default_rng(seed), net)
    claims = _truth_claims(net, truth)
    rng = np.random.default_rng(seed)
    noisy = [
        dataclasses.replace(c, low=c.low * 0.8, high=min(c.high * 1.2, 0.99))
        if c.direction is None
        else dataclasses.replace(c, low=c.low * 0.7, high=c.high * 1.4)
        for c in claims
    ]
    noisy = [dataclasses.replace(c, weight=float(rng.uniform(0.2, 1.0))) for c in noisy]
    return net, study_of(net, noisy, assumptions="compete")


def _assert_exact_gradient(problem: Any, theta: dict[str, np.ndarray]) -> None:
    """The gradient of three draws moved off `theta` against central differences."""
    rng = np.random.default_rng(2)
    phi = problem.free(theta) + rng.normal(0, 0.3, size=(3, problem.parameters))
    rows = np.arange(3)
    _, grad = problem.evaluate(phi, rows)
    step = 1e-6
    for j in range(problem.parameters):
        up, down = phi.copy(), phi.copy()
        up[:, j] += step
        down[:, j] -= step
        numeric = (problem.evaluate(up, rows)[0] - problem.evaluate(down, rows)[0]) / (2 * step)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-5, atol=1e-7)


def test_the_gradient_matches_finite_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    """Property 4 (second half): the exact gradient against central differences. The
    wrong-way hinge is softened here: differences across its kink would measure the step."""
    from forecast.fitting import problem as fitting
    from forecast.fitting.problem import FitProblem

    monkeypatch.setattr(fitting, "HINGE", 1.0)
    _, study = _mixed_study(5)
    tables = build_tables(study, 3, np.random.default_rng(1))
    problem: FitProblem = tables.problem
    _assert_exact_gradient(problem, tables.theta)


def test_both_query_engines_agree_with_the_reference_engine() -> None:
    """The joint-table engine and the per-target contractions give the same answers and
    gradients, and their answers are the numpy engine's posteriors."""
    net = _network()
    truth = log_linear_truth(np.random.default_rng(3), net)
    rng = np.random.default_rng(4)
    cpts = {
        n: np.repeat(t, 4, axis=0) * rng.uniform(0.5, 1.5, (4, *t.shape[1:]))
        for n, t in truth.items()
    }
    cpts = {n: t / t.sum(axis=-1, keepdims=True) for n, t in cpts.items()}
    structure = structure_of(net)
    slots = [
        ("d", _conditions()),
        ("c", _conditions({"d": "s1"})),
        ("d", _conditions(do={"c": "s2"})),
        ("b", _conditions({"c": "s2"}, {"a": "s1"})),
        ("c", _conditions({"a": "s1", "b": "s0"})),
    ]
    joint, contracted = JointQueries(structure, slots, 4), ContractedQueries(structure, slots, 4)
    ups = [rng.normal(size=(4, len(net.node(t).states))) for t, _ in slots]
    for (target, cond), a, b in zip(
        slots, joint.answers(cpts), contracted.answers(cpts), strict=True
    ):
        np.testing.assert_allclose(a, b, atol=1e-14)
        reference = posterior(structure, cpts, target, dict(cond.given), dict(cond.do))
        np.testing.assert_allclose(a / a.sum(axis=-1, keepdims=True), reference, atol=1e-12)
    grads_joint, grads_contracted = joint.backward(cpts, ups), contracted.backward(cpts, ups)

    def along_the_simplex(g: np.ndarray, table: np.ndarray) -> np.ndarray:
        """The part of a gradient that can change a table (the softmax's pull-back)."""
        return table * (g - (g * table).sum(axis=-1, keepdims=True))

    for node, table in cpts.items():
        zero = np.zeros_like(table)
        np.testing.assert_allclose(
            along_the_simplex(grads_joint.get(node, zero), table),
            along_the_simplex(grads_contracted.get(node, zero), table),
            atol=1e-12,
        )


def _interval(study, draws: int = 400) -> float:  # type: ignore[no-untyped-def]
    tables = build_tables(study, draws, np.random.default_rng(9))
    answers = posterior(structure_of(study.network), tables.cpts, "d")[:, 1]
    low, high = np.quantile(answers, [0.05, 0.95])
    return float(high - low)


def test_concordant_evidence_never_widens_and_several_claims_narrow() -> None:
    """Property 6: claims that agree with what the model says about P(d) narrow it."""
    _, study = _mixed_study(6)
    value = float(posterior(structure_of(study.network), build_tables(study).cpts, "d")[0, 1])
    net = study.network
    before = _interval(study)

    def agreeing(i: int):  # type: ignore[no-untyped-def]
        return statement(net, f"agree-{i}", "d", "s1", value - 0.02, value + 0.02, weight=0.8)

    one = dataclasses.replace(study, statements=(*study.statements, agreeing(0)))
    three = dataclasses.replace(
        study, statements=(*study.statements, *(agreeing(i) for i in range(3)))
    )
    after_one, after_three = _interval(one), _interval(three)
    assert after_one <= before + 1e-9
    assert after_three < 0.8 * before


def test_a_weaker_grade_gives_way_to_the_assumption() -> None:
    """Property 7: a claim alone on its column, graded lower, moves towards the
    assumption it competes with, as the weighted log-odds say."""
    net = random_network(np.random.default_rng(0), {"x": 2}, {})
    assumption = statement(net, "assume", "x", "s1", 0.3, kind="assumption", weight=0.2)
    fitted = []
    for weight in (1.0, 0.5, 0.1):
        claim = statement(net, "claim", "x", "s1", 0.8, weight=weight)
        tables = build_tables(study_of(net, [claim, assumption], assumptions="compete"))
        fitted.append(float(tables.cpts["x"][0, 1]))
        expected = expit((weight * logit(0.8) + 0.2 * logit(0.3)) / (weight + 0.2))
        assert abs(fitted[-1] - expected) < 1e-9
    assert fitted[0] > fitted[1] > fitted[2] > 0.3


def test_a_push_that_lowers_never_raises_even_against_a_level() -> None:
    """A push that says lowers holds its direction against a strong level that pulls the
    other way (the hinge), and the fit table flags no claim as the wrong way round."""
    net = random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})
    claims = [
        statement(net, "prior", "x", "s1", 0.5),
        statement(net, "base", "y", "s1", 0.2, given={"x": "s0"}, weight=5.0),
        statement(net, "moved", "y", "s1", 0.6, given={"x": "s1"}, weight=5.0),
        statement(
            net, "push", "y", "s1", 0.5, 0.8, given={"x": "s1"}, direction="lowers", weight=0.5
        ),
    ]
    study = study_of(net, claims)
    rows = {r["id"]: r for r in fit_rows(study, build_tables(study))}
    assert rows["push"]["fitted"] <= 1.0 + WRONG_WAY
    assert not rows["push"]["wrong_way"]


def test_no_push_in_the_real_evidence_comes_out_the_wrong_way(study) -> None:  # type: ignore[no-untyped-def]
    rows = fit_rows(study, build_tables(study))
    pushes = [r for r in rows if "direction" in r]
    assert pushes, "the real evidence has pushes"
    assert [r["id"] for r in pushes if r["wrong_way"]] == []


def test_conditions_of_probability_zero_are_refused_with_their_place() -> None:
    """A claim conditioned on a state the tables make impossible is a problem line at the
    claim, not a division by zero."""
    import dataclasses as dc

    from forecast.fitting.claimfit import impossible_conditions

    net = random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})
    claim = statement(net, "about-x", "x", "s1", 0.5, given={"y": "s1"})
    claim = dc.replace(claim, location="evidence/e.yaml:12:5")
    study = study_of(net, [claim])
    possible = {"x": np.array([[0.5, 0.5]]), "y": np.array([[[0.5, 0.5], [0.2, 0.8]]])}
    assert impossible_conditions(study, possible) == []
    never = {"x": possible["x"], "y": np.array([[[1.0, 0.0], [1.0, 0.0]]])}
    [problem] = impossible_conditions(study, never)
    assert str(problem).startswith("evidence/e.yaml:12:5: 'about-x' conditions on y=s1")
    assert "probability zero" in problem.message


def _one_state_study(with_marginal: bool) -> tuple[Network, object]:
    """a (two states) -> c (three): a column claim on c=s0 with a at its baseline, and, when
    asked, a marginal claim on c=s1."""
    net = random_network(np.random.default_rng(0), {"a": 2, "c": 3}, {"c": ("a",)})
    claims = [statement(net, "column-s0", "c", "s0", 0.19, 0.21, given={"a": "s0"})]
    if with_marginal:
        claims.append(statement(net, "marginal-s1", "c", "s1", 0.49, 0.51))
    return net, study_of(net, claims)


def test_a_claim_on_one_state_of_a_column_constrains_that_state_alone() -> None:
    """The column claim and the marginal are both honoured, and the column claim says
    nothing about how the other two states share the rest: alone, they share it as the
    assumption does (evenly); beside the marginal, as the marginal asks."""
    _, alone = _one_state_study(with_marginal=False)
    column = build_tables(alone).cpts["c"][0, 0]
    np.testing.assert_allclose(column, [0.2, 0.4, 0.4], atol=1e-6)
    _, both = _one_state_study(with_marginal=True)
    tables = build_tables(both)
    rows = {r["id"]: r for r in fit_rows(both, tables)}
    assert rows["column-s0"]["honoured"] and rows["marginal-s1"]["honoured"], rows
    column = tables.cpts["c"][0, 0]
    assert abs(column[0] - 0.2) < 0.01
    assert column[1] > column[2] + 0.05  # the marginal, not the column claim, split the rest
    from forecast.analysis.audit import audit_node

    base = audit_node(both, tables, "c")["columns"][0]
    assert set(base["pooled"]) == {"s0"}  # no value shown for a state no claim named


def test_the_gradient_holds_with_terms_on_part_of_a_column() -> None:
    """The terms that hold only the unnamed states of a base, an effect and a joint column
    have the exact gradient too (central differences)."""
    net = random_network(np.random.default_rng(0), {"a": 2, "b": 2, "c": 3}, {"c": ("a", "b")})
    claims = [
        statement(net, "base", "c", "s0", 0.2, 0.3, given={"a": "s0", "b": "s0"}),
        statement(net, "effect", "c", "s0", 0.4, 0.5, given={"a": "s1", "b": "s0"}),
        statement(net, "joint", "c", "s1", 0.5, 0.6, given={"a": "s1", "b": "s1"}),
        statement(net, "marginal", "c", "s2", 0.3, 0.4),
    ]
    tables = build_tables(study_of(net, claims), 3, np.random.default_rng(1))
    problem = tables.problem
    held = [t.states for t in (*problem.terms.columns, *problem.terms.no_effects)]
    assert held.count((1, 2)) == 2 and (0, 2) in held  # base, effect (s1, s2); joint (s0, s2)
    _assert_exact_gradient(problem, tables.theta)
