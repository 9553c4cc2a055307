"""Reviewers' tools on the real evidence: influence, retraction, holdout coherence, coverage,
new sources, and what changed between two reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from forecast.analysis.influence import claim_influences, outcome_point
from forecast.fitting.cpt import build_tables
from forecast.fitting.run import run_study
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs
from forecast.reporting.report import write_report

FAST = ["--draws", "300"]


def invoke(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    """Run the CLI in-process; `ok=False` for calls expected to exit non-zero."""
    from forecast.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=not ok)


def _retract(path: Path, claim_id: str) -> None:
    text = path.read_text(encoding="utf-8")
    marker = f"  - id: {claim_id}\n"
    assert marker in text
    text = text.replace(
        marker, marker + "    retracted: {date: 2026-01-10, reason: quote taken out of context}\n"
    )
    path.write_text(text, encoding="utf-8")


def test_influence_is_sorted_and_matches_a_recomputation(study) -> None:
    ranked = claim_influences(study)
    sizes = [inf.size for inf in ranked]
    assert sizes == sorted(sizes, reverse=True)
    top = ranked[0]
    import dataclasses

    without = dataclasses.replace(
        study, statements=tuple(s for s in study.statements if s.id != top.what)
    )
    states = study.network.node(study.network.outcome).states
    # the refit starts from the full study's fit, as the influences' refits do: two fits
    # from different starts agree only to their stopping tolerance
    warm = build_tables(study)
    delta = outcome_point(without, warm=warm) - outcome_point(study)
    for i, state in enumerate(states):
        assert abs(delta[i] - top.shift[state]) < 1e-9


def test_retracted_claim_feeds_nothing_and_is_reported(workspace: Path) -> None:
    claim = "lin-2023-taiwan-lean-on-moscow"  # shares its query with another claim
    before = build_study(load_inputs(workspace))
    _retract(workspace / "evidence" / "lin-2023.yaml", claim)
    after = build_study(load_inputs(workspace))
    assert claim in {s.id for s in before.active()}
    assert claim not in {s.id for s in after.active()}
    shown = invoke("audit", "--root", str(workspace), "--claim", claim)
    assert "RETRACTED 2026-01-10: quote taken out of context" in shown.stdout
    assert "reinstating it would move the baseline" in shown.stdout
    out = workspace / "reports"
    write_report(run_study(after, draws=300, seed=1), out)
    report = (out / "report.md").read_text()
    assert f"`{claim}`" in report and "it used to move the baseline by" in report
    assert claim in (out / "index.html").read_text()


def test_retracted_source_is_refused_when_it_alone_backs_an_edge(workspace: Path) -> None:
    """edm-2021 alone backs the edge from secondary_sanctions: retracting the source
    leaves the edge without a quote, and validation says so rather than fit it."""
    path = workspace / "evidence" / "edm-2021.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  kind: think-tank analysis\n",
        "  kind: think-tank analysis\n  retracted: {date: 2026-02-01, reason: superseded}\n",
    )
    path.write_text(text, encoding="utf-8")
    result = invoke("audit", "--root", str(workspace), "--source", "edm-2021")
    assert result.exit_code == 1
    assert "edge secondary_sanctions -> trajectory has no quote-backed claim" in result.output


def test_retracted_source_feeds_nothing(study) -> None:  # type: ignore[no-untyped-def]
    """The audit of a retracted source: its retraction, and no parameter it feeds."""
    import dataclasses

    from forecast.analysis.audit import audit_source
    from forecast.fitting.cpt import build_tables
    from forecast.inputs.domain import Retraction

    gone = Retraction(dt.date(2026, 2, 1), "superseded")
    sources = tuple(
        dataclasses.replace(s, meta=dataclasses.replace(s.meta, retracted=gone))
        if s.id == "edm-2021"
        else s
        for s in study.sources
    )
    statements = tuple(
        dataclasses.replace(s, retraction="2026-02-01: superseded")
        if s.source_id == "edm-2021"
        else s
        for s in study.statements
    )
    retracted = dataclasses.replace(study, sources=sources, statements=statements)
    doc = audit_source(retracted, build_tables(retracted), "edm-2021")
    assert doc["retraction"] == "2026-02-01: superseded"
    assert doc["parameters"] == []
    assert doc["claims"] and all(c["retraction"] for c in doc["claims"])


def test_audit_by_source_lists_what_it_moves(workspace: Path) -> None:
    doc = json.loads(
        invoke("audit", "--root", str(workspace), "--source", "lin-2023", "--json").stdout
    )
    assert "trajectory | taiwan_crisis=yes" in doc["parameters"]
    assert set(doc["without_it"]) == {"alliance", "status_quo", "distancing"}
    assert all(c["quote"] for c in doc["claims"])


def test_strict_validation_refuses_single_source_parameters(workspace: Path) -> None:
    assert invoke("validate", "--root", str(workspace)).exit_code == 0
    strict = invoke("validate", "--root", str(workspace), "--strict", ok=False)
    assert strict.exit_code == 1
    assert "rests on the analyst assumption 'assume-taiwan-prior'" in strict.output
    assert "rests on one source alone" in strict.output
    assert "model/network.yaml:" in strict.output


def test_new_source_copies_text_and_starts_an_evidence_file(
    workspace: Path, tmp_path: Path
) -> None:
    text = tmp_path / "note.txt"
    text.write_text("A short note about the partnership.\n", encoding="utf-8")
    result = invoke("new-source", "--root", str(workspace), str(text), "--id", "note-2026")
    assert result.exit_code == 0
    assert (workspace / "evidence" / "sources" / "note.txt").read_bytes() == text.read_bytes()
    skeleton = (workspace / "evidence" / "note-2026.yaml").read_text()
    assert skeleton.startswith("# yaml-language-server: $schema=./evidence.schema.json")
    again = invoke("new-source", "--root", str(workspace), str(text), "--id", "note-2026", ok=False)
    assert again.exit_code == 1 and "already exists" in again.output
    unfilled = invoke("validate", "--root", str(workspace), ok=False)
    assert unfilled.exit_code == 1 and "evidence/note-2026.yaml" in unfilled.output


def test_what_changed_between_two_reports(workspace: Path) -> None:
    out = workspace / "reports"
    write_report(run_study(build_study(load_inputs(workspace)), draws=300, seed=1), out)
    first = (out / "report.md").read_text()
    assert "No previous report in this folder" in first
    _retract(workspace / "evidence" / "lin-2023.yaml", "lin-2023-taiwan-lean-on-moscow")
    write_report(run_study(build_study(load_inputs(workspace)), draws=300, seed=1), out)
    second = (out / "report.md").read_text()
    assert "Claims retracted: `lin-2023-taiwan-lean-on-moscow`" in second
    page = (out / "index.html").read_text()
    assert "Claims retracted: lin-2023-taiwan-lean-on-moscow" in page


def test_report_md_audit_md_and_page_carry_coherence_and_quotes(workspace: Path) -> None:
    study = build_study(load_inputs(workspace))
    out = workspace / "reports"
    write_report(run_study(study, draws=300, seed=1), out)
    report, audit, page = ((out / n).read_text() for n in ("report.md", "audit.md", "index.html"))
    for forecast in study.forecasts():
        assert forecast.id in report and forecast.id in audit and forecast.id in page
    for text in (report, audit, page):
        assert "Coherence: each source against the others" in text
        assert "Left out one at a time, the other sources" in text
    for text in (audit, page):
        assert "How the model fits each claim" in text
    from markupsafe import escape

    for statement in study.parameters():
        if statement.cited:
            assert statement.quote in audit, statement.id
            assert str(escape(statement.quote)) in page, statement.id
    assert "## Coverage of every parameter" in audit and "## Influence of each claim" in audit


def _check_rows(study, tables) -> int:  # type: ignore[no-untyped-def]
    """Each audit row recomputed from the fitted start column it names (base or pinned)
    times the fitted effects; returns how many rows start from a pinned column."""
    import numpy as np

    from forecast.analysis.audit import audit_node
    from forecast.inputs.domain import ColumnKey

    pinned_rows = 0
    for node in study.network.nodes:
        if not node.parents:
            continue
        parents = [study.network.node(p) for p in node.parents]
        base = tables.fitted_column(ColumnKey(node.id))[0]
        pins = list(tables.origins[node.id].pinned)
        for row in audit_node(study, tables, node.id)["table"]:
            moved = tuple(
                (p.id, row["given"][p.id]) for p in parents if row["given"][p.id] != p.baseline
            )
            covering = [k for k in pins if set(k.moved) <= set(moved)]
            start_key = max(covering, key=lambda k: len(k.moved)) if covering else None
            if start_key is not None and start_key.moved != moved:
                pinned_rows += 1
                assert row["from"].startswith("log-linear: pinned ("), row
            start = base if start_key is None else tables.fitted_column(start_key)[0]
            covered = dict(start_key.moved) if start_key else {}
            log = np.log(start).copy()
            for p, s in moved:
                if p not in covered:
                    effect = tables.fitted_column(ColumnKey(node.id, ((p, s),)))[0]
                    log += np.log(effect) - np.log(base)
            expected = np.exp(log) / np.exp(log).sum()
            got = np.array([row["values"][s] for s in node.states])
            np.testing.assert_allclose(got, expected, atol=1e-6)  # the audit rounds to 6 places
    return pinned_rows


def test_every_table_row_says_where_it_came_from_and_the_numbers_agree(study) -> None:  # type: ignore[no-untyped-def]
    """The audit reads the builder's record: each row recomputed from the start column it
    names (base or pinned) times the effects it lists equals the table (to the audit's six
    decimals)."""
    from forecast.fitting.cpt import build_tables

    _check_rows(study, build_tables(study))


def test_rows_built_on_a_pinned_column_say_so() -> None:
    """A column claim on two moved parents pins that column; wider combinations start from
    it, and their audit rows say so."""
    import numpy as np

    from forecast.fitting.cpt import build_tables

    from .synthetic import random_network, statement, study_of

    net = random_network(
        np.random.default_rng(0), {"a": 2, "b": 2, "c": 2, "x": 3}, {"x": ("a", "b", "c")}
    )
    claims = [statement(net, f"{n}-prior", n, "s1", 0.3) for n in "abc"]
    base = {"a": "s0", "b": "s0", "c": "s0"}
    claims.append(statement(net, "base", "x", "s1", 0.2, given=base))
    for n in "abc":
        claims.append(statement(net, f"eff-{n}", "x", "s1", 0.4, given={**base, n: "s1"}))
    claims.append(statement(net, "pin", "x", "s2", 0.6, given={**base, "a": "s1", "b": "s1"}))
    study = study_of(net, claims)
    assert _check_rows(study, build_tables(study)) == 1  # a, b and c moved together
