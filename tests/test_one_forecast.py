"""One forecast, told once: every percentage a surface prints for a scenario and state is
the document's value as rounded for display, every live claim's quote is on the page, and
the document keeps its versioned contract."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from forecast.inputs.resultschema import check_results

from .cli_runner import forecast

DRAWS = "300"


@pytest.fixture(scope="module")
def told(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The real workspace's report, `run` and `assess`, all from the same draws."""
    from .conftest import copy_workspace

    ws = copy_workspace(tmp_path_factory.mktemp("one") / "ws")
    out = ws / "reports"
    done = forecast(ws, "report", "--out", str(out), "--draws", DRAWS)
    assert done.returncode == 0, done.stderr
    run = forecast(ws, "run", "--draws", DRAWS)
    assess = forecast(ws, "assess", "--draws", DRAWS)
    assert run.returncode == assess.returncode == 0, run.stderr + assess.stderr
    from forecast.inputs.checks import build_study
    from forecast.inputs.loading import load_inputs

    study = build_study(load_inputs(ws))
    return {
        "ws": ws,
        "study": study,
        "states": list(study.network.node(study.network.outcome).states),
        "doc": json.loads((out / "results.json").read_text("utf-8")),
        "html": (out / "index.html").read_text("utf-8"),
        "md": (out / "report.md").read_text("utf-8"),
        "run": run.stdout,
        "assess": assess.stdout,
    }


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def test_the_page_shows_the_documents_scenario_numbers(told: dict[str, Any]) -> None:
    doc, page, states = told["doc"], told["html"], told["states"]
    for sc in doc["scenarios"]:
        row = re.search(rf'<tr data-scenario="{re.escape(sc["id"])}">(.*?)</tr>', page, re.S)
        assert row, sc["id"]
        cells = re.findall(r"<td>(\d+ %) <span", row.group(1))
        assert cells == [_pct(sc["outcome"][s]["mean"]) for s in states], sc["id"]
    baseline = next(sc for sc in doc["scenarios"] if not sc["given"] and not sc["do"])
    for state in states:
        card = re.search(
            rf'data-baseline-state="{state}">.*?<div class="big">(.*?)</div>', page, re.S
        )
        assert card and card.group(1) == _pct(baseline["outcome"][state]["mean"]), state


def test_markdown_and_terminal_show_the_same_numbers(told: dict[str, Any]) -> None:
    doc, states = told["doc"], told["states"]
    for sc in doc["scenarios"]:
        md_row = next(
            line for line in told["md"].splitlines() if line.startswith(f"| {sc['title']} |")
        )
        run_row = next(line for line in told["run"].splitlines() if line.startswith(sc["title"]))
        for state in states:
            o = sc["outcome"][state]
            assert f"{_pct(o['mean'])} ({100 * o['p05']:.0f}–{100 * o['p95']:.0f} %" in md_row
            assert f"{100 * o['mean']:.1f} % [" in run_row


def test_every_judgement_is_told_the_same_everywhere(told: dict[str, Any]) -> None:
    judgements = told["doc"]["assessment"]["judgements"]
    assert 3 <= len(judgements) <= 6
    for j in judgements:
        numbers = f"{_pct(j['mean'])}, 90 % interval {100 * j['p05']:.0f}–{100 * j['p95']:.0f} %"
        assert numbers in j["sentence"]
        assert j["sentence"] in html.unescape(told["html"])
        assert j["sentence"] in told["md"].replace("\\", "")
        assert j["sentence"] in told["assess"], "forecast assess says what the page says"


def test_every_live_claim_is_on_the_page_with_its_quote(told: dict[str, Any]) -> None:
    study = told["study"]
    page = html.unescape(told["html"])
    live = [s for s in study.active() if s.cited]
    assert len(live) >= 40
    for s in live:
        assert f'id="claim-{s.id}"' in told["html"], s.id
        assert " ".join(s.quote.split()) in page, s.id


def test_results_keep_their_versioned_contract(told: dict[str, Any]) -> None:
    doc = told["doc"]
    assert doc["schema_version"] == 1
    check_results(doc)
    renamed = {("scenario" if k == "scenarios" else k): v for k, v in doc.items()}
    with pytest.raises(ValidationError):
        check_results(renamed)
    judgement = dict(doc["assessment"]["judgements"][0])
    judgement["text"] = judgement.pop("sentence")
    nested = {**doc, "assessment": {**doc["assessment"], "judgements": [judgement]}}
    with pytest.raises(ValidationError):
        check_results(nested)


def test_every_json_output_says_its_version(told: dict[str, Any]) -> None:
    ws = told["ws"]
    for args in (["run", "--json"], ["watchlist", "--json"], ["assess", "--json"]):
        done = forecast(ws, *args, "--draws", DRAWS)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["schema_version"] == 1, args
    for args in (["audit", "--json"], ["audit", "--fit", "--json"], ["nodes", "--json"]):
        done = forecast(ws, *args)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["schema_version"] == 1, args
    check_results(json.loads(forecast(ws, "run", "--json", "--draws", DRAWS).stdout))


def test_schema_publishes_the_results_and_ledger_contracts(tmp_path: Path) -> None:
    ws = Path(shutil.copytree(Path(__file__).parent / "data" / "mini", tmp_path / "ws"))
    done = forecast(ws, "schema")
    assert done.returncode == 0, done.stderr
    results = json.loads((ws / "reports" / "results.schema.json").read_text("utf-8"))
    assert "schema_version" in results["required"]
    ledger = json.loads((ws / "ledger" / "forecasts.schema.json").read_text("utf-8"))
    assert "prev" in ledger["properties"]


def test_what_decides_the_baseline_is_told_the_same_on_the_page_and_in_markdown(
    told: dict[str, Any],
) -> None:
    """The page's table and report.md's rows are the document's `decides` (point fits:
    the same whatever the draws), the other setting's baseline included."""
    from forecast.analysis.decides import what_decides

    decides, states = what_decides(told["study"]), told["states"]
    table = re.search(r'<table id="decides-table">(.*?)</table>', told["html"], re.S)
    assert table
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table.group(1), re.S)
    wanted = [decides["full"], decides["without_forecasts"], decides["with_other"]]
    for (_, cells), outcome in zip(rows[:3], wanted, strict=True):
        assert re.findall(r"<td>(.*?)</td>", cells) == [_pct(outcome[s]) for s in states]
    assert f"settings.forecasts_against: {decides['against']}" in told["html"]
    md = told["md"].splitlines()
    for title, outcome in zip(["The full fit", "Without the", "Them held"], wanted, strict=True):
        line = next(x for x in md if x.startswith(f"| {title}"))
        assert line.endswith(" | ".join(_pct(outcome[s]) for s in states) + " |"), line
