"""Mutual information against a direct computation from the joint table, and the watchlist
on a workspace with signposts."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.analysis.watchlist import (
    NEGLIGIBLE_BITS,
    PARENT_FLOOR_BITS,
    Parent,
    reason,
    watchlist_document,
)
from forecast.fitting.run import run_study
from forecast.inference.information import information
from forecast.inference.structure import structure_of
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.reporting.loopsections import watchlist_table

from .synthetic import log_linear_truth, random_network
from .test_observations import _observation, _workspace


def _joint(structure, tables) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The full joint table, one axis per node in the structure's order, by brute force."""
    letters = {n: string.ascii_letters[i] for i, n in enumerate(structure.nodes)}
    operands, terms = [], []
    for node in structure.nodes:
        terms.append("".join(letters[n] for n in (*structure.parents[node], node)))
        operands.append(tables[node][0])
    out = "".join(letters[n] for n in structure.nodes)
    return np.einsum(",".join(terms) + "->" + out, *operands)


def _direct_bits(structure, tables, target, node, evidence) -> float:  # type: ignore[no-untyped-def]
    joint = _joint(structure, tables)
    axes = {n: i for i, n in enumerate(structure.nodes)}
    index = [slice(None)] * joint.ndim
    for n, s in evidence.items():
        index[axes[n]] = structure.states[n].index(s)
    kept = [n for n in structure.nodes if n not in evidence]
    conditioned = joint[tuple(index)]
    pair = np.moveaxis(conditioned, [kept.index(target), kept.index(node)], [0, 1])
    pair = pair.reshape(pair.shape[0], pair.shape[1], -1).sum(axis=2)
    pair /= pair.sum()
    pt, px = pair.sum(axis=1, keepdims=True), pair.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(pair > 0, pair * np.log2(pair / (pt * px)), 0.0)
    return float(terms.sum())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), size=st.integers(3, 6), observed=st.booleans())
def test_mutual_information_equals_the_joint_tables(seed: int, size: int, observed: bool) -> None:
    rng = np.random.default_rng(seed)
    names = [f"n{i}" for i in range(size)]
    sizes = {n: int(rng.integers(2, 4)) for n in names}
    parents = {n: tuple(p for p in names[:i] if rng.uniform() < 0.5) for i, n in enumerate(names)}
    net = random_network(rng, sizes, parents)
    structure = structure_of(net)
    tables = log_linear_truth(rng, net)
    target = names[-1]
    node = names[int(rng.integers(0, size - 1))]
    others = [n for n in names if n not in (target, node)]
    evidence = {others[0]: "s1"} if observed and others else {}
    ours = information(structure, tables, target, node, evidence)
    assert abs(float(ours.bits[0]) - _direct_bits(structure, tables, target, node, evidence)) < 1e-9
    np.testing.assert_allclose(ours.chance.sum(axis=1), 1.0, atol=1e-12)
    # what the outcome would be, averaged over what the node may show, is what it is now;
    # and no node tells more than the outcome's own entropy
    prior = (ours.chance[:, :, None] * ours.then).sum(axis=1)[0]
    entropy = -float(np.sum(np.where(prior > 0, prior * np.log2(prior), 0.0)))
    assert float(ours.bits[0]) <= entropy + 1e-9
    # and the outcome tells about itself its own entropy, all there is to learn
    itself = information(structure, tables, target, target, evidence)
    assert abs(float(itself.bits[0]) - entropy) < 1e-9
    joint = _joint(structure, tables)
    axes = {n: i for i, n in enumerate(structure.nodes)}
    index = [slice(None)] * joint.ndim
    for n, state in evidence.items():
        index[axes[n]] = structure.states[n].index(state)
    conditioned = np.moveaxis(
        joint[tuple(index)], [n for n in names if n not in evidence].index(target), 0
    )
    marginal = conditioned.reshape(conditioned.shape[0], -1).sum(axis=1)
    np.testing.assert_allclose(prior, marginal / marginal.sum(), atol=1e-12)


def test_the_watchlist_ranks_unseen_signposts_and_skips_seen_ones(tmp_path: Path) -> None:
    def watch(root: Path) -> dict:  # type: ignore[type-arg]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "forecast",
                "watchlist",
                "--json",
                "--root",
                str(root),
                "--draws",
                "200",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    unseen = watch(_workspace(tmp_path / "a"))
    assert unseen["given"] == {} and [i["node"] for i in unseen["indicators"]] == ["gauge"]
    gauge = unseen["indicators"][0]
    assert 0 < gauge["bits"] < 1 and gauge["bits_p05"] <= gauge["bits_p95"]
    assert gauge["outcome_if"]["yes"]["poor"] > gauge["outcome_if"]["no"]["poor"]
    seen = watch(_workspace(tmp_path / "b", _observation("heard", "gauge", "yes")))
    assert seen["given"] == {"gauge": "yes"} and seen["indicators"] == []


# Two more signposts for the mini workspace: `vane` reads a driver nothing links to the
# harvest, `ditch` reads the flood (which matters) with the same likelihood either way.
SIGNPOSTS = """
  - id: wind
    label: Spring wind
    kind: driver
    description: Whether the spring is windy; nothing in the model ties it to the harvest.
    baseline: calm
    states:
      - {id: calm, label: Calm, criterion: No gale in spring.}
      - {id: windy, label: Windy, criterion: At least one gale in spring.}
  - id: vane
    label: Weather vane spins
    kind: indicator
    description: Whether the village vane spins; it signals wind.
    baseline: "no"
    parents: [wind]
    states:
      - {id: "no", label: Still, criterion: The vane stays still.}
      - {id: "yes", label: Spins, criterion: The vane spins at least once.}
  - id: ditch
    label: Ditch overflows
    kind: indicator
    description: Whether the ditch overflows; it does as often with a flood as without.
    baseline: "no"
    parents: [flood]
    states:
      - {id: "no", label: Dry ditch, criterion: The ditch stays within its banks.}
      - {id: "yes", label: Overflow, criterion: The ditch overflows at least once.}
"""
ASSUMED = """
  - {id: wind-prior, about: {node: wind, state: windy}, probability: 0.3, rationale: Gales are rare.}
  - id: vane-calm
    about: {node: vane, state: "yes", given: {wind: calm}}
    probability: 0.05
    rationale: The vane rarely spins without wind.
  - id: vane-windy
    about: {node: vane, state: "yes", given: {wind: windy}}
    probability: 0.95
    rationale: A gale always spins it.
  - id: ditch-dry
    about: {node: ditch, state: "yes", given: {flood: "no"}}
    probability: 0.4
    rationale: The ditch overflows with any heavy shower.
  - id: ditch-flood
    about: {node: ditch, state: "yes", given: {flood: "yes"}}
    probability: 0.4
    rationale: A flood does not change that.
"""


def _signposts(tmp_path: Path) -> Path:
    """The observations' workspace (signpost `gauge` on the flood) with `vane` and `ditch`."""
    root = _workspace(tmp_path)
    model = root / "model" / "network.yaml"
    text = model.read_text("utf-8").replace("readers:\n", SIGNPOSTS.lstrip("\n") + "readers:\n")
    model.write_text(text + ASSUMED.lstrip("\n"), "utf-8")
    return root


def test_a_signpost_that_tells_almost_nothing_says_why(tmp_path: Path) -> None:
    study = build_study(load_inputs(_signposts(tmp_path)))
    run = run_study(study, 100, seed=3)
    rows = {r["node"]: r for r in watchlist_document(run)["indicators"]}
    flood = float(information(run.structure, run.point_tables.cpts, "harvest", "flood").bits[0])
    # each row names its parent with the parent's own bits, computed as the signpost's are
    assert rows["gauge"]["parents"] == [
        {"node": "flood", "bits": pytest.approx(flood, abs=1e-9), "seen": None, "is_outcome": False}
    ]
    assert flood > PARENT_FLOOR_BITS and rows["gauge"]["bits"] >= NEGLIGIBLE_BITS
    assert rows["gauge"]["reason"] is None
    # the vane reads its parent well, but the wind tells nothing about the harvest
    vane = rows["vane"]
    assert vane["bits"] < NEGLIGIBLE_BITS and vane["parents"][0]["node"] == "wind"
    assert vane["parents"][0]["bits"] < NEGLIGIBLE_BITS
    assert vane["reason"] == (
        "tells almost nothing: its parent wind itself carries only "
        f"{vane['parents'][0]['bits']:.3f} bits about the outcome"
    )
    # the flood matters, but the ditch overflows as often either way
    ditch = rows["ditch"]
    assert ditch["bits"] < NEGLIGIBLE_BITS
    assert ditch["parents"][0]["bits"] == pytest.approx(flood, abs=1e-9)
    assert ditch["reason"] is not None
    assert ditch["reason"].startswith(
        f"tells almost nothing: its parent flood carries {flood:.3f} bits about the outcome, "
        "but its likelihoods differ too little between flood's states: it passes on under 1 %"
    )
    # no signpost tells more than its parent does (it sees the outcome only through it)
    assert all(r["bits"] <= r["parents"][0]["bits"] + 1e-9 for r in rows.values())


def test_the_reason_names_seen_parents_and_every_weak_one() -> None:
    assert reason(NEGLIGIBLE_BITS, (Parent("a", 0.0),)) is None
    assert reason(0.0, (Parent("a", 0.0, seen="yes"),)) == (
        "tells nothing more: what it signals is seen already (a=yes)"
    )
    weak = (Parent("a", 0.002), Parent("b", 0.0, seen="no"), Parent("c", 0.004))
    assert reason(0.0001, weak) == (
        "tells almost nothing: its parents themselves carry little about the outcome "
        "(a 0.002 bits, c 0.004 bits)"
    )
    assert reason(0.0005, (Parent("t", 1.0, is_outcome=True),)) == (
        "tells almost nothing: its parent t (the outcome itself) carries 1.000 bits about the "
        "outcome, but its likelihoods differ too little between t's states: it passes on "
        "under 1 % of that"
    )


def _forecast(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "forecast", *args, "--root", str(root)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_the_reason_is_shown_in_the_text_and_the_report_table(tmp_path: Path) -> None:
    root = _signposts(tmp_path)
    done = _forecast(root, "watchlist", "--draws", "100")
    assert done.returncode == 0, done.stderr
    assert "(tells almost nothing: its parent wind itself carries only 0.000 bits" in done.stdout
    assert "(tells almost nothing: its parent flood carries" in done.stdout
    document = json.loads(_forecast(root, "watchlist", "--json", "--draws", "100").stdout)
    labels = {"good": "Good", "fair": "Fair", "poor": "Poor"}
    context = SimpleNamespace(watchlist=document, states=list(labels), state_labels=labels)
    lines = watchlist_table(context)  # type: ignore[arg-type]
    assert lines[2].endswith("| Note |")
    vane = next(line for line in lines if "(`vane`)" in line)
    assert vane.endswith(
        "| tells almost nothing: its parent wind itself carries only 0.000 bits about the outcome |"
    )
    gauge = next(line for line in lines if "(`gauge`)" in line)
    assert gauge.endswith("|  |")


def test_validate_flags_a_signpost_resting_on_assumptions_alone(tmp_path: Path) -> None:
    root = _signposts(tmp_path)
    warnings = [w for w in build_study(load_inputs(root)).warnings if w.startswith("signpost ")]
    alone = (
        "signpost {0}: its likelihoods rest on analyst assumptions alone, no source quotes any "
        "of them (at baseline or given {1}), so seeing it moves the forecast only by the "
        "analyst's guess"
    )
    assert sorted(warnings) == sorted(
        alone.format(n, p) for n, p in (("gauge", "flood"), ("vane", "wind"), ("ditch", "flood"))
    )
    # a source quoted on the gauge at baseline: only its edge is the analyst's, said once
    almanac = root / "evidence" / "almanac.yaml"
    almanac.write_text(
        almanac.read_text("utf-8")
        + "  - id: almanac-gauge\n"
        + '    about: {node: gauge, state: "yes", given: {flood: "no"}}\n'
        + "    probability: unlikely\n    reader: r1\n    credibility: 3\n"
        + "    quote: otherwise a poor harvest is unlikely\n    note: Read as the gauge.\n",
        "utf-8",
    )
    done = _forecast(root, "validate")
    assert done.returncode == 0, done.stderr
    gauge = [line for line in done.stderr.splitlines() if "signpost gauge" in line]
    assert gauge == [
        "warning: signpost gauge: its likelihood given flood rests on an analyst assumption, "
        "no source quotes it"
    ]
