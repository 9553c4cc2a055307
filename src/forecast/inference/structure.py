"""The engine's view of a network, and summaries over the draw axis of its answers.

The answers themselves come from `compiled`: one contraction per query over all draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forecast.base.arrays import Array

if TYPE_CHECKING:
    from forecast.inputs.domain import Network


@dataclass(frozen=True)
class Structure:
    """What the engine needs of a network: node ids, their states and parents (in CPT order)."""

    nodes: tuple[str, ...]
    states: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, tuple[str, ...]]

    @property
    def key(self) -> tuple[object, ...]:
        """A hashable fingerprint: equal for equal structures."""
        return (
            self.nodes,
            tuple(self.states[n] for n in self.nodes),
            tuple(self.parents[n] for n in self.nodes),
        )


def structure_of(network: Network) -> Structure:
    """The engine's view of a checked network."""
    return Structure(
        network.ids,
        {n.id: n.states for n in network.nodes},
        {n.id: n.parents for n in network.nodes},
    )


class ImpossibleEvidenceError(ValueError):
    """The observed states have probability zero under the model."""


def summarise(samples: Array, quantiles: Sequence[float] = (0.05, 0.95)) -> dict[str, Array]:
    """Mean and quantiles over the draw axis of (draws, states) samples."""
    out = {"mean": samples.mean(axis=0)}
    for q in quantiles:
        out[f"p{round(q * 100):02d}"] = np.quantile(samples, q, axis=0)
    return out


ERROR_WINDOW = 2.0  # binomial standard deviations either side of a quantile's rank


def quantile_error(samples: Array, q: float) -> Array:
    """Monte Carlo standard error of the q-quantile over the draw axis, per state: the
    distance between the order statistics ERROR_WINDOW binomial standard deviations
    either side of its rank, over twice ERROR_WINDOW (needs no assumption about the
    draws' distribution). The rank of the sample quantile has a binomial standard
    deviation sqrt(n q (1 - q)); a window of two of them either side makes the estimate's
    own noise about 1.4 times smaller than a window of one, at a bias that is negligible
    where the quantile function is smooth."""
    n = samples.shape[0]
    spread = ERROR_WINDOW * np.sqrt(n * q * (1.0 - q))
    ordered = np.sort(samples, axis=0)
    low = ordered[max(0, int(np.floor(n * q - spread)))]
    high = ordered[min(n - 1, int(np.ceil(n * q + spread)))]
    out: Array = (high - low) / (2.0 * ERROR_WINDOW)
    return out
