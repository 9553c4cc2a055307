"""Every node's tables built side by side equal the tables built node by node."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.fitting.loglinear import Stacked, layouts, tables

from .synthetic import random_network

NET = random_network(
    np.random.default_rng(0),
    {"a": 2, "b": 3, "c": 2, "y": 4},
    {"b": ("a",), "c": ("a", "b"), "y": ("b", "c")},
)
PLAN = layouts(NET, [])


def _theta(phi: np.ndarray) -> dict[str, np.ndarray]:
    """Per-node logits (draws, columns, states), the last state at zero, from free values in
    the order the fit uses: node by node, column by column, state by state."""
    out, at = {}, 0
    for node, lay in PLAN.items():
        size = len(lay.keys) * (lay.states - 1)
        block = phi[:, at : at + size].reshape(len(phi), len(lay.keys), lay.states - 1)
        out[node] = np.concatenate([block, np.zeros((len(phi), len(lay.keys), 1))], axis=2)
        at += size
    return out


SIZE = sum(len(lay.keys) * (lay.states - 1) for lay in PLAN.values())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([0.1, 3.0, 40.0, 400.0]),
)
def test_stacked_tables_equal_node_by_node(seed: int, scale: float) -> None:
    """Also far beyond any fit (logits in the hundreds), where exp needs the shift."""
    phi = np.random.default_rng(seed).normal(scale=scale, size=(5, SIZE))
    stacked = Stacked(PLAN)
    ours = stacked.unstack(stacked.tables(stacked.logits(phi)))
    theirs = tables(PLAN, _theta(phi))
    for node, table in theirs.items():
        assert ours[node].shape == table.shape
        assert np.allclose(ours[node], table, rtol=0.0, atol=1e-12), node


def test_free_undoes_logits() -> None:
    phi = np.random.default_rng(1).normal(size=(3, SIZE))
    stacked = Stacked(PLAN)
    assert np.array_equal(stacked.free(stacked.logits(phi)), phi)
