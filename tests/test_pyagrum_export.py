"""The exported BIF, read by another tool (pyAgrum), gives the same point posteriors.

pyAgrum's BIF reader parses numbers in single precision, so 1e-6 is the reachable bound.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyagrum as gum
import pytest

from forecast.exchange.export import export_text
from forecast.exchange.pgmpymodel import build_pgmpy
from forecast.reporting.report import write_report

TOL = 1e-6


def _pyagrum_posterior(bif: Path, target: str, given: dict, do: dict) -> np.ndarray:
    bn = gum.loadBN(str(bif))
    for node, state in do.items():  # mutilate: cut incoming arcs, point mass on the forced state
        for parent in [bn.variable(p).name() for p in bn.parents(node)]:
            bn.eraseArc(parent, node)
        labels = bn.variable(node).labels()
        bn.cpt(node).fillWith([1.0 if label == state else 0.0 for label in labels])
    ie = gum.LazyPropagation(bn)
    evidence = {**given, **do}
    if evidence:
        ie.setEvidence(evidence)
    ie.makeInference()
    labels = bn.variable(target).labels()
    values = ie.posterior(target).tolist()
    return np.array(values), labels


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, real_run) -> Path:
    out = tmp_path_factory.mktemp("report") / "reports"
    write_report(real_run, out)
    return out


def test_bif_posteriors_match_results_json(report_dir: Path, real_run) -> None:
    doc = json.loads((report_dir / "results.json").read_text())
    states = real_run.study.network.node(doc["outcome"]).states
    seen = {o["node"]: o["state"] for o in doc.get("observations", []) if not o["retracted"]}
    assert seen, "the real workspace has observations: every scenario is given them"
    for sc in doc["scenarios"]:
        given = {**{n: s for n, s in seen.items() if n not in sc["do"]}, **sc["given"]}
        values, labels = _pyagrum_posterior(
            report_dir / "model.bif", doc["outcome"], given, sc["do"]
        )
        by_label = dict(zip(labels, values, strict=True))
        for state in states:
            assert abs(by_label[state] - sc["outcome"][state]["point"]) < TOL, (sc["id"], state)


def test_bif_carries_provenance(real_run) -> None:
    text = export_text(
        real_run.study,
        real_run.point_tables,
        build_pgmpy(real_run.structure, real_run.point_tables.cpts),
        "bif",
    )
    outcome = real_run.study.network.outcome
    claims = {s.id for s in real_run.study.active() if s.node == outcome and s.cited}
    assert claims
    block = text[text.index(f"variable {outcome}") :]
    block = block[: block.index("\n}")]
    for claim in claims:
        assert claim in block
    from pgmpy.readwrite import BIFReader

    model = BIFReader(string=text, include_properties=True).get_model()
    props = model.nodes[outcome]
    assert "description" in props
    assert set(props["claims"].split(",")) == claims
