"""The engine's view of a network: its nodes, states and parents, and ancestral sets.

The answers themselves come from `compiled`: one contraction per query over all draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


def restricted(structure: Structure, keep: Iterable[str]) -> Structure:
    """The part of `structure` over the nodes `keep`, which must hold every parent of every
    node they hold (an ancestral set), in the same order."""
    kept = set(keep)
    nodes = tuple(n for n in structure.nodes if n in kept)
    missing = {p for n in nodes for p in structure.parents[n]} - kept
    if missing:
        raise ValueError(f"parents {sorted(missing)} are left out of the restricted structure")
    return Structure(
        nodes, {n: structure.states[n] for n in nodes}, {n: structure.parents[n] for n in nodes}
    )


def ancestral(structure: Structure, nodes: Iterable[str], cut: Iterable[str] = ()) -> set[str]:
    """The nodes and all their ancestors; the parents of a node in `cut` (forced: its arcs
    are cut in the mutilated network) are not followed."""
    stop = set(cut)
    found = set(nodes)
    stack = [n for n in found if n not in stop]
    while stack:
        for parent in structure.parents[stack.pop()]:
            if parent not in found:
                found.add(parent)
                if parent not in stop:
                    stack.append(parent)
    return found
