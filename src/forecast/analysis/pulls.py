"""What holds a missed claim away from its range: the claims whose removal (a refit
without each claim in turn) moves it most towards its range, and the pairs of claims that
pull against each other."""

from __future__ import annotations

from typing import TypedDict

from forecast.analysis.influence import LeftOut, leave_one_out
from forecast.fitting.claimfit import ClaimRow, active_claims, claim_row, fit_rows
from forecast.fitting.cpt import Tables
from forecast.inference.structure import structure_of
from forecast.inputs.domain import Study

MIN_GAIN = 0.1  # points of miss a removal must take away to count as holding a claim
HOLDERS = 3  # the holders a fit row names, most first


class Holder(TypedDict):
    """A claim whose removal moves a missed claim towards its range."""

    claim: str
    fitted_without: float  # the missed claim's value in the refit without `claim`
    miss_without: float  # its miss there, in points
    gain: float  # how many points of miss the removal takes away


class FitRow(ClaimRow):
    """A claim valued under the point network, with what holds it when it misses."""

    held_by: list[Holder]  # empty when honoured or when no single removal frees it


class Pull(TypedDict):
    """A missed claim and the claim whose removal most reduces its miss."""

    claim: str
    dropped: str
    miss_points: float  # the miss with every claim
    miss_without: float  # the miss without `dropped`
    gain: float  # how many points of miss the removal takes away


def held_fit_rows(
    study: Study, tables: Tables, refits: dict[str, LeftOut] | None = None
) -> list[FitRow]:
    """The fit table (`fit_rows`), each missed claim with the claims that hold it: the
    removals that take at least MIN_GAIN points off its miss, the HOLDERS largest; `refits`
    from `leave_one_out` saves fitting again."""
    rows = fit_rows(study, tables)
    missed = {r["id"]: r for r in rows if not r["honoured"]}
    found: dict[str, list[Holder]] = {claim: [] for claim in missed}
    if missed:
        refits = leave_one_out(study, tables) if refits is None else refits
        structure = structure_of(study.network)
        for dropped in active_claims(study):
            changed, refit = refits[dropped.id].study, refits[dropped.id].tables
            for claim in active_claims(changed):
                if claim.id not in missed:
                    continue
                after = claim_row(changed, structure, refit, claim)
                gain = abs(missed[claim.id]["miss_points"]) - abs(after["miss_points"])
                if gain >= MIN_GAIN:
                    found[claim.id].append(
                        Holder(
                            claim=dropped.id,
                            fitted_without=after["fitted"],
                            miss_without=after["miss_points"],
                            gain=round(gain, 6),
                        )
                    )
    for holders in found.values():
        holders.sort(key=lambda h: (-h["gain"], h["claim"]))
        del holders[HOLDERS:]
    return [FitRow(**r, held_by=found.get(r["id"], [])) for r in rows]


def pulling_pairs(rows: list[FitRow], limit: int = 10) -> list[Pull]:
    """From the fit table's holders: for each missed claim the claim whose removal most
    reduces its miss, the `limit` largest reductions, one row per unordered pair."""
    best: dict[frozenset[str], Pull] = {}
    for row in rows:
        for h in row["held_by"]:
            pair = frozenset((h["claim"], row["id"]))
            if pair not in best or h["gain"] > best[pair]["gain"]:
                best[pair] = Pull(
                    claim=row["id"],
                    dropped=h["claim"],
                    miss_points=row["miss_points"],
                    miss_without=h["miss_without"],
                    gain=h["gain"],
                )
    return sorted(best.values(), key=lambda r: (-r["gain"], r["claim"]))[:limit]
