"""What changed since the previous report: scenario shifts and claims added, removed, retracted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Changes:
    previous_as_of: str | None
    shifts: list[dict[str, Any]]  # {id, title, shift: {state: new mean - old mean}} or new
    added: list[str]
    removed: list[str]
    retracted: list[str]

    @property
    def any(self) -> bool:
        moved = any(abs(v) >= 0.0005 for s in self.shifts for v in (s["shift"] or {}).values())
        return moved or bool(self.added or self.removed or self.retracted)


def load_previous(folder: Path) -> dict[str, Any] | None:
    """The previous results document in an output folder, if there is a readable one."""
    path = folder / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def compare(previous: dict[str, Any], current: dict[str, Any]) -> Changes:
    """Differences between two results documents."""
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
        shifts.append({"id": sc["id"], "title": sc["title"], "shift": shift})
    old_claims = {c["id"]: c for c in previous.get("claims", [])}
    new_claims = {c["id"]: c for c in current.get("claims", [])}
    return Changes(
        previous.get("as_of"),
        shifts,
        sorted(set(new_claims) - set(old_claims)),
        sorted(set(old_claims) - set(new_claims)),
        sorted(
            cid
            for cid, c in new_claims.items()
            if c["retracted"] and not old_claims.get(cid, {}).get("retracted", False)
        ),
    )
