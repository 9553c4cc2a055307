"""The fit split into blocks no term joins gives the joint fit: the same loss, the same
gradient, the same minimum (to 1e-8), on the real workspace and on random networks whose
signposts hang off the core."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.fitting import cpt
from forecast.fitting.blocks import Block, node_groups, split
from forecast.fitting.problem import FitProblem
from forecast.fitting.solver import fit
from forecast.inputs.domain import Network, Statement, Study

from .synthetic import random_network, statement, study_of


def _one_block(structure, plan, terms, draws):  # type: ignore[no-untyped-def]
    """The joint fit: every parameter in one block."""
    return [Block(tuple(plan), FitProblem(structure, plan, terms, draws))]


def _signposts() -> tuple[Network, list[Statement]]:
    """Two drivers, an outcome, and three signposts: two on the outcome, one on a driver."""
    net = random_network(
        np.random.default_rng(5),
        {"a": 2, "b": 3, "y": 3, "s1": 2, "s2": 2, "s3": 2},
        {"y": ("a", "b"), "s1": ("y",), "s2": ("y",), "s3": ("b",)},
    )
    net = Network(net.nodes, "y")
    claims = [
        statement(net, "prior-a", "a", "s1", 0.2, 0.4),
        statement(net, "prior-b", "b", "s2", 0.1, 0.3),
        statement(net, "marginal", "y", "s0", 0.5, 0.7),
        statement(net, "push", "y", "s1", 1.5, 3.0, given={"a": "s1"}, direction="raises"),
        statement(net, "forced", "y", "s2", 0.2, 0.4, do={"b": "s1"}),
        statement(net, "s1-base", "s1", "s1", 0.1, 0.2, given={"y": "s0"}),
        statement(net, "s1-moved", "s1", "s1", 0.6, 0.8, given={"y": "s1"}),
        statement(net, "s2-base", "s2", "s1", 0.3, 0.5, given={"y": "s0"}),
        statement(net, "s3-moved", "s3", "s1", 0.7, 0.9, given={"b": "s2"}),
    ]
    return net, claims


@pytest.fixture(scope="module")
def synthetic() -> Study:
    net, claims = _signposts()
    return study_of(net, claims, assumptions="compete")


def test_signposts_read_by_their_own_columns_are_blocks_of_their_own(synthetic: Study) -> None:
    tables = cpt.build_tables(synthetic)
    groups = node_groups(tables.structure, tables.plan, tables.terms)
    assert groups == [["a", "b", "y"], ["s1"], ["s2"], ["s3"]]


def test_the_real_core_is_one_block_and_each_signpost_another(study) -> None:  # type: ignore[no-untyped-def]
    tables = cpt.build_tables(study)
    groups = node_groups(tables.structure, tables.plan, tables.terms)
    kinds = {n.id: n.kind for n in study.network.nodes}
    core = [n for n in study.network.ids if kinds[n] != "indicator"]
    assert groups[0] == core
    assert sorted(g for group in groups[1:] for g in group) == sorted(
        n for n in kinds if kinds[n] == "indicator"
    )
    assert all(len(group) == 1 for group in groups[1:])


@pytest.mark.parametrize("which", ["synthetic", "real"])
def test_the_blocks_loss_and_gradient_are_the_joint_ones(which, synthetic, study) -> None:  # type: ignore[no-untyped-def]
    tables = cpt.build_tables(synthetic if which == "synthetic" else study)
    joint = tables.problem
    rng = np.random.default_rng(3)
    theta = {n: t + rng.normal(0, 0.4, t.shape) for n, t in tables.theta.items()}
    rows = np.zeros(1, dtype=np.intp)
    loss, grad = joint.evaluate(joint.free(theta), rows)
    blocks = split(tables.structure, tables.plan, tables.terms, 1)
    parts = [block.problem.evaluate(block.problem.free(theta), rows) for block in blocks]
    assert loss[0] == pytest.approx(sum(p[0][0] for p in parts), rel=1e-12)
    # the joint's free parameters are the blocks' side by side, node by node
    by_node = {}
    for block, (_, g) in zip(blocks, parts, strict=True):
        at = 0
        for node in block.nodes:
            size = (block.problem.plan[node].states - 1) * len(block.problem.plan[node].keys)
            by_node[node] = g[0, at : at + size]
            at += size
    np.testing.assert_allclose(
        grad[0], np.concatenate([by_node[n] for n in tables.plan]), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("which", ["synthetic", "real"])
def test_block_fits_equal_the_joint_fit(which, synthetic, study) -> None:  # type: ignore[no-untyped-def]
    """Each block fitted alone from the joint point fit's start lands on the joint minimum."""
    joint = cpt.build_tables(synthetic if which == "synthetic" else study)
    start = {n: np.zeros_like(t) for n, t in joint.theta.items()}
    blocks = split(joint.structure, joint.plan, joint.terms, 1)
    assert len(blocks) > 1
    for block in blocks:
        alone = fit(block.problem, {n: start[n] for n in block.nodes}, cpt.POINT_TOLERANCE)
        for node in block.nodes:
            assert np.abs(alone.cpts[node] - joint.cpts[node]).max() < 1e-8, node


def test_block_draws_equal_the_joint_draws(synthetic, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every draw's fit, to a tight tolerance, block by block or all at once."""
    monkeypatch.setattr(cpt, "DRAW_TOLERANCE", 1e-11)
    monkeypatch.setattr(cpt, "DRAW_ROUNDS", 600)
    point = cpt.build_tables(synthetic)
    apart = cpt.build_tables(synthetic, 40, np.random.default_rng(8), point)
    monkeypatch.setattr(cpt, "split", _one_block)
    point = cpt.build_tables(synthetic)  # a point fit of its own: it keeps its blocks' curvatures
    joint = cpt.build_tables(synthetic, 40, np.random.default_rng(8), point)
    assert apart.fit.converged and joint.fit.converged
    for node, table in joint.cpts.items():
        assert np.abs(table - apart.cpts[node]).max() < 1e-8, node
