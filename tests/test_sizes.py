"""The draws' memory plan counts what the fit holds per draw, so a large outcome is made in
chunks under `settings.limits.memory_mb` instead of running out of memory."""

from __future__ import annotations

import shutil
from pathlib import Path

from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.inputs.sizes import (
    BYTES_PER_NUMBER,
    SOLVER_COPIES,
    free_parameters,
    plan_draws,
)

MINI = Path(__file__).resolve().parent / "data" / "mini"


def _fifty_states(tmp_path: Path) -> Path:
    ws = Path(shutil.copytree(MINI, tmp_path / "ws"))
    model = ws / "model" / "network.yaml"
    names = [f"s{i}" for i in range(47)]
    states = "".join(f"      - {{id: {n}, label: {n}, criterion: Case {n}.}}\n" for n in names)
    poor = "      - {id: poor, label: Poor, criterion: Below 90 % of the average.}\n"
    text = model.read_text("utf-8").replace(poor, poor + states)
    text = text.replace(
        "precedence: [poor, good, fair]", f"precedence: [poor, good, fair, {', '.join(names)}]"
    )
    model.write_text(text, "utf-8")
    return ws


def test_a_fifty_state_outcome_is_fitted_in_chunks_within_the_limit(tmp_path: Path) -> None:
    study = build_study(load_inputs(_fifty_states(tmp_path)))
    parameters = free_parameters(study.network)
    assert parameters == 1 + 2 + 49 * 2  # rain, flood's base and effect, harvest's two columns
    plan = plan_draws(study.network, len(study.scenarios), 5000, 1024)
    assert not isinstance(plan, str)
    assert plan.chunks > 1
    solver = plan.chunk * parameters**2 * BYTES_PER_NUMBER * SOLVER_COPIES
    assert solver <= 512 * 2**20, "a chunk's fit stays within half the limit"


def test_the_real_model_keeps_its_draws_in_one_chunk(study) -> None:  # type: ignore[no-untyped-def]
    plan = plan_draws(study.network, len(study.scenarios), 5000, 1024)
    assert not isinstance(plan, str) and plan.chunks == 1
