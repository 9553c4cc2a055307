"""Scores of the published forecasts against how their questions resolved.

One forecast per question and day counts: of the entries published on one day, the last.
Each resolved question of each such entry published on or before its resolution date is
one scored forecast, with the entry's mean probabilities. The Brier score sums the squared
errors over every state of the question (0 is perfect, 2 is the worst; always saying
50 % on a yes/no question scores 0.5 this way). The logarithmic score is the natural log
of the probability given to what happened (0 is perfect; a confident miss costs most).
The calibration table bins every (question, state) forecast by its probability and sets
the share that happened beside the mean forecast of the bin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypedDict

from forecast.inference.summary import number
from forecast.inputs.domain import Resolution

BINS = 10  # calibration bins of equal width over [0, 1]
FLOOR = 1e-12  # a forecast of 0 for what happened scores log(1e-12), not minus infinity

# One bin of the calibration table ("from" is a Python keyword, hence this form).
CalibrationBin = TypedDict(
    "CalibrationBin",
    {"from": float, "to": float, "forecasts": int, "mean_forecast": float, "happened": float},
)


class Unscored(TypedDict):
    node: str
    resolved_on: str
    why: str
    detail: str  # "" when there is nothing more to say


class ScoreRow(TypedDict):
    published: str
    node: str
    happened: str
    forecast: dict[str, float]
    brier: float
    log: float


class ScoreDocument(TypedDict):
    entries: int
    counted: int
    counting: str
    resolved_questions: int
    scored: int
    brier: float | None  # None until something is scored
    log: float | None
    conventions: dict[str, str]
    rows: list[ScoreRow]
    unscored: list[Unscored]
    calibration: list[CalibrationBin]


@dataclass(frozen=True)
class Scored:
    published: str
    node: str
    happened: str
    forecast: dict[str, float]  # state -> mean probability

    @property
    def brier(self) -> float:
        return sum((p - (s == self.happened)) ** 2 for s, p in self.forecast.items())

    @property
    def log(self) -> float:
        return math.log(max(self.forecast[self.happened], FLOOR))


def counted(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries that count: the last one published on each day, oldest day first."""
    last = {entry["published"]: entry for entry in entries}
    return [last[day] for day in sorted(last)]


def scored(entries: list[dict[str, Any]], resolutions: list[Resolution]) -> list[Scored]:
    """Every forecast of a resolved question made on or before it resolved, one per day
    (`counted`)."""
    out = []
    for entry in counted(entries):
        for resolution in resolutions:
            question = entry["questions"].get(resolution.node)
            if question is None or entry["published"] > resolution.resolved_on.isoformat():
                continue
            forecast = {s: float(o["mean"]) for s, o in question.items()}
            out.append(Scored(entry["published"], resolution.node, resolution.state, forecast))
    return out


def unscored(
    entries: list[dict[str, Any]], resolutions: list[Resolution], rows: list[Scored]
) -> list[Unscored]:
    """Every resolution no forecast is scored against: why, and a detail ("" when none)."""
    days = counted(entries)
    out = []
    for resolution in resolutions:
        if any(r.node == resolution.node for r in rows):
            continue
        if not days:
            why, detail = "nothing is published yet", "forecast publish writes the ledger"
        elif days[0]["published"] > resolution.resolved_on.isoformat():
            why = "no forecast was published on or before its date"
            detail = f"the first entry is of {days[0]['published']}"
        else:
            why = "no entry published on or before its date forecast it"
            detail = "it was observed, or not in the model, when they were published"
        out.append(
            Unscored(
                node=resolution.node,
                resolved_on=resolution.resolved_on.isoformat(),
                why=why,
                detail=detail,
            )
        )
    return out


def calibration(rows: list[Scored]) -> list[CalibrationBin]:
    """Per bin of forecast probability: how many forecasts, their mean, and how often the
    state forecast happened."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for row in rows:
        for state, p in row.forecast.items():
            bins[min(int(p * BINS), BINS - 1)].append((p, state == row.happened))
    return [
        CalibrationBin(
            {
                "from": number(i / BINS),
                "to": number((i + 1) / BINS),
                "forecasts": len(members),
                "mean_forecast": number(sum(p for p, _ in members) / len(members)),
                "happened": number(sum(hit for _, hit in members) / len(members)),
            }
        )
        for i, members in enumerate(bins)
        if members
    ]


def score_document(entries: list[dict[str, Any]], resolutions: list[Resolution]) -> ScoreDocument:
    """Brier and logarithmic scores over every scored forecast, each row, and calibration."""
    rows = scored(entries, resolutions)

    def mean(values: list[float]) -> float | None:
        return number(sum(values) / len(values)) if values else None

    return ScoreDocument(
        entries=len(entries),
        counted=len(counted(entries)),
        counting="one entry per published day, the last of the day",
        resolved_questions=len(resolutions),
        scored=len(rows),
        brier=mean([r.brier for r in rows]),
        log=mean([r.log for r in rows]),
        conventions={
            "brier": "sum over the question's states of (forecast - outcome)^2; 0 best, 2 worst",
            "log": "natural log of the probability given to what happened; 0 best",
            "forecast": "the entry's mean over its draws",
        },
        rows=[
            ScoreRow(
                published=r.published,
                node=r.node,
                happened=r.happened,
                forecast={s: number(p) for s, p in r.forecast.items()},
                brier=number(r.brier),
                log=number(r.log),
            )
            for r in rows
        ],
        unscored=unscored(entries, resolutions, rows),
        calibration=calibration(rows),
    )
