"""Signposts (indicator nodes): they never move what nothing asks of them, and the fit
keeps them out of the joint its queries are answered from."""

from __future__ import annotations

import numpy as np

from forecast.fitting.cpt import build_tables
from forecast.inference.slotgroups import ColumnQueries
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Network, Node

from .synthetic import random_network, statement, study_of


def _with_signpost(net: Network) -> Network:
    """`net` with an indicator 'sign' of its first node appended."""
    first = net.nodes[0]
    sign = Node(
        "sign", "Sign", "indicator", "a signpost", ("no", "yes"), ("No", "Yes"), "no", (first.id,)
    )
    return Network((*net.nodes, sign), net.outcome)


def test_a_signpost_nobody_asks_about_leaves_every_other_table_as_it_was() -> None:
    net = random_network(
        np.random.default_rng(0), {"a": 2, "b": 3, "c": 3}, {"b": ("a",), "c": ("a", "b")}
    )
    claims = [
        statement(net, "m1", "c", "s1", 0.3, 0.4),  # a level on the outcome's marginal
        statement(net, "m2", "b", "s2", 0.2, 0.3, given={"a": "s1"}),
        statement(net, "p1", "c", "s2", 1.5, 3.0, given={"b": "s1"}, direction="raises"),
    ]
    plain = study_of(net, claims, "compete")  # every anchor in: one optimum, no flat ridge
    signed_net = _with_signpost(net)
    seen = statement(signed_net, "s1", "sign", "yes", 0.6, 0.8, given={"a": "s1"})
    signed = study_of(signed_net, [*claims, seen], "compete")
    # the point fit converges to 1e-9; each draw's quasi-Newton path to 1e-5 only, and the
    # extra parameters change its steps, so the draws agree to that tolerance's reach
    for draws, rng, close in ((1, None, 1e-9), (40, np.random.default_rng(3), 5e-4)):
        before = build_tables(plain, draws, rng)
        after = build_tables(signed, draws, None if rng is None else np.random.default_rng(3))
        engine = after.problem.engine
        assert engine is not None
        assert all("sign" not in part.structure.nodes for part, _ in engine.engines)
        for node in net.ids:
            np.testing.assert_allclose(after.cpts[node], before.cpts[node], atol=close, rtol=0)
    assert "sign" in structure_of(signed_net).nodes


def test_queries_on_separate_signposts_get_separate_small_joints() -> None:
    net = random_network(np.random.default_rng(0), {"a": 2, "c": 3}, {"c": ("a",)})
    signs = [
        Node(
            f"sign{i}",
            "Sign",
            "indicator",
            "a signpost",
            ("no", "yes"),
            ("No", "Yes"),
            "no",
            ("c",),
        )
        for i in range(12)
    ]
    wide = Network((*net.nodes, *signs), net.outcome)
    claims = [statement(wide, "m", "c", "s1", 0.3, 0.4)]
    # half the pushes name the signpost's parent (a column of its table), half its
    # grandparent (a query over the signpost, its parent and that grandparent)
    claims += [
        statement(
            wide,
            f"p{i}",
            f"sign{i}",
            "yes",
            1.5,
            3.0,
            given={"c": "s1"} if i % 2 else {"a": "s1"},
            direction="raises",
        )
        for i in range(12)
    ]
    tables = build_tables(study_of(wide, claims, "compete"))
    engine = tables.problem.engine
    assert engine is not None
    joints = [p for p, _ in engine.engines if not isinstance(p, ColumnQueries)]
    assert sorted(len(p.structure.nodes) for p in joints) == [3] * 6  # sign_i with c and a
    columns = [m for p, m in engine.engines if isinstance(p, ColumnQueries)]
    assert [len(m) for m in columns] == [12]  # six pushes, each against its reference
    # the fit's loss and gradient equal those of one joint over everything (which holds
    # 2 * 3 * 2**12 cells per draw), here away from the optimum
    from forecast.inference.jointqueries import JointQueries

    problem = tables.problem
    phi = tables.fit.free + np.random.default_rng(1).normal(0, 0.3, tables.fit.free.shape)
    rows = np.zeros(1, dtype=np.intp)
    ours = problem.evaluate(phi, rows)
    problem.engine = JointQueries(structure_of(wide), engine.slots, 1)  # type: ignore[assignment]
    theirs = problem.evaluate(phi, rows)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], atol=1e-10, rtol=0)
    assert np.abs(ours[1]).max() > 1e-3  # away from the optimum: a gradient to compare
