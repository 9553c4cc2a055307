"""What changed between two results documents: scenario shifts and claims added,
removed or retracted (the report's "since the previous report", `run`'s last lines)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict


class Shift(TypedDict):
    id: str
    title: str
    shift: dict[str, float] | None  # state -> new mean - old mean; None for a new scenario


@dataclass(frozen=True)
class Changes:
    previous_as_of: str | None
    shifts: list[Shift]
    added: list[str]
    removed: list[str]
    retracted: list[str]

    @property
    def any(self) -> bool:
        moved = any(abs(v) >= 0.0005 for s in self.shifts for v in (s["shift"] or {}).values())
        return moved or bool(self.added or self.removed or self.retracted)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def shape_problem(data: Any) -> str | None:
    """What keeps a results document from being compared with, or None when it is usable."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    scenarios, claims = data.get("scenarios", []), data.get("claims", [])
    if not isinstance(scenarios, list) or not isinstance(claims, list):
        return "'scenarios' and 'claims' must be lists"
    for sc in scenarios:
        if not (isinstance(sc, dict) and isinstance(sc.get("id"), str)):
            return "a scenario has no id"
        outcome = sc.get("outcome")
        if not isinstance(outcome, dict) or not all(
            isinstance(v, dict) and _number(v.get("mean")) for v in outcome.values()
        ):
            return f"scenario {sc['id']!r} has no outcome means"
    for claim in claims:
        if not (isinstance(claim, dict) and isinstance(claim.get("id"), str)):
            return "a claim has no id"
        if not isinstance(claim.get("retracted"), bool):
            return f"claim {claim['id']!r} does not say whether it is retracted"
    return None


def compare(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Changes:
    """Differences between two results documents (or their `run_summary`); `previous`,
    read back from a file, has passed `shape_problem`."""
    old_scenarios = {s["id"]: s for s in previous.get("scenarios", [])}
    shifts = []
    for sc in current["scenarios"]:
        old = old_scenarios.get(sc["id"])
        shift = None
        if old is not None:
            shift = {
                state: round(values["mean"] - old["outcome"][state]["mean"], 6)
                for state, values in sc["outcome"].items()
                if state in old.get("outcome", {})
            }
        shifts.append(Shift(id=sc["id"], title=sc["title"], shift=shift))
    old_claims = {c["id"]: c for c in previous.get("claims", [])}
    new_claims = {c["id"]: c for c in current["claims"]}
    return Changes(
        previous["as_of"] if isinstance(previous.get("as_of"), str) else None,
        shifts,
        sorted(set(new_claims) - set(old_claims)),
        sorted(set(old_claims) - set(new_claims)),
        sorted(
            cid
            for cid, c in new_claims.items()
            if c["retracted"] and not old_claims.get(cid, {}).get("retracted", False)
        ),
    )
