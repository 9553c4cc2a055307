"""Key judgements: confidence from the documented rules on constructed workspaces, kept
apart from likelihood, and generated text that never copies a source."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from forecast.analysis.assessment import (
    assess,
    assessment_document,
    assessment_inputs,
    confidence_rules,
    likelihood_words,
)
from forecast.fitting.run import run_study
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.inputs.yardstick import yardstick

from .cli_runner import forecast

MINI = Path(__file__).resolve().parent / "data" / "mini"


def _source(ws: Path, sid: str, grade: str, claims: list[tuple[str, dict[str, Any], str]]) -> None:
    """An evidence file and its text: each claim's quote is a sentence of the text."""
    text = f"Notes of {sid}.\n" + "".join(f"{quote}.\n" for _, _, quote in claims)
    path = ws / "evidence" / "sources" / f"{sid}.txt"
    path.write_text(text, "utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    lines = [
        "source:",
        f"  id: {sid}",
        f"  title: {{value: Notes of {sid}, basis: stated}}",
        "  author: {value: A farmer, basis: stated}",
        "  publisher: {value: The co-operative, basis: stated}",
        "  date: {value: 2024-05-01, basis: stated}",
        "  kind: notes",
        f"  reliability: {{grade: {grade}, rationale: Constructed for a test.}}",
        f"  text: {{path: evidence/sources/{sid}.txt, sha256: {digest}}}",
        "claims:",
    ]
    for cid, about, quote in claims:
        probability = about.pop("probability")
        given = ", ".join(f'{k}: "{v}"' for k, v in about.pop("given", {}).items())
        where = f", given: {{{given}}}" if given else ""
        lines += [
            f"  - id: {sid}-{cid}",
            f"    about: {{node: {about['node']}, state: {about['state']}{where}}}",
            f"    probability: {probability}",
            "    credibility: 2",
            f"    quote: {quote}",
            "    note: Constructed for a test.",
        ]
    (ws / "evidence" / f"{sid}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def _poor(flood: str, probability: str) -> dict[str, Any]:
    return {
        "node": "harvest",
        "state": "poor",
        "given": {"flood": flood},
        "probability": probability,
    }


def _claims(poor_base: str, tag: str) -> list[tuple[str, dict[str, Any], str]]:
    """The five claims that cover the mini network, worded for one source."""
    return [
        (
            "rain",
            {"node": "rain", "state": "rainy", "probability": "likely"},
            f"Rain in April is likely in most years, {tag} says",
        ),
        (
            "flood-rain",
            {
                "node": "flood",
                "state": '"yes"',
                "given": {"rain": "rainy"},
                "probability": "roughly even chance",
            },
            f"When it rains the river floods in roughly half of the years, {tag} says",
        ),
        (
            "flood-dry",
            {
                "node": "flood",
                "state": '"yes"',
                "given": {"rain": "dry"},
                "probability": "almost no chance",
            },
            f"Without rain the river almost never floods at all, {tag} says",
        ),
        (
            "poor-flood",
            _poor("yes", "very likely"),
            f"A flooded river makes a poor harvest very likely, {tag} says",
        ),
        (
            "poor-base",
            _poor("no", poor_base),
            f"Without a flood a poor harvest is {poor_base} here, {tag} says",
        ),
    ]


def _workspace(tmp_path: Path, others: int, base: str, almanac_grade: str = "B") -> Path:
    """The mini workspace with its almanac replaced by a source making the five claims that
    cover the network (the poor harvest's base column: unlikely), and `others` more
    sources making the same claims, except that the base column is `base`."""
    ws = Path(shutil.copytree(MINI, tmp_path / "ws"))
    (ws / "evidence" / "almanac.yaml").unlink()
    (ws / "evidence" / "sources" / "almanac.txt").unlink()
    _source(ws, "almanac2", almanac_grade, _claims("unlikely", "the almanac"))
    for i in range(others):
        _source(ws, f"farm{i}", "B", _claims(base, f"farm {i}"))
    return ws


def _assessment(ws: Path) -> dict[str, Any]:
    study = build_study(load_inputs(ws))
    run = run_study(study, draws=200, seed=3)
    return assessment_document(assess(run, assessment_inputs(run)))


def _top(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["judgements"][0]


def test_one_source_alone_is_low_confidence(tmp_path: Path) -> None:
    doc = _assessment(_workspace(tmp_path, 0, "unlikely"))
    for j in doc["judgements"]:
        assert j["confidence"] == "low"
        assert "one_source" in j["fired"]
        assert j["measures"]["sources"] == 1
        assert "rests on a single source" in j["confidence_sentence"]
        assert j["disagreement"] == [], "one source has no others to disagree with"


def test_five_concordant_sources_are_high_confidence(tmp_path: Path) -> None:
    doc = _assessment(_workspace(tmp_path, 4, "unlikely"))
    top = _top(doc)
    assert top["measures"]["sources"] == 5
    assert top["fired"] == [], top["confidence_sentence"]
    assert top["confidence"] == "high"
    assert top["confidence_sentence"].startswith("High confidence: 5 sources speak to the outcome")


def test_five_disagreeing_sources_lower_confidence_and_are_named(tmp_path: Path) -> None:
    doc = _assessment(_workspace(tmp_path, 4, "very likely"))
    poor = next(
        j for j in doc["judgements"] if j["state"] == "poor" and j["scenario"] == "baseline"
    )
    assert poor["confidence"] != "high"
    assert "sources_disagree" in poor["fired"] or "fit_misses" in poor["fired"]
    assert any("contradict" in line for line in poor["disagreement"]), poor["disagreement"]


def test_a_judgement_carried_by_a_d_graded_source_says_so(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, 0, "unlikely", almanac_grade="D")  # alone on most columns
    _source(ws, "farm0", "B", _claims("unlikely", "farm 0")[-1:])  # the base column too
    doc = _assessment(ws)
    carried = [j for j in doc["judgements"] if j["rests_on"] and j["rests_on"][0]["grade"] == "D"]
    assert carried, [j["rests_on"][:1] for j in doc["judgements"]]
    for j in carried:
        assert "weak_carrier" in j["fired"]
        assert "graded D)" in j["confidence_sentence"]
        assert j["confidence"] != "high"


def test_likelihood_words_never_contradict_the_interval() -> None:
    stick = yardstick("icd203")
    assert likelihood_words(stick, 0.60, 0.67, 0.74) == ("likely", 0.55, 0.80)
    assert likelihood_words(stick, 0.14, 0.20, 0.27) == ("very unlikely to unlikely", 0.05, 0.45)
    words, low, high = likelihood_words(stick, 0.08, 0.13, 0.19)
    assert (words, low, high) == ("very unlikely", 0.05, 0.20)


def _sentences(doc: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for j in doc["judgements"]:
        out += [("likelihood", j["sentence"]), ("confidence", j["confidence_sentence"])]
        out += [("other", line) for line in j["disagreement"]]
        if j["changed"]:
            out.append(("other", j["changed"]))
    return out


@pytest.fixture(scope="module")
def real_assessment() -> dict[str, Any]:
    from .conftest import REPO

    study = build_study(load_inputs(REPO))
    run = run_study(study, draws=200, seed=5)
    return assessment_document(assess(run, assessment_inputs(run)))


def test_no_sentence_mixes_likelihood_and_confidence(real_assessment: dict[str, Any]) -> None:
    stick = yardstick("icd203")
    phrases = sorted({p for term in stick.terms for p in term.phrases}, key=len, reverse=True)
    likelihood = re.compile(r"\b(" + "|".join(map(re.escape, phrases)) + r")\b", re.IGNORECASE)
    confidence = re.compile(r"\b(confidence|confident)\b", re.IGNORECASE)
    assert 3 <= len(real_assessment["judgements"]) <= 6
    for kind, sentence in _sentences(real_assessment):
        if kind == "likelihood":
            assert likelihood.search(sentence) and not confidence.search(sentence), sentence
        elif kind == "confidence":
            assert confidence.search(sentence) and not likelihood.search(sentence), sentence


def test_no_generated_sentence_copies_a_source(real_assessment: dict[str, Any]) -> None:
    from .conftest import REPO

    texts = " ".join(p.read_text("utf-8") for p in (REPO / "evidence" / "sources").glob("*"))
    pieces = {
        " ".join(words[i : i + 8])
        for sentence in re.split(r"[.!?]\s", texts)
        if len(words := sentence.split()) >= 8
        for i in range(len(words) - 7)
    }
    for _, sentence in _sentences(real_assessment):
        flat = " ".join(sentence.split())
        copied = [p for p in pieces if p in flat]
        assert not copied, (sentence, copied[:1])


def test_the_rules_are_data_and_listed(real_assessment: dict[str, Any]) -> None:
    rules = confidence_rules()
    assert {r.id for r in rules.rules} >= {"one_source", "leave_one_out", "weak_carrier", "stale"}
    assert len(real_assessment["rules"]) == len(rules.rules)


def test_assess_command_prints_the_judgements(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, 2, "unlikely")
    done = forecast(ws, "assess", "--draws", "200")
    assert done.returncode == 0, done.stderr
    assert "1. We judge it" in done.stdout and "confidence:" in done.stdout
    as_json = forecast(ws, "assess", "--draws", "200", "--json")
    import json

    doc = json.loads(as_json.stdout)
    assert doc["judgements"][0]["sentence"] in done.stdout


def test_what_changed_since_the_last_published_forecast(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, 1, "unlikely")
    study = build_study(load_inputs(ws))
    run = run_study(study, draws=200, seed=3)
    states = study.network.node("harvest").states
    claims = sorted(s.id for s in study.active() if s.cited)
    entry = {
        "published": "2024-05-15",
        "observed": {},
        "claims": claims[1:],  # the first claim arrived after it
        "scenarios": [
            {"id": sc.id, "outcome": {s: {"mean": 1 / len(states)} for s in states}}
            for sc in study.scenarios
        ],
    }
    doc = assessment_document(assess(run, assessment_inputs(run, entry)))
    moved = [j for j in doc["judgements"] if j["changed"]]
    assert moved, "every judgement moved from a third"
    for j in moved:
        assert j["changed"].startswith("since the forecast published on 2024-05-15: 33 % then")
        assert f"claims added: {claims[0]}" in j["changed"]
    assert assess(run, assessment_inputs(run, None)).judgements[0].changed is None
