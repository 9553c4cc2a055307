"""Hold the sources' own forecasts of the outcome against the model's marginal."""

from __future__ import annotations

from dataclasses import dataclass

from forecast.batched import summarise
from forecast.domain import Statement
from forecast.engine import Run


@dataclass(frozen=True)
class Check:
    statement: Statement
    mean: float
    low: float
    high: float
    point: float

    @property
    def gap(self) -> float:
        """Distance between the model's 90 % interval and the stated range (0 if they overlap)."""
        if self.high < self.statement.low:
            return self.statement.low - self.high
        if self.low > self.statement.high:
            return self.low - self.statement.high
        return 0.0

    @property
    def verdict(self) -> str:
        if self.gap == 0.0:
            return "consistent"
        side = "lower" if self.high < self.statement.low else "higher"
        return f"model {100 * self.gap:.0f} points {side}"


def coherence(run: Run) -> list[Check]:
    """One check per source forecast, against the unconditional outcome distribution."""
    outcome = run.study.network.node(run.study.network.outcome)
    point = run.point({}, {}, outcome.id)
    stats = summarise(run.samples({}, {}, outcome.id))
    checks = []
    for statement in run.study.forecasts():
        i = outcome.index(statement.state)
        checks.append(
            Check(
                statement,
                float(stats["mean"][i]),
                float(stats["p05"][i]),
                float(stats["p95"][i]),
                float(point[i]),
            )
        )
    return checks
