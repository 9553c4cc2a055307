"""Signposts (indicator nodes): they never move what nothing asks of them, and the fit
keeps them out of the joint its queries are answered from."""

from __future__ import annotations

import numpy as np

from forecast.fitting.cpt import build_tables
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
        assert engine is not None and "sign" not in engine.structure.nodes
        for node in net.ids:
            np.testing.assert_allclose(after.cpts[node], before.cpts[node], atol=close, rtol=0)
    assert "sign" in structure_of(signed_net).nodes
