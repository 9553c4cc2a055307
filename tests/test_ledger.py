"""The track record: publish appends one entry and never damages the ledger; score matches
scores worked out by hand."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from forecast.base import atomic

from .cli_runner import forecast
from .test_observations import MINI, QUOTE, TEXT, _workspace


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_publish_appends_one_entry_per_call_and_refuses_uncommitted_inputs(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    refused = forecast(root, "publish", "--draws", "100")
    assert refused.returncode == 2 and "not in a git repository" in refused.stderr
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "inputs")
    first = forecast(root, "publish", "--draws", "100")
    assert first.returncode == 0, first.stderr
    ledger = root / "ledger" / "forecasts.jsonl"
    entry = json.loads(ledger.read_text("utf-8"))
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    assert entry["commit"] == head.stdout.strip() and entry["uncommitted_inputs"] is False
    assert {sc["id"] for sc in entry["scenarios"]} == {"baseline", "wet"}
    assert set(entry["questions"]) == {"rain", "flood", "harvest", "gauge"}
    assert [w["node"] for w in entry["watchlist"]] == ["gauge"]
    (root / "evidence" / "almanac.yaml").write_text(
        (root / "evidence" / "almanac.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    dirty = forecast(root, "publish", "--draws", "100")
    assert dirty.returncode == 2 and "uncommitted changes" in dirty.stderr
    assert len(ledger.read_text("utf-8").splitlines()) == 1
    allowed = forecast(root, "publish", "--draws", "100", "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    lines = ledger.read_text("utf-8").splitlines()
    assert len(lines) == 2 and lines[0] == json.dumps(entry, sort_keys=True, separators=(",", ":"))
    assert json.loads(lines[1])["uncommitted_inputs"] is True


def test_a_crash_while_appending_leaves_the_ledger_intact(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger" / "forecasts.jsonl"
    atomic.append_line(ledger, '{"published": "2026-01-01"}')
    before = ledger.read_bytes()

    def crash(fd: int) -> None:
        raise KeyboardInterrupt("the machine went down")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic.append_line(ledger, '{"published": "2026-02-01"}')
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in ledger.parent.iterdir()) == ["forecasts.jsonl"]


def _entry(published: str, questions: dict[str, dict[str, float]]) -> str:
    body = {n: {s: {"mean": p, "point": p} for s, p in q.items()} for n, q in questions.items()}
    return json.dumps({"published": published, "questions": body})


def _resolution(node: str, state: str, on: str) -> str:
    digest = hashlib.sha256((MINI / TEXT).read_bytes()).hexdigest()
    return (
        f"  - node: {node}\n    state: {state!r}\n    resolved_on: {on}\n"
        f"    text: {{path: {TEXT}, sha256: {digest}}}\n    quote: {QUOTE}\n"
        "    reader: r1\n    note: As the almanac says.\n"
    )


def test_scores_match_the_hand_computed_ones(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    ledger = root / "ledger"
    ledger.mkdir()
    (ledger / "forecasts.jsonl").write_text(
        "\n".join(
            [
                _entry(
                    "2024-01-10",
                    {
                        "rain": {"dry": 0.3, "rainy": 0.7},
                        "harvest": {"good": 0.2, "fair": 0.5, "poor": 0.3},
                    },
                ),
                _entry("2024-06-01", {"rain": {"dry": 0.9, "rainy": 0.1}}),  # after rain resolved
            ]
        )
        + "\n",
        "utf-8",
    )
    (ledger / "resolutions.yaml").write_text(
        "resolutions:\n"
        + _resolution("rain", "rainy", "2024-05-01")
        + _resolution("harvest", "poor", "2024-10-31"),
        "utf-8",
    )
    done = forecast(root, "score", "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    # rain: (0.3-0)^2 + (0.7-1)^2 = 0.18, ln 0.7; harvest: 0.04 + 0.25 + 0.49 = 0.78, ln 0.3
    # the second entry was published after rain resolved: not scored
    assert scores["scored"] == 2
    assert scores["brier"] == pytest.approx((0.18 + 0.78) / 2, abs=1e-9)
    assert scores["log"] == pytest.approx((math.log(0.7) + math.log(0.3)) / 2, abs=1e-9)
    bins = {(b["from"], b["to"]): b for b in scores["calibration"]}
    assert bins[(0.2, 0.3)]["forecasts"] == 1 and bins[(0.2, 0.3)]["happened"] == 0.0
    assert bins[(0.3, 0.4)]["forecasts"] == 2 and bins[(0.3, 0.4)]["happened"] == 0.5
    assert bins[(0.7, 0.8)]["happened"] == 1.0


def test_a_broken_ledger_line_is_refused_with_its_number(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "ledger").mkdir()
    (root / "ledger" / "forecasts.jsonl").write_text(
        _entry("2024-01-10", {}) + "\n{oops\n", "utf-8"
    )
    done = forecast(root, "score")
    assert done.returncode == 1
    assert "ledger/forecasts.jsonl:2:1: line 2 is" in done.stderr and "Traceback" not in done.stderr
