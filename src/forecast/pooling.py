"""From claims to columns: the minimal-KL completion of one claim, and opinion pools.

Every function works on a leading batch axis of draws, so the point forecast (one draw)
and the uncertainty draws (many) go through the same code.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
PoolKind = Literal["logarithmic", "linear"]

# Claims at exactly 0 or 1 would veto a state in a logarithmic pool; no source is that sure.
CLIP = 1e-4


def complete_column(probability: Array, state: int, reference: Array) -> Array:
    """Full columns that give `state` the claimed probability and keep the reference's shape.

    Among all distributions with q[state] = p, the one closest to the reference in
    Kullback-Leibler divergence scales the other states in proportion to the reference.
    `probability` has shape (draws,), `reference` (draws, states); returns (draws, states).
    """
    p = np.clip(probability, CLIP, 1.0 - CLIP)
    others = reference.copy()
    others[:, state] = 0.0
    others /= others.sum(axis=1, keepdims=True)
    column = others * (1.0 - p)[:, None]
    column[:, state] = p
    return column


def normalise_weights(weights: Array) -> Array:
    """Weights of shape (draws, claims) scaled to sum to one per draw."""
    out: Array = weights / weights.sum(axis=1, keepdims=True)
    return out


def pool(columns: Array, weights: Array, kind: PoolKind = "logarithmic") -> Array:
    """Pool claim columns (draws, claims, states) with weights (draws, claims).

    Logarithmic: weighted geometric mean, renormalised (externally Bayesian).
    Linear: weighted arithmetic mean.
    """
    w = normalise_weights(weights)
    if kind == "linear":
        pooled = np.einsum("dc,dcs->ds", w, columns)
    else:
        log_pooled = np.einsum("dc,dcs->ds", w, np.log(columns))
        log_pooled -= log_pooled.max(axis=1, keepdims=True)
        pooled = np.exp(log_pooled)
    return normalise(pooled)


def normalise(table: Array) -> Array:
    """Scale the last axis to sum to one."""
    out: Array = table / table.sum(axis=-1, keepdims=True)
    return out
