"""The results document (results.json): a stable contract, byte-identical for equal inputs."""

from __future__ import annotations

from typing import Any

from forecast.analysis.explorer import explorer_rows
from forecast.fitting.run import Run
from forecast.inference.summary import number, outcome_summary, quantile_error


def scenario_rows(run: Run) -> list[dict[str, Any]]:
    """Each scenario's conditions and outcome summary, as in the results document."""
    outcome = run.study.network.node(run.study.network.outcome)
    rows = []
    for r in run.results:
        row = {
            "id": r.scenario.id,
            "title": r.scenario.title,
            "given": dict(r.scenario.given),
            "do": dict(r.scenario.do),
            "outcome": outcome_summary(outcome.states, r.point, r.samples),
        }
        if r.unobserved is not None:
            row["without_observations"] = outcome_summary(outcome.states, *r.unobserved)
        rows.append(row)
    return rows


def observation_rows(run: Run) -> list[dict[str, Any]]:
    """What the forecast is given: every observation, retracted ones marked."""
    return [
        {
            "id": o.id,
            "node": o.node,
            "state": o.state,
            "seen": o.seen.text,
            "reader": o.reader,
            "retracted": o.retracted,
        }
        for o in run.study.observations
    ]


def monte_carlo_error(run: Run) -> float:
    """The largest Monte Carlo standard error of any scenario's 5th or 95th percentile."""
    return max(float(quantile_error(r.samples, q).max()) for r in run.results for q in (0.05, 0.95))


def results_document(run: Run) -> dict[str, Any]:
    """The results document for a run."""
    study = run.study
    return {
        "question": " ".join(study.model.question.split()),
        "outcome": study.network.outcome,
        "horizon": study.model.horizon.date.isoformat(),
        "as_of": study.model.as_of.isoformat(),
        "draws": run.draws,
        "seed": run.seed,
        "yardstick": study.model.settings.yardstick,
        "pooling": study.model.settings.pooling,
        **({"observations": observation_rows(run)} if study.observations else {}),
        "scenarios": scenario_rows(run),
        "explorer": explorer_rows(run),
        "monte_carlo_error": number(monte_carlo_error(run)),
        "claims": [
            {"id": st.id, "source": st.source_id, "kind": st.kind, "retracted": st.retracted}
            for st in sorted(study.statements, key=lambda st: st.id)
            if st.cited
        ],
    }
