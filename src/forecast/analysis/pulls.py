"""Claims that pull against each other: the pairs where dropping one most reduces the
other's miss in the fit."""

from __future__ import annotations

from typing import TypedDict

from forecast.analysis.influence import LeftOut, leave_one_out
from forecast.fitting.claimfit import active_claims, claim_row, fit_rows
from forecast.fitting.cpt import Tables
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Study

MIN_GAIN = 0.1  # points of miss a drop must remove to count as a pull


class Pull(TypedDict):
    """A missed claim and the claim whose removal most reduces its miss."""

    claim: str
    dropped: str
    miss_points: float  # the miss with every claim
    miss_without: float  # the miss without `dropped`
    gain: float  # how many points of miss the removal takes away


def pulling_pairs(
    study: Study, tables: Tables, refits: dict[str, LeftOut] | None = None, limit: int = 10
) -> list[Pull]:
    """For each missed claim, the claim whose removal (a refit from `tables`; `refits` from
    `leave_one_out` saves fitting again) most reduces its miss; the `limit` largest
    reductions, one row per unordered pair."""
    missed = {r["id"]: r for r in fit_rows(study, tables) if not r["honoured"]}
    if not missed:
        return []
    refits = leave_one_out(study, tables) if refits is None else refits
    structure = structure_of(study.network)
    best: dict[frozenset[str], Pull] = {}
    for dropped in active_claims(study):
        changed, refit = refits[dropped.id].study, refits[dropped.id].tables
        for claim in active_claims(changed):
            if claim.id not in missed:
                continue
            before = missed[claim.id]["miss_points"]
            after = claim_row(changed, structure, refit, claim)["miss_points"]
            gain = abs(before) - abs(after)
            pair = frozenset((dropped.id, claim.id))
            if gain >= MIN_GAIN and (pair not in best or gain > best[pair]["gain"]):
                best[pair] = Pull(
                    claim=claim.id,
                    dropped=dropped.id,
                    miss_points=before,
                    miss_without=after,
                    gain=round(gain, 6),
                )
    return sorted(best.values(), key=lambda r: (-r["gain"], r["claim"]))[:limit]
