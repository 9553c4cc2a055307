"""`forecast audit --fit`: every claim's value under the point network beside its range."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from forecast.analysis.influence import without_claim
from forecast.analysis.pulls import held_fit_rows, pulling_pairs
from forecast.exchange.pgmpymodel import build_pgmpy, pgmpy_posterior
from forecast.fitting.claimfit import fit_rows, miss
from forecast.fitting.cpt import build_tables
from forecast.inference.structure import structure_of
from forecast.inputs.asof import known_on
from forecast.inputs.checks import build_study
from forecast.inputs.loading import load_inputs

from .synthetic import random_network, statement, study_of
from .test_audit_trail import _retract, invoke


def _pgmpy_value(model, structure, study, row) -> float:  # type: ignore[no-untyped-def]
    """A fit row's value recomputed by pgmpy from the row alone: a probability, or for a
    push the odds ratio against its reference."""
    import math

    node, state = row["target"]["node"], row["target"]["state"]
    index = study.network.node(node).index(state)
    p = pgmpy_posterior(model, structure, node, row["given"], row["do"])[index]
    if "reference" not in row:
        return float(p)
    ref = row["reference"]
    r = pgmpy_posterior(model, structure, node, ref["given"], ref["do"])[index]
    return math.exp(math.log(p / (1 - p)) - math.log(r / (1 - r)))


def _framed_model(study, structure, cpts, date):  # type: ignore[no-untyped-def]
    """The point network in pgmpy with every parentless node's table replaced by the one
    the study of `date` fits (its own forecasts held against its own priors)."""
    settings = dataclasses.replace(study.model.settings, forecasts_against="today")
    then = build_tables(known_on(study.with_settings(settings), dt.date.fromisoformat(date)))
    framed = {
        node: then.cpts[node] if not structure.parents[node] else table
        for node, table in cpts.items()
    }
    return build_pgmpy(structure, framed)


def test_every_fitted_value_is_pgmpys_answer_on_the_point_network(study) -> None:  # type: ignore[no-untyped-def]
    """Recomputed from the row's own conditions by pgmpy, to 1e-9 (the row keeps 10 places);
    a whole-question forecast under the driver priors of its source's date, which the test
    fits again from the study of that date."""
    tables = build_tables(study)
    structure = structure_of(study.network)
    model = build_pgmpy(structure, tables.cpts)
    rows = fit_rows(study, tables)
    assert {r["id"] for r in rows} == {
        s.id for s in study.statements if s.cited and not s.retracted
    }
    published = {s.id: s.published for s in study.sources}
    for row in rows:
        whole = row["target"]["node"] == study.network.outcome and not row["given"]
        whole = whole and not row["do"] and "reference" not in row
        earlier = row["source"] is not None and published[row["source"]] < study.model.as_of
        assert ("held_against" in row) == (whole and earlier), row["id"]
        at = row.get("held_against")
        on = model if at is None else _framed_model(study, structure, tables.cpts, at)
        assert abs(row["fitted"] - _pgmpy_value(on, structure, study, row)) < 1e-9, row["id"]
        assert row["honoured"] == (row["low"] <= row["fitted"] <= row["high"])
    assert sum("held_against" in r for r in rows) == 14  # the sources' whole-question levels


def test_rows_carry_the_full_conditions_and_pushes_their_reference(study) -> None:  # type: ignore[no-untyped-def]
    """A column claim names every parent; a push names its direction and reference."""
    statements = {s.id: s for s in study.statements}
    for row in fit_rows(study, build_tables(study)):
        statement = statements[row["id"]]
        named = {**row["given"], **row["do"]}
        if statement.column is not None:
            assert set(named) == set(study.network.node(statement.node).parents), row["id"]
        else:
            assert named == {**statement.given, **statement.do}, row["id"]
        assert ("reference" in row) == statement.relative
        if statement.relative:
            assert row["direction"] == statement.direction
    assert sum(1 for s in statements.values() if s.kind == "forecast" and s.column is None) >= 6


def test_misses_come_first_largest_first(study) -> None:  # type: ignore[no-untyped-def]
    rows = fit_rows(study, build_tables(study))
    honoured = [r["honoured"] for r in rows]
    assert honoured == sorted(honoured), "a miss after an honoured claim"
    misses = [abs(r["miss_points"]) for r in rows if not r["honoured"]]
    assert misses == sorted(misses, reverse=True)


def test_miss_is_signed_distance_to_the_range() -> None:
    assert miss(0.3, 0.2, 0.45) == 0.0
    assert abs(miss(0.1, 0.2, 0.45) - (-0.1)) < 1e-12
    assert abs(miss(0.5, 0.2, 0.45) - 0.05) < 1e-12


def test_audit_fit_json_leaves_retracted_claims_out(workspace: Path) -> None:
    _retract(workspace / "evidence" / "lin-2023.yaml", "lin-2023-taiwan-lean-on-moscow")
    result = invoke("audit", "--fit", "--json", "--root", str(workspace))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema_version"] == 1
    rows = document["claims"]
    assert "lin-2023-taiwan-lean-on-moscow" not in {r["id"] for r in rows}
    keys = {"id", "source", "target", "given", "do", "low", "high", "fitted", "honoured"}
    assert all(keys <= set(r) for r in rows)
    study = build_study(load_inputs(workspace))
    assert len(rows) == sum(1 for s in study.statements if s.cited and not s.retracted)


def test_audit_fit_refuses_a_second_selector(workspace: Path) -> None:
    result = invoke("audit", "--fit", "trajectory", "--root", str(workspace), ok=False)
    assert result.exit_code == 2
    assert "give one of NODE, --source, --claim, --fit or --holdout" in result.output


def test_holdout_values_come_from_the_other_sources_alone(study) -> None:  # type: ignore[no-untyped-def]
    """Each row's `others` is pgmpy's answer on the network fitted without its source (to
    1e-9), and that network is the one a fresh fit without the source gives (to 1e-6: the
    refit starts elsewhere, so it stops elsewhere inside the fit's tolerance)."""
    from forecast.analysis.holdout import holdout_rows, source_fits, without_source

    structure = structure_of(study.network)
    fits = source_fits(study)
    rows = holdout_rows(study, fits)
    assert {r["id"] for r in rows} == {
        s.id for s in study.statements if s.cited and not s.retracted
    }
    models, fresh = {}, {}
    for row in rows:
        source = row["source"]
        if source not in models:
            models[source] = build_pgmpy(structure, fits[source].cpts)
            cold = build_tables(without_source(study, source))
            fresh[source] = build_pgmpy(structure, cold.cpts)
        assert abs(row["others"] - _pgmpy_value(models[source], structure, study, row)) < 1e-9
        assert abs(row["others"] - _pgmpy_value(fresh[source], structure, study, row)) < 1e-6
        assert row["coherent"] == (row["low"] <= row["others"] <= row["high"])


def test_holdout_summary_names_the_source_the_baseline_leans_on(study) -> None:  # type: ignore[no-untyped-def]
    from forecast.analysis.holdout import holdout_rows, holdout_summary
    from forecast.analysis.influence import source_influence

    rows = holdout_rows(study)
    summary = holdout_summary(study, rows)
    sizes = {s.id: source_influence(study, s.id).size for s in study.sources}
    assert sizes[summary["leans_on"]] == max(sizes.values())
    assert summary["disagree"] == sorted({r["source"] for r in rows if not r["coherent"]})


def test_audit_holdout_json(workspace: Path) -> None:
    result = invoke("audit", "--holdout", "--json", "--root", str(workspace))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert {"claims", "disagree", "leans_on"} <= set(doc)
    keys = {"id", "source", "target", "given", "do", "low", "high", "others", "coherent"}
    assert all(keys <= set(r) for r in doc["claims"])


def test_a_push_held_at_no_effect_names_the_claims_that_hold_it() -> None:
    """A push that says raises, against a heavier claim on the same odds ratio that says
    lowers: the fit holds it near x1 with the wrong-way penalty binding, its row names the
    opposing claim, and the refit without that claim frees it into its range."""
    net = random_network(np.random.default_rng(0), {"x": 2, "y": 2}, {"y": ("x",)})
    claims = [
        statement(net, "prior", "x", "s1", 0.3),
        statement(net, "base", "y", "s1", 0.3, given={"x": "s0"}),
        statement(net, "up", "y", "s1", 1.2, 1.68, given={"x": "s1"}, direction="raises"),
        statement(
            net, "down", "y", "s1", 0.3, 0.5, given={"x": "s1"}, direction="lowers", weight=3.0
        ),
    ]
    study = study_of(net, claims)
    tables = build_tables(study)
    rows = {r["id"]: r for r in held_fit_rows(study, tables)}
    up = rows["up"]
    assert not up["honoured"] and 0.97 < up["fitted"] < 1.0
    assert up["penalty_binds"] and not up["wrong_way"]
    assert up["held_by"][0]["claim"] == "down"
    assert up["held_by"][0]["miss_without"] == 0.0  # without it, inside its range
    freed = without_claim(study, next(s for s in study.statements if s.id == "down"))
    again = {r["id"]: r for r in fit_rows(freed, build_tables(freed))}
    assert again["up"]["honoured"]
    assert again["up"]["fitted"] == pytest.approx(up["held_by"][0]["fitted_without"], rel=1e-6)
    pairs = [{p["claim"], p["dropped"]} for p in pulling_pairs(list(rows.values()))]
    assert {"up", "down"} in pairs
    assert all(r["held_by"] == [] for r in rows.values() if r["honoured"])
