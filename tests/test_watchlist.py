"""Mutual information against a direct computation from the joint table, and the watchlist
on a workspace with signposts."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.inference.information import information
from forecast.inference.structure import structure_of

from .synthetic import log_linear_truth, random_network
from .test_observations import _observation, _workspace


def _joint(structure, tables) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The full joint table, one axis per node in the structure's order, by brute force."""
    letters = {n: string.ascii_letters[i] for i, n in enumerate(structure.nodes)}
    operands, terms = [], []
    for node in structure.nodes:
        terms.append("".join(letters[n] for n in (*structure.parents[node], node)))
        operands.append(tables[node][0])
    out = "".join(letters[n] for n in structure.nodes)
    return np.einsum(",".join(terms) + "->" + out, *operands)


def _direct_bits(structure, tables, target, node, evidence) -> float:  # type: ignore[no-untyped-def]
    joint = _joint(structure, tables)
    axes = {n: i for i, n in enumerate(structure.nodes)}
    index = [slice(None)] * joint.ndim
    for n, s in evidence.items():
        index[axes[n]] = structure.states[n].index(s)
    kept = [n for n in structure.nodes if n not in evidence]
    conditioned = joint[tuple(index)]
    pair = np.moveaxis(conditioned, [kept.index(target), kept.index(node)], [0, 1])
    pair = pair.reshape(pair.shape[0], pair.shape[1], -1).sum(axis=2)
    pair /= pair.sum()
    pt, px = pair.sum(axis=1, keepdims=True), pair.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(pair > 0, pair * np.log2(pair / (pt * px)), 0.0)
    return float(terms.sum())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), size=st.integers(3, 6), observed=st.booleans())
def test_mutual_information_equals_the_joint_tables(seed: int, size: int, observed: bool) -> None:
    rng = np.random.default_rng(seed)
    names = [f"n{i}" for i in range(size)]
    sizes = {n: int(rng.integers(2, 4)) for n in names}
    parents = {n: tuple(p for p in names[:i] if rng.uniform() < 0.5) for i, n in enumerate(names)}
    net = random_network(rng, sizes, parents)
    structure = structure_of(net)
    tables = log_linear_truth(rng, net)
    target = names[-1]
    node = names[int(rng.integers(0, size - 1))]
    others = [n for n in names if n not in (target, node)]
    evidence = {others[0]: "s1"} if observed and others else {}
    ours = information(structure, tables, target, node, evidence)
    assert abs(float(ours.bits[0]) - _direct_bits(structure, tables, target, node, evidence)) < 1e-9
    np.testing.assert_allclose(ours.chance.sum(axis=1), 1.0, atol=1e-12)
    # what the outcome would be, averaged over what the node may show, is what it is now;
    # and no node tells more than the outcome's own entropy
    prior = (ours.chance[:, :, None] * ours.then).sum(axis=1)[0]
    entropy = -float(np.sum(np.where(prior > 0, prior * np.log2(prior), 0.0)))
    assert float(ours.bits[0]) <= entropy + 1e-9
    joint = _joint(structure, tables)
    axes = {n: i for i, n in enumerate(structure.nodes)}
    index = [slice(None)] * joint.ndim
    for n, state in evidence.items():
        index[axes[n]] = structure.states[n].index(state)
    conditioned = np.moveaxis(
        joint[tuple(index)], [n for n in names if n not in evidence].index(target), 0
    )
    marginal = conditioned.reshape(conditioned.shape[0], -1).sum(axis=1)
    np.testing.assert_allclose(prior, marginal / marginal.sum(), atol=1e-12)


def test_the_watchlist_ranks_unseen_signposts_and_skips_seen_ones(tmp_path: Path) -> None:
    def watch(root: Path) -> dict:  # type: ignore[type-arg]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "forecast",
                "watchlist",
                "--json",
                "--root",
                str(root),
                "--draws",
                "200",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    unseen = watch(_workspace(tmp_path / "a"))
    assert unseen["given"] == {} and [i["node"] for i in unseen["indicators"]] == ["gauge"]
    gauge = unseen["indicators"][0]
    assert 0 < gauge["bits"] < 1 and gauge["bits_p05"] <= gauge["bits_p95"]
    assert gauge["outcome_if"]["yes"]["poor"] > gauge["outcome_if"]["no"]["poor"]
    seen = watch(_workspace(tmp_path / "b", _observation("heard", "gauge", "yes")))
    assert seen["given"] == {"gauge": "yes"} and seen["indicators"] == []
