"""What to watch next: the signposts not yet seen, ranked by how much seeing them would tell
about the outcome (mutual information in bits, given every observation), on the point
network and over the draws, each with what the outcome would become if it were seen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from forecast.fitting.run import Run
from forecast.inference.information import information
from forecast.inference.summary import number


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


class WatchlistDocument(TypedDict):
    outcome: str
    given: dict[str, str]  # what the ranking is given: node -> the state seen
    indicators: list[SignpostDocument]  # most informative first


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
        )


def candidates(run: Run) -> list[str]:
    """The signposts (indicator nodes) nothing has been seen of yet."""
    seen = run.study.observed()
    return [n.id for n in run.study.network.nodes if n.kind == "indicator" and n.id not in seen]


def watchlist(run: Run) -> list[Signpost]:
    """Every unseen signpost, most informative first (ties by id)."""
    study, structure = run.study, run.structure
    outcome = study.network.node(study.network.outcome)
    given = study.observed()
    out = []
    for node_id in candidates(run):
        node = study.network.node(node_id)
        point = information(structure, run.point_tables.cpts, outcome.id, node_id, given)
        drawn = np.concatenate(
            [information(structure, c, outcome.id, node_id, given).bits for c in run.drawn.chunks()]
        )
        out.append(
            Signpost(
                node_id,
                node.label,
                node.baseline,
                float(point.bits[0]),
                float(np.quantile(drawn, 0.05)),
                float(np.quantile(drawn, 0.95)),
                {s: float(point.chance[0, i]) for i, s in enumerate(node.states)},
                {
                    s: {o: float(point.then[0, i, j]) for j, o in enumerate(outcome.states)}
                    for i, s in enumerate(node.states)
                },
            )
        )
    return sorted(out, key=lambda s: (-s.bits, s.node))


def watchlist_document(run: Run, signposts: list[Signpost] | None = None) -> WatchlistDocument:
    """The watchlist as JSON: what it is given (node to state) and the ranked signposts."""
    ranked = watchlist(run) if signposts is None else signposts
    return WatchlistDocument(
        outcome=run.study.network.outcome,
        given=dict(run.study.observed()),
        indicators=[s.document() for s in ranked],
    )
