"""One question, "as of": on the real workspace: `run --as-of D` is `history` at D, the
model's own date is `run`, and analyst assumptions age with the claims around them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from forecast.inputs import grading
from forecast.inputs.asof import evidence_recency, known_on
from forecast.inputs.domain import Study

from .test_loop_commands import _baseline_of_run, _history_at


@pytest.mark.parametrize("date", ["2023-06-30", "2022-09-01"])
def test_run_as_of_is_history_at_that_date_on_the_real_workspace(
    workspace: Path, date: str
) -> None:
    ran, told = _baseline_of_run(workspace, "--as-of", date), _history_at(workspace, date)
    for state in ran:
        assert abs(ran[state] - told[state]) < 1e-9


def test_run_as_of_the_model_s_date_is_run_on_the_real_workspace(
    workspace: Path, study: Study
) -> None:
    as_of = study.model.as_of.isoformat()
    assert _baseline_of_run(workspace, "--as-of", as_of) == _baseline_of_run(workspace)


def _weights(study: Study) -> tuple[float, dict[str, float]]:
    """An analyst assumption's weight, and every live claim's."""
    assumption = next(s.weight for s in study.active() if not s.cited)
    return assumption, {s.id: s.weight for s in study.active() if s.cited}


def test_an_assumption_ages_with_the_claims(study: Study) -> None:
    """Three years on (one half-life), every claim weighs half as much, and so does every
    analyst assumption: its weight beside a claim is the same at both dates, where a fixed
    weight would have doubled against every claim."""
    later = study.model.as_of + dt.timedelta(days=round(3 * grading.DAYS_PER_YEAR))
    now_a, now_c = _weights(study)
    then = known_on(study, later)
    then_a, then_c = _weights(then)
    assert then.model.as_of == later
    for claim, weight in now_c.items():
        assert then_c[claim] == pytest.approx(weight / 2, rel=1e-3)
        assert then_a / then_c[claim] == pytest.approx(now_a / weight, rel=1e-3)
    assert now_a == pytest.approx(grading.assumption_weight() * evidence_recency(study.statements))
    assert then.assumption_scale == pytest.approx(study.assumption_scale / 2, rel=1e-3)


def test_an_earlier_date_weighs_the_claims_it_knew_as_then(study: Study) -> None:
    """Before a source is published its claims are left out, and the claims kept weigh as
    they did on that date: younger, so more."""
    date = dt.date(2023, 6, 30)
    then = known_on(study, date)
    assert "lin-2023" not in {s.id for s in then.sources}
    kept = {s.id: s.weight for s in then.active() if s.cited}
    assert kept and all(s.source_id != "lin-2023" for s in then.active())
    for s in study.active():
        if s.id in kept:
            assert kept[s.id] > s.weight
    scale = np.mean([grading.recency_at(sum(s.ages) / 2) for s in then.active() if s.cited])
    assert then.assumption_scale == pytest.approx(scale)
