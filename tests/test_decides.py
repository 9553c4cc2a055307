"""What the whole-question statements decide and what a driver's prior decides: a strong
level on the outcome pins its marginal, so a driver prior moves the baseline less with it
than without it, and leaving it out gives the drivers-and-effects baseline."""

from __future__ import annotations

import dataclasses

import numpy as np

from forecast.analysis.decides import what_decides
from forecast.fitting.cpt import build_tables
from forecast.inference.compiled import posterior
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Network

from .synthetic import random_network, statement, study_of


def _net() -> Network:
    net = random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})
    node = dataclasses.replace(net.node("x"), kind="driver")
    return dataclasses.replace(net, nodes=tuple(node if n.id == "x" else n for n in net.nodes))


def test_a_whole_question_level_absorbs_the_driver_prior() -> None:
    net = _net()
    claims = [
        statement(net, "prior", "x", "s1", 0.1, 0.5),
        statement(net, "base", "y", "s1", 0.2, given={"x": "s0"}),
        statement(net, "moved", "y", "s1", 0.7, given={"x": "s1"}),
        statement(net, "whole", "y", "s1", 0.3, weight=4.0),
    ]
    study = dataclasses.replace(study_of(net, claims), network=net)
    assert study.network.outcome == "y"
    decides = what_decides(study)
    assert decides["forecasts"] == ["whole"]
    # without the whole-question level: exactly the refit of the other claims
    alone = dataclasses.replace(study, statements=tuple(s for s in claims if s.id != "whole"))
    answer = posterior(structure_of(net), build_tables(alone).cpts, "y")[0]
    index = net.node("y").index("s1")
    assert abs(decides["without_forecasts"]["s1"] - answer[index]) < 1e-6
    assert abs(decides["full"]["s1"] - 0.3) < abs(decides["without_forecasts"]["s1"] - 0.3)
    (swing,) = decides["priors"]
    assert swing["statement"] == "prior" and not swing["assumption"]
    with_it = abs(swing["at_high"]["s1"] - swing["at_low"]["s1"])
    without_it = abs(swing["alone_high"]["s1"] - swing["alone_low"]["s1"])
    assert without_it > 0.1  # the prior moves the outcome through the effect
    assert with_it < without_it / 2  # the whole-question level holds the marginal
