"""The draws' fit in groups on separate processes gives the numbers of one process."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.base import forked
from forecast.fitting import parallel
from forecast.fitting.cpt import build_tables

from .synthetic import random_network, statement, study_of


@pytest.fixture(scope="module")
def study():  # type: ignore[no-untyped-def]
    net = random_network(
        np.random.default_rng(4), {"a": 2, "b": 2, "y": 3}, {"b": ("a",), "y": ("a", "b")}
    )
    claims = [
        statement(net, "prior", "a", "s1", 0.2, 0.4),
        statement(net, "b-given-a", "b", "s1", 0.3, 0.6, given={"a": "s0"}),
        statement(net, "marginal", "y", "s2", 0.1, 0.3),
        statement(net, "forced", "y", "s0", 0.4, 0.7, do={"b": "s1"}),
        statement(net, "push", "y", "s1", 1.7, 3.5, given={"a": "s1"}, direction="raises"),
    ]
    return study_of(net, claims, assumptions="compete")


def _draws(study, monkeypatch: pytest.MonkeyPatch, cores: int, groups: int):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "SPLIT_FROM", 8)
    monkeypatch.setattr(parallel, "GROUP_DRAWS", -(-40 // groups))
    monkeypatch.setattr(forked, "usable_cores", lambda: cores)  # the pool's size
    point = build_tables(study)
    return build_tables(study, 40, np.random.default_rng(9), point)


def test_groups_side_by_side_equal_groups_in_turn(study, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    side_by_side = _draws(study, monkeypatch, cores=2, groups=2)
    in_turn = _draws(study, monkeypatch, cores=1, groups=2)
    assert side_by_side.fit.converged and in_turn.fit.converged
    for node, table in side_by_side.cpts.items():
        assert np.array_equal(table, in_turn.cpts[node]), node
    assert np.array_equal(side_by_side.fit.loss, in_turn.fit.loss)


def test_groups_equal_one_stacked_fit(study, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each draw's path is its own: splitting the draws changes no draw beyond rounding."""
    grouped = _draws(study, monkeypatch, cores=2, groups=2)
    stacked = _draws(study, monkeypatch, cores=2, groups=1)
    for node, table in grouped.cpts.items():
        assert np.abs(table - stacked.cpts[node]).max() < 1e-12, node


def _with_stragglers(study, monkeypatch: pytest.MonkeyPatch, cores: int):  # type: ignore[no-untyped-def]
    """40 draws in four groups, each handing on its last 3 moving draws, which go on in
    batches of at most 4; the batches the stragglers went on in are recorded."""
    monkeypatch.setattr(parallel, "STRAGGLERS", 3)
    monkeypatch.setattr(parallel, "STRAGGLER_BATCH", 4)
    batches: list[int] = []
    real = parallel.walk

    def spy(problem, start, curvature, tolerance, rounds, until=0):  # type: ignore[no-untyped-def]
        batches.append(len(start.rows))
        return real(problem, start, curvature, tolerance, rounds, until)

    monkeypatch.setattr(parallel, "walk", spy)
    tables = _draws(study, monkeypatch, cores=cores, groups=4)
    return tables, batches


def test_stragglers_gathered_from_every_group_give_the_same_draws(study, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The draws the groups leave moving go on together in batches fixed by their count,
    whatever the cores: the same numbers on one core and on two, and each draw as in one
    stacked fit up to rounding."""
    two, batches = _with_stragglers(study, monkeypatch, cores=2)
    one, _ = _with_stragglers(study, monkeypatch, cores=1)
    assert len(batches) >= 3 and max(batches) <= 4  # the stragglers did go on, in batches
    assert two.fit.converged and one.fit.converged
    for node, table in two.cpts.items():
        assert np.array_equal(table, one.cpts[node]), node
    stacked = _draws(study, monkeypatch, cores=1, groups=1)  # one group: no stragglers
    for node, table in two.cpts.items():
        assert np.abs(table - stacked.cpts[node]).max() < 1e-12, node


def test_restarting_a_poor_direction_finds_the_same_minimum(study, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A draw whose step had to be cut below `RESTART_BELOW` starts its BFGS matrix again:
    a different path to the same fit."""
    from forecast.fitting import solver

    restarted = _draws(study, monkeypatch, cores=1, groups=1)
    monkeypatch.setattr(solver, "RESTART_BELOW", 0.0)  # never restart
    plain = _draws(study, monkeypatch, cores=1, groups=1)
    assert restarted.fit.converged and plain.fit.converged
    for node, table in restarted.cpts.items():
        assert np.abs(table - plain.cpts[node]).max() < 1e-6, node
