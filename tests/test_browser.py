"""The report page in a real headless Chromium (Debian's, never a downloaded one).

Opens index.html from disk, checks there are no console errors and no network requests,
drives the what-if explorer and compares every displayed number with results.json.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from forecast.reporting.report import write_report

from .conftest import REPO

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
NUMBERS = re.compile(r"^(\d+) % \(90 % interval (\d+)–(\d+) %\)$")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, real_run: Any) -> Path:
    out = tmp_path_factory.mktemp("browser") / "reports"
    write_report(real_run, out)
    return out


@pytest.fixture
def page(tmp_path: Path):  # type: ignore[no-untyped-def]
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed: run `make browser` (Debian packages chromium, chromium-driver)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=executable,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.requests = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.on("request", lambda r: page.requests.append(r.url))
        yield page
        context.close()


def _displayed(page: Any, state: str) -> tuple[int, int, int]:
    text = page.inner_text(f"[data-outcome-state='{state}']").strip()
    match = NUMBERS.match(text)
    assert match, text
    return int(match[1]), int(match[2]), int(match[3])


def _check_row(page: Any, row: dict[str, Any]) -> None:
    for state, values in row["outcome"].items():
        mean, low, high = _displayed(page, state)
        assert abs(mean - 100 * values["mean"]) <= 0.5 + 1e-9, (row["given"], state)
        assert abs(low - 100 * values["p05"]) <= 0.5 + 1e-9
        assert abs(high - 100 * values["p95"]) <= 0.5 + 1e-9


def test_page_offline_explorer_matches_results(report: Path, page: Any) -> None:
    doc = json.loads((report / "results.json").read_text())
    page.goto((report / "index.html").as_uri())
    page.wait_for_load_state("load")
    drivers = page.eval_on_selector_all(
        "select[data-driver]", "els => els.map(e => e.dataset.driver)"
    )
    assert drivers, "one control per driver"
    by_given = {json.dumps(r["given"], sort_keys=True): r for r in doc["explorer"]}
    _check_row(page, by_given["{}"])
    options = {
        d: page.eval_on_selector_all(
            f"select[data-driver='{d}'] option", "os => os.map(o => o.value)"
        )[1:]
        for d in drivers
    }
    combos = [
        {drivers[0]: options[drivers[0]][-1]},
        {drivers[0]: options[drivers[0]][-1], drivers[1]: options[drivers[1]][0]},
        {d: options[d][-1] for d in drivers},
        {d: options[d][0] for d in drivers[1:]},
        {},
    ]
    for given in combos:
        for driver in drivers:
            page.select_option(f"select[data-driver='{driver}']", given.get(driver, ""))
        _check_row(page, by_given[json.dumps(given, sort_keys=True)])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert page.console_errors == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests
    assert [u for u in page.requests if u.startswith("file:")] == [(report / "index.html").as_uri()]


def test_every_explorer_option_is_a_state(report: Path, page: Any, real_run: Any) -> None:
    page.goto((report / "index.html").as_uri())
    network = real_run.study.network
    for node in network.nodes:
        if node.kind != "driver":
            continue
        values = page.eval_on_selector_all(
            f"select[data-driver='{node.id}'] option", "os => os.map(o => o.value)"
        )
        assert values == ["", *node.states]


def test_phone_width_has_no_horizontal_scroll(report: Path, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((report / "index.html").as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=False)


def test_page_shows_evidence_age_readers_and_resolution(
    report: Path, page: Any, real_run: Any
) -> None:
    study = real_run.study
    page.goto((report / "index.html").as_uri())
    ages = page.eval_on_selector_all(
        "#evidence-age tbody tr", "rs => rs.map(r => [r.cells[0].innerText, r.className])"
    )
    assert [node for node, _ in ages] == list(study.network.ids)
    as_of = study.model.as_of
    for node, css in ages:
        newest = [
            study.source(s.source_id).published
            for s in study.active()
            if s.cited and s.node == node and s.source_id is not None
        ]
        stale = not newest or (as_of - max(newest)).days > 2 * 365
        assert (css == "stale") == stale, node
    readers = page.eval_on_selector_all(
        "#reader-baselines tbody tr", "rs => rs.map(r => r.cells[0].innerText)"
    )
    assert readers == ["all readers", *study.readers()]
    cases = page.eval_on_selector_all("#edge-cases tbody tr", "rs => rs.length")
    assert cases == len(study.model.edge_cases)
    assert page.console_errors == []


def test_first_screen_holds_question_judgements_cards_and_chart(report: Path, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto((report / "index.html").as_uri())
    tops = page.evaluate(
        """() => ["header", "#assessment", "#baseline .cards", "#baseline figure"].map(
            s => document.querySelector(s).getBoundingClientRect().top)"""
    )
    assert tops == sorted(tops), "question, judgements, cards, then the chart"
    assert tops[-1] < 1400, f"the scenario chart starts below the first screen: {tops}"
    judgements = page.eval_on_selector_all("#assessment li[data-judgement]", "ls => ls.length")
    assert 3 <= judgements <= 6
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "first-screen.png"), full_page=False)
    assert page.console_errors == []


def test_an_observed_driver_starts_in_its_state(tmp_path: Path, page: Any) -> None:
    import hashlib

    from .cli_runner import forecast

    ws = Path(shutil.copytree(REPO / "tests" / "data" / "mini", tmp_path / "ws"))
    text = ws / "evidence" / "sources" / "almanac.txt"
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    (ws / "evidence" / "observations.yaml").write_text(
        "observations:\n  - id: seen-rain\n    node: rain\n    state: rainy\n    seen: 2024-04\n"
        f"    text: {{path: evidence/sources/almanac.txt, sha256: {sha}}}\n"
        "    quote: Rain in April is likely, as it has been in most years we remember.\n"
        "    reader: the-tester\n    note: Constructed for a test.\n",
        "utf-8",
    )
    model = ws / "model" / "network.yaml"
    readers = (
        "readers:\n  - id: the-tester\n    role: Constructed for a test\n    read_on: 2024-05-01\n"
    )
    model.write_text(model.read_text("utf-8") + readers, "utf-8")
    evidence = ws / "evidence" / "almanac.yaml"
    evidence.write_text(
        evidence.read_text("utf-8").replace("    note: ", "    reader: the-tester\n    note: "),
        "utf-8",
    )
    done = forecast(ws, "report", "--draws", "300")
    assert done.returncode == 0, done.stderr
    doc = json.loads((ws / "reports" / "results.json").read_text("utf-8"))
    page.goto((ws / "reports" / "index.html").as_uri())
    assert page.eval_on_selector("select[data-driver='rain']", "s => s.value") == "rainy"
    assert page.eval_on_selector("select[data-driver='rain']", "s => s.dataset.seen") == "rainy"
    options = page.eval_on_selector_all(
        "select[data-driver='rain'] option", "os => os.map(o => o.value)"
    )
    assert "" not in options, "a seen driver is not 'unknown'"
    baseline = next(sc for sc in doc["scenarios"] if not sc["given"] and not sc["do"])
    _check_row(page, baseline)  # the explorer's numbers are the scenario table's
    page.select_option("select[data-driver='rain']", "dry")
    dry = next(r for r in doc["explorer"] if r["given"] == {"rain": "dry"})
    _check_row(page, dry)
    assert page.console_errors == []


def test_signposts_can_be_set_one_at_a_time(report: Path, page: Any, real_run: Any) -> None:
    doc = json.loads((report / "results.json").read_text())
    page.goto((report / "index.html").as_uri())
    study = real_run.study
    seen = study.observed()
    signposts = [n for n in study.network.nodes if n.kind == "indicator"]
    assert signposts
    for node in signposts:
        value = page.eval_on_selector(f"select[data-signpost='{node.id}']", "s => s.value")
        assert value == seen.get(node.id, ""), "a seen signpost starts as seen, the rest unknown"
    unseen = [n for n in signposts if n.id not in seen]
    first, second = unseen[0], unseen[1]
    rows = {json.dumps(r["given"], sort_keys=True): r for r in doc["signpost_explorer"]}
    page.select_option(f"select[data-signpost='{first.id}']", first.states[-1])
    _check_row(page, rows[json.dumps({first.id: first.states[-1]})])
    page.select_option(f"select[data-signpost='{second.id}']", second.states[-1])
    assert page.eval_on_selector(f"select[data-signpost='{first.id}']", "s => s.value") == ""
    _check_row(page, rows[json.dumps({second.id: second.states[-1]})])
    assert page.console_errors == []
