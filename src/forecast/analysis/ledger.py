"""The published record: one entry per `forecast publish`, as a line of JSON.

An entry holds the date, the commit the inputs came from, what was observed, the baseline
and every scenario with their intervals, the watchlist's top five, and the forecast of
every question the model can be scored on as it resolves: the outcome, and every driver,
intermediate node and signpost not yet seen (each given what was seen).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from forecast.analysis.results import scenario_rows
from forecast.analysis.watchlist import Signpost
from forecast.base.errors import InputError, Problem
from forecast.fitting.run import Query, Run

TOP = 5  # watchlist entries kept in a published forecast


def questions(run: Run) -> dict[str, dict[str, dict[str, float]]]:
    """Every node not seen: its distribution given what was seen, {node: {state: summary}}."""
    study = run.study
    seen = study.observed()
    nodes = [n.id for n in study.network.nodes if n.id not in seen]
    summaries = run.summaries([Query(n, study.given_for({}, {})) for n in nodes])
    return {
        node: {
            s: {k: v for k, v in o.items() if not k.endswith("_error")} for s, o in summary.items()
        }
        for node, summary in zip(nodes, summaries, strict=True)
    }


def ledger_entry(
    run: Run, signposts: list[Signpost], commit: str | None, dirty: bool, today: dt.date
) -> dict[str, Any]:
    """Today's forecast as one ledger entry."""
    study = run.study
    return {
        "published": today.isoformat(),
        "commit": commit,
        "uncommitted_inputs": dirty,
        "as_of": study.model.as_of.isoformat(),
        "horizon": study.model.horizon.date.isoformat(),
        "outcome": study.network.outcome,
        "draws": run.draws,
        "seed": run.seed,
        "observed": study.observed(),
        "scenarios": [
            {k: row[k] for k in ("id", "title", "given", "do", "outcome")}
            for row in scenario_rows(run)
        ],
        "watchlist": [{"node": s.node, "bits": s.document()["bits"]} for s in signposts[:TOP]],
        "questions": questions(run),
    }


def entry_line(entry: dict[str, Any]) -> str:
    """An entry as one line of JSON (keys sorted, no spaces to spare)."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def read_ledger(path: Path, shown: str) -> list[dict[str, Any]]:
    """Every entry of the ledger (none when it does not exist); a line that is not a JSON
    object is refused with its line number."""
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            entry, reason = None, exc.msg
        else:
            reason = "not a published entry"
        if not isinstance(entry, dict) or "published" not in entry or "questions" not in entry:
            raise InputError(
                [
                    Problem(
                        shown,
                        number,
                        1,
                        f"line {number} is {reason}",
                        "restore the ledger from git",
                    )
                ]
            )
        entries.append(entry)
    return entries
