"""From claims to columns: the minimal-KL completion of one claim, and opinion pools.

Every function works on a leading batch axis of draws, so the point forecast (one draw)
and the uncertainty draws (many) go through the same code.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from forecast.base.arrays import Array, expit

PoolKind = Literal["logarithmic", "linear", "extremized"]
POOLS: tuple[PoolKind, ...] = ("linear", "logarithmic", "extremized")

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


def _log_pool_consensus(
    probabilities: Array,
    states: list[int],
    reference: Array,
    weights: Array,
    extremizing: float = 1.0,
) -> Array:
    """The logarithmic pool with a consensus reference, in closed form.

    Each claimed state gets the weight-averaged log-odds of the claims about it (on a
    two-state node every claim is first read as a claim about the first state, so this is
    exactly the logarithmic pool of the full columns). Then:

    - some states unclaimed and room left: they share the rest in proportion to the
      reference. This is the fixed point of "complete every claim in proportion to the
      pooled column, pool again", so a claim about one state says nothing about how the
      other states split the rest;
    - every state claimed: the averaged probabilities are rescaled to sum to one;
    - claims that ask for more than the whole: the unclaimed states keep the reference's
      probability and the claimed states share the rest in proportion to their averages
      (rather than squeezing states that nobody spoke about to nothing).

    `extremizing` multiplies each averaged log-odds (1: the plain pool): averaged forecasts
    sit too close to even odds, and scaling the pooled log-odds away from zero corrects it
    (Baron, Mellers, Tetlock, Stone & Ungar, Decision Analysis 2014; Satopää et al.,
    International Journal of Forecasting 2014).
    """
    p = np.clip(probabilities, CLIP, 1.0 - CLIP)
    states = list(states)
    if reference.shape[1] == 2:
        p = np.where(np.array(states) == 1, 1.0 - p, p)
        states = [0] * len(states)
    logit = np.log(p) - np.log1p(-p)
    w = weights / weights.sum(axis=1, keepdims=True)
    claimed = sorted(set(states))
    free = [j for j in range(reference.shape[1]) if j not in claimed]
    groups = [[i for i, s in enumerate(states) if s == c] for c in claimed]
    mean_logit = np.stack(
        [(w[:, g] * logit[:, g]).sum(axis=1) / w[:, g].sum(axis=1) for g in groups], axis=1
    )
    targets = expit(extremizing * mean_logit)
    column = np.zeros_like(reference)
    column[:, claimed] = targets
    if not free:
        return normalise(column)
    left = 1.0 - targets.sum(axis=1)
    kept = reference[:, free].sum(axis=1)
    room = left >= CLIP * len(free)
    share = np.where(room, left, kept)
    column[:, free] = reference[:, free] / kept[:, None] * share[:, None]
    scale = np.where(room, 1.0, (1.0 - kept) / targets.sum(axis=1))
    column[:, claimed] = targets * scale[:, None]
    return normalise(column)


def pool_claims(
    probabilities: Array,
    states: list[int],
    reference: Array,
    weights: Array,
    kind: PoolKind = "logarithmic",
    tolerance: float = 1e-12,
    max_rounds: int = 200,
    extremizing: float = 1.0,
) -> Array:
    """Pool claims that each fix one state's probability, with a consensus reference.

    Each claim is completed to a full column in proportion to a reference; the reference
    starts as `reference` and becomes the pooled column itself until nothing moves (a fixed
    point). So a claim about one state asserts nothing about how the other states share the
    rest beyond what the pool as a whole says. Claims that all speak to one state, or a
    two-state node, equal the plain minimal-KL completion. The logarithmic pool's fixed point
    has a closed form (the extremized pool is that pool with its log-odds scaled by
    `extremizing`); the linear pool iterates. `probabilities` and `weights` are
    (draws, claims); `reference` is (draws, states).
    """
    if kind != "linear":
        factor = extremizing if kind == "extremized" else 1.0
        return _log_pool_consensus(probabilities, states, reference, weights, factor)
    current = reference
    for _ in range(max_rounds):
        columns = np.stack(
            [complete_column(probabilities[:, i], s, current) for i, s in enumerate(states)],
            axis=1,
        )
        pooled = pool(columns, weights, kind)
        if float(np.max(np.abs(pooled - current))) < tolerance:
            return pooled
        current = pooled
    return pooled
