"""The command line through its runner: exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from forecast.cli import main
from forecast.fitting.parallel import STRAGGLERS

FAST = ["--draws", "500"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("validate", "run", "query", "report", "audit", "export"):
        assert command in result.output


def test_validate_real_workspace(workspace: Path) -> None:
    result = invoke("validate", "--root", str(workspace))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_run_json_is_the_results_document(workspace: Path) -> None:
    result = invoke("run", "--root", str(workspace), "--json", *FAST)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert {"question", "outcome", "draws", "seed", "scenarios"} <= set(doc)
    assert doc["draws"] == 500
    for sc in doc["scenarios"]:
        assert {"id", "title", "given", "do", "outcome"} <= set(sc)
        total = sum(o["point"] for o in sc["outcome"].values())
        assert abs(total - 1) < 1e-9
        for o in sc["outcome"].values():
            assert 0 <= o["p05"] <= o["mean"] <= o["p95"] <= 1


def test_run_table(workspace: Path) -> None:
    result = invoke("run", "--root", str(workspace), *FAST)
    assert result.exit_code == 0
    assert "90 % interval" in result.stdout


def test_same_seed_same_bytes(workspace: Path) -> None:
    first = invoke("run", "--root", str(workspace), "--json", *FAST).stdout
    second = invoke("run", "--root", str(workspace), "--json", *FAST).stdout
    assert first == second
    other = invoke("run", "--root", str(workspace), "--json", "--seed", "99", *FAST).stdout
    assert other != first


def _baseline_alliance(workspace: Path) -> float:
    doc = json.loads(invoke("run", "--root", str(workspace), "--json", *FAST).stdout)
    base = next(sc for sc in doc["scenarios"] if not sc["given"] and not sc["do"])
    return float(base["outcome"]["alliance"]["point"])


def test_forecaster_adds_a_claim_and_the_forecast_moves(workspace: Path) -> None:
    before = _baseline_alliance(workspace)
    path = workspace / "evidence" / "lin-2023.yaml"
    text = path.read_text(encoding="utf-8")
    text += """
  - id: lin-2023-test-alliance-base
    about: {node: trajectory, state: alliance, given: {}}
    probability: [0.6, 0.7]
    credibility: 2
    reader: reader-1
    quote: >-
      Both countries have made a clear strategic choice, making bilateral relations a priority
    note: >-
      Test claim added by a forecaster: a strategic choice read as a likely alliance.
"""
    path.write_text(text, encoding="utf-8")
    assert invoke("validate", "--root", str(workspace)).exit_code == 0
    after = _baseline_alliance(workspace)
    assert after > before + 1e-4


def test_query_given_and_do(workspace: Path) -> None:
    result = invoke(
        "query", "--root", str(workspace), *FAST, "--given", "taiwan_crisis=yes", "--json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["given"] == {"taiwan_crisis": "yes"}
    assert doc["observed"] == {
        "bank_payment_halts": "yes",
        "joint_patrols": "yes",
        "strike_criticism": "yes",
    }
    # what was seen would inform war_outcome through paths a do() does not cut: without
    # it, forcing a child of war_outcome says nothing about it, and observing it does
    (workspace / "evidence" / "observations.yaml").unlink()
    observed = invoke(
        "query",
        "--root",
        str(workspace),
        *FAST,
        "--target",
        "war_outcome",
        "--given",
        "regime_change=yes",
        "--json",
    )
    forced = invoke(
        "query",
        "--root",
        str(workspace),
        *FAST,
        "--target",
        "war_outcome",
        "--do",
        "regime_change=yes",
        "--json",
    )
    prior = invoke("query", "--root", str(workspace), *FAST, "--target", "war_outcome", "--json")
    p_obs = json.loads(observed.stdout)["outcome"]["russian_defeat"]["point"]
    p_do = json.loads(forced.stdout)["outcome"]["russian_defeat"]["point"]
    p_prior = json.loads(prior.stdout)["outcome"]["russian_defeat"]["point"]
    assert abs(p_do - p_prior) < 1e-12  # forcing a child says nothing about its parent
    assert abs(p_obs - p_prior) > 1e-3  # observing it does


def test_query_usage_errors_exit_2(workspace: Path) -> None:
    bad_form = CliRunner().invoke(main, ["query", "--root", str(workspace), "--given", "taiwan"])
    assert bad_form.exit_code == 2
    unknown = CliRunner().invoke(
        main, ["query", "--root", str(workspace), *FAST, "--given", "taiwan=yes"]
    )
    assert unknown.exit_code == 2
    assert "taiwan_crisis" in unknown.output


def test_audit_outcome_lists_claims_and_quotes(workspace: Path) -> None:
    result = invoke("audit", "--root", str(workspace), "trajectory")
    assert result.exit_code == 0
    assert "== trajectory | baseline [base]" in result.stdout
    assert "share" in result.stdout and "note:" in result.stdout
    doc = json.loads(invoke("audit", "--root", str(workspace), "trajectory", "--json").stdout)
    kinds = {c["kind"] for c in doc["columns"]}
    assert {"base", "effect"} <= kinds
    for col in doc["columns"]:
        assert abs(sum(col["fitted"].values()) - 1) < 1e-5
        if col["statements"]:
            assert abs(sum(s["share"] for s in col["statements"]) - 1) < 1e-5
    assert doc["queries"], "the outcome has level and push claims beyond its columns"
    assert all(q["about"].startswith("trajectory") for q in doc["queries"])
    assert len(doc["table"]) == 3 * 2**5  # war_outcome has three states, the other parents two


def test_audit_shows_uncited_assumptions(workspace: Path) -> None:
    result = invoke("audit", "--root", str(workspace), "taiwan_crisis")
    assert "UNCITED analyst assumption" in result.stdout


@pytest.mark.parametrize("fmt", ["bif", "xmlbif", "json"])
def test_export_formats(workspace: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"model.{fmt}"
    result = invoke("export", "--root", str(workspace), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text()
    assert "trajectory" in text
    if fmt == "json":
        assert json.loads(text)["outcome"] == "trajectory"


def test_invalid_input_exit_1_without_traceback(workspace: Path) -> None:
    path = workspace / "evidence" / "lin-2023.yaml"
    path.write_text(path.read_text().replace("credibility: 2", "credibility: 9", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "forecast.cli", "validate", "--root", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "evidence/lin-2023.yaml:" in proc.stderr
    assert "credibility" in proc.stderr


def test_run_shows_the_point_answer_first_then_the_draws_as_they_are_fitted(
    workspace: Path,
) -> None:
    """Standard error carries each scenario's point answer before any draw is fitted, then
    the draws fitted so far; the point answers are the results' `point` values."""
    from .cli_runner import forecast

    done = forecast(workspace, "run", "--draws", "1300")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("the point network"))
    progress = [i for i, line in enumerate(lines) if "draws fitted:" in line]
    # three groups (434, 433, 433 draws), done in whichever order the two workers finish,
    # each but for the draws it hands on still moving (at most STRAGGLERS), which follow
    counts = [lines[i].split(": ")[1] for i in progress]
    assert all(c.endswith(" of 1300") for c in counts) and counts[-1] == "1300 of 1300"
    fitted = [int(c.split()[0]) for c in counts]
    assert 433 - STRAGGLERS <= fitted[0] <= 434 and len(fitted) in (3, 4)
    assert 866 - 2 * STRAGGLERS <= fitted[1] <= 867 and fitted == sorted(set(fitted))
    assert first < progress[0]
    doc = json.loads(forecast(workspace, "run", "--draws", "1300", "--json").stdout)
    for sc in doc["scenarios"]:
        row = next(
            line for line in lines[first : progress[0]] if line.strip().startswith(sc["title"])
        )
        for state, o in sc["outcome"].items():
            assert f"{state} {100 * o['point']:5.1f} %" in row, (sc["id"], state)


def test_a_run_after_an_edit_and_back_is_byte_identical_to_a_cold_one(workspace: Path) -> None:
    """Whatever the cache held in between, the same inputs and seed give the same bytes."""
    import shutil

    shutil.rmtree(workspace / ".forecast-cache", ignore_errors=True)
    cold = invoke("run", "--root", str(workspace), "--json", *FAST).stdout
    path = workspace / "evidence" / "lin-2023.yaml"
    original = path.read_text(encoding="utf-8")
    edited = original.replace("probability: [0.05, 0.6]", "probability: [0.05, 0.5]", 1)
    assert edited != original
    path.write_text(edited, encoding="utf-8")
    moved = invoke("run", "--root", str(workspace), "--json", *FAST).stdout
    assert moved != cold
    path.write_text(original, encoding="utf-8")
    back = invoke("run", "--root", str(workspace), "--json", *FAST).stdout
    assert back == cold
    shutil.rmtree(workspace / ".forecast-cache")
    assert invoke("run", "--root", str(workspace), "--json", *FAST).stdout == cold
