"""The results document (results.json): a stable contract, byte-identical for equal inputs."""

from __future__ import annotations

import json
from typing import Any

from forecast.batched import summarise
from forecast.engine import Run
from forecast.pooling import Array

DECIMALS = 10


def _number(value: float) -> float:
    return round(float(value), DECIMALS)


def outcome_summary(states: tuple[str, ...], point: Array, samples: Array) -> dict[str, Any]:
    """{state: {point, mean, p05, p95}} for one query."""
    stats = summarise(samples)
    return {
        state: {
            "point": _number(point[i]),
            "mean": _number(stats["mean"][i]),
            "p05": _number(stats["p05"][i]),
            "p95": _number(stats["p95"][i]),
        }
        for i, state in enumerate(states)
    }


def results_document(run: Run) -> dict[str, Any]:
    """The results document for a run."""
    study = run.study
    outcome = study.network.node(study.network.outcome)
    return {
        "question": " ".join(study.model.question.split()),
        "outcome": outcome.id,
        "horizon": study.model.horizon.date.isoformat(),
        "as_of": study.model.as_of.isoformat(),
        "draws": run.draws,
        "seed": run.seed,
        "yardstick": study.model.settings.yardstick,
        "pooling": study.model.settings.pooling,
        "scenarios": [
            {
                "id": r.scenario.id,
                "title": r.scenario.title,
                "given": dict(r.scenario.given),
                "do": dict(r.scenario.do),
                "outcome": outcome_summary(outcome.states, r.point, r.samples),
            }
            for r in run.results
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable JSON: sorted keys, fixed indentation, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
