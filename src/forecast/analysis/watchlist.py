"""What to watch next: the signposts not yet seen, ranked by how much seeing them would tell
about the outcome (mutual information in bits, given every observation), on the point
network and over the draws, each with what the outcome would become if it were seen, its
parents' own information about the outcome, and, when it tells almost nothing, why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from forecast.base.arrays import Array
from forecast.fitting.run import Run
from forecast.inference.information import information
from forecast.inference.structure import Structure
from forecast.inference.summary import number

# A signpost whose mutual information with the outcome (point network) is below this many
# bits tells almost nothing: seeing it moves no outcome probability by more than a fraction
# of a point. Its row then says why.
NEGLIGIBLE_BITS = 0.001
# A parent carrying less than this about the outcome is what makes its signpost negligible:
# even a signpost that kept a tenth of its parent's information would stay below
# NEGLIGIBLE_BITS. From this many bits up, the parent matters and the signpost's likelihoods,
# too alike across the parent's states, are what lose it.
PARENT_FLOOR_BITS = 10 * NEGLIGIBLE_BITS


class ParentDocument(TypedDict):
    """A signpost's parent as JSON: what the parent itself tells about the outcome."""

    node: str
    # I(outcome; parent | what was seen) on the point network; 0 when the parent was seen,
    # the outcome's own entropy when the parent is the outcome
    bits: float
    seen: str | None  # the state it was seen in, or None
    is_outcome: bool


class SignpostDocument(TypedDict):
    """A signpost as JSON: its information about the outcome and what seeing it would do."""

    node: str
    label: str
    baseline: str
    bits: float
    bits_p05: float
    bits_p95: float
    chance: dict[str, float]  # state -> its probability, given what was seen
    outcome_if: dict[str, dict[str, float]]  # state seen -> the outcome's distribution
    parents: list[ParentDocument]  # in the node's order
    reason: str | None  # why it tells almost nothing (bits < NEGLIGIBLE_BITS), else None


class WatchlistDocument(TypedDict):
    outcome: str
    negligible_bits: float  # below it a signpost tells almost nothing and says why
    given: dict[str, str]  # what the ranking is given: node -> the state seen
    indicators: list[SignpostDocument]  # most informative first


@dataclass(frozen=True)
class Parent:
    """A signpost's parent and its own information about the outcome (point network)."""

    node: str
    bits: float
    seen: str | None = None  # the state it was seen in
    is_outcome: bool = False

    def document(self) -> ParentDocument:
        return ParentDocument(
            node=self.node, bits=number(self.bits), seen=self.seen, is_outcome=self.is_outcome
        )


@dataclass(frozen=True)
class Signpost:
    node: str
    label: str
    baseline: str  # the state that means "not seen"
    bits: float  # on the point network
    low: float  # 5th and 95th percentiles over the draws
    high: float
    chance: dict[str, float]  # P(state | what was seen), point network
    then: dict[str, dict[str, float]]  # the outcome's distribution if it were seen in a state
    parents: tuple[Parent, ...] = ()
    reason: str | None = None  # why it tells almost nothing, when it does

    def document(self) -> SignpostDocument:
        return SignpostDocument(
            node=self.node,
            label=self.label,
            baseline=self.baseline,
            bits=number(self.bits),
            bits_p05=number(self.low),
            bits_p95=number(self.high),
            chance={s: number(p) for s, p in self.chance.items()},
            outcome_if={
                s: {o: number(p) for o, p in then.items()} for s, then in self.then.items()
            },
            parents=[p.document() for p in self.parents],
            reason=self.reason,
        )


def candidates(run: Run) -> list[str]:
    """The signposts (indicator nodes) nothing has been seen of yet."""
    seen = run.study.observed()
    return [n.id for n in run.study.network.nodes if n.kind == "indicator" and n.id not in seen]


def _bits(value: float) -> str:
    return f"{value:.3f} bits"


def parents_of(
    structure: Structure,
    cpts: Mapping[str, Array],
    outcome: str,
    parents: tuple[str, ...],
    given: Mapping[str, str],
) -> tuple[Parent, ...]:
    """Each parent's own mutual information with the outcome given what was seen, computed
    as a signpost's is (`information`, first draw of `cpts`); 0 for a parent seen already."""
    out = []
    for p in parents:
        if p in given:
            out.append(Parent(p, 0.0, seen=given[p]))
        else:
            bits = float(information(structure, cpts, outcome, p, given).bits[0])
            out.append(Parent(p, bits, is_outcome=p == outcome))
    return tuple(out)


def reason(bits: float, parents: tuple[Parent, ...]) -> str | None:
    """Why a signpost carrying `bits` tells almost nothing, or None when it tells more than
    NEGLIGIBLE_BITS: its parents are seen already, they carry little themselves (below
    PARENT_FLOOR_BITS), or its likelihoods differ too little between their states."""
    if bits >= NEGLIGIBLE_BITS:
        return None
    if not parents:
        return "tells almost nothing: it has no parent, nothing links it to the outcome"
    unseen = [p for p in parents if p.seen is None]
    if not unseen:
        seen = ", ".join(f"{p.node}={p.seen}" for p in parents)
        return f"tells nothing more: what it signals is seen already ({seen})"
    strongest = max(unseen, key=lambda p: p.bits)
    if strongest.bits < PARENT_FLOOR_BITS:
        if len(unseen) == 1:
            return (
                f"tells almost nothing: its parent {strongest.node} itself carries only "
                f"{_bits(strongest.bits)} about the outcome"
            )
        each = ", ".join(f"{p.node} {_bits(p.bits)}" for p in unseen)
        return (
            f"tells almost nothing: its parents themselves carry little about the outcome ({each})"
        )
    name = f"{strongest.node} (the outcome itself)" if strongest.is_outcome else strongest.node
    share = 100 * bits / strongest.bits
    kept = f"only {share:.0f} %" if share >= 1 else "under 1 %"
    return (
        f"tells almost nothing: its parent {name} carries {_bits(strongest.bits)} about the "
        f"outcome, but its likelihoods differ too little between {strongest.node}'s states: "
        f"it passes on {kept} of that"
    )


def watchlist(run: Run) -> list[Signpost]:
    """Every unseen signpost, most informative first (ties by id)."""
    study, structure = run.study, run.structure
    outcome = study.network.node(study.network.outcome)
    given = study.observed()
    out = []
    for node_id in candidates(run):
        node = study.network.node(node_id)
        point = information(structure, run.point_tables.cpts, outcome.id, node_id, given)
        bits = float(point.bits[0])
        parents = parents_of(structure, run.point_tables.cpts, outcome.id, node.parents, given)
        drawn = np.concatenate(
            [information(structure, c, outcome.id, node_id, given).bits for c in run.drawn.chunks()]
        )
        out.append(
            Signpost(
                node_id,
                node.label,
                node.baseline,
                bits,
                float(np.quantile(drawn, 0.05)),
                float(np.quantile(drawn, 0.95)),
                {s: float(point.chance[0, i]) for i, s in enumerate(node.states)},
                {
                    s: {o: float(point.then[0, i, j]) for j, o in enumerate(outcome.states)}
                    for i, s in enumerate(node.states)
                },
                parents,
                reason(bits, parents),
            )
        )
    return sorted(out, key=lambda s: (-s.bits, s.node))


def watchlist_document(run: Run, signposts: list[Signpost] | None = None) -> WatchlistDocument:
    """The watchlist as JSON: what it is given (node to state) and the ranked signposts."""
    ranked = watchlist(run) if signposts is None else signposts
    return WatchlistDocument(
        outcome=run.study.network.outcome,
        negligible_bits=NEGLIGIBLE_BITS,
        given=dict(run.study.observed()),
        indicators=[s.document() for s in ranked],
    )
