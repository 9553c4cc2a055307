"""Cross-file checks that turn shape-checked inputs into a Study, or list every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from forecast.base.errors import InputError, Problem, display_path
from forecast.base.fingerprint import complete
from forecast.base.paths import Workspace
from forecast.base.suggest import did_you_mean
from forecast.inputs import sizes
from forecast.inputs.asof import known_on, weigh_assumptions
from forecast.inputs.coverage import Coverage, unbacked_edges, uncovered
from forecast.inputs.criteria import criteria_problems
from forecast.inputs.domain import (
    Network,
    Scenario,
    Statement,
    Study,
)
from forecast.inputs.evidencecheck import (
    check_assumptions,
    check_evidence,
)
from forecast.inputs.facts import model_facts
from forecast.inputs.filemodels import ModelFile
from forecast.inputs.loading import Loaded, RawInputs, load_model
from forecast.inputs.networkcheck import check_network
from forecast.inputs.observationcheck import check_observations
from forecast.inputs.readers import reader_problems
from forecast.inputs.yardstick import yardstick


def _assumed_signpost(node: str, parents: list[str], statements: list[Statement]) -> str:
    """The one warning for a signpost whose likelihoods given `parents` rest on analyst
    assumptions: stronger when no cited claim speaks to any of its columns, base included."""
    given = " or ".join(parents)
    if not any(s.cited and not s.retracted and s.node == node for s in statements):
        return (
            f"signpost {node}: its likelihoods rest on analyst assumptions alone, no source "
            f"quotes any of them (at baseline or given {given}), so seeing it moves the "
            "forecast only by the analyst's guess"
        )
    verb = "rests" if len(parents) == 1 else "rest"
    noun = "an analyst assumption" if len(parents) == 1 else "analyst assumptions"
    return f"signpost {node}: its likelihood given {given} {verb} on {noun}, no source quotes it"


def _check_coverage(
    raw: RawInputs,
    network: Network,
    statements: list[Statement],
    problems: list[Problem],
    warnings: list[str],
) -> None:
    """Every parameter column covered, and every edge backed by a cited claim; a signpost's
    edges may rest on analyst assumptions instead, which is flagged once per signpost."""
    doc = raw.model.doc
    index = {n.id: i for i, n in enumerate(raw.model.value.nodes)}
    for key in uncovered(network, tuple(statements)):
        problems.append(
            doc.problem(
                ("nodes", index[key.node], "id"),
                f"no claim or assumption covers {key.label()}",
                "add a claim with this 'about' to an evidence file, or an "
                "analyst assumption with its rationale to the model file",
            )
        )
    assumed: dict[str, list[str]] = {}  # signpost -> the parents only assumptions move it on
    for edge in unbacked_edges(network, tuple(statements)):
        if network.node(edge.node).kind == "indicator" and edge.assumed:
            assumed.setdefault(edge.node, []).append(edge.parent)
        else:
            problems.append(
                doc.problem(
                    ("nodes", index[edge.node], "parents", edge.index),
                    f"edge {edge.parent} -> {edge.node} has no quote-backed claim",
                    f"cite a claim about '{edge.node}' given a non-baseline "
                    f"state of '{edge.parent}', or remove the edge",
                )
            )
    warnings += [_assumed_signpost(n, parents, statements) for n, parents in assumed.items()]


def _check_scenarios(raw: RawInputs, network: Network, problems: list[Problem]) -> list[Scenario]:
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for loaded in raw.scenarios:
        doc, sc = loaded.doc, loaded.value
        if sc.id in seen:
            problems.append(
                doc.problem(
                    ("id",),
                    f"scenario id '{sc.id}' is also used in {seen[sc.id]}",
                    "give each scenario its own id",
                )
            )
            continue
        seen[sc.id] = doc.path
        for part, conditions in (("given", sc.given), ("do", sc.do)):
            for node_id, state in conditions.items():
                if node_id not in network.ids:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            f"unknown node '{node_id}'",
                            did_you_mean(node_id, network.ids, "nodes"),
                        )
                    )
                elif state not in network.node(node_id).states:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            f"'{state}' is not a state of '{node_id}'",
                            did_you_mean(state, network.node(node_id).states, "states"),
                        )
                    )
                elif node_id == network.outcome:
                    problems.append(
                        doc.problem(
                            (part, node_id),
                            "a scenario cannot fix the outcome node",
                            "condition on drivers only",
                        )
                    )
        for node_id in set(sc.given) & set(sc.do):
            problems.append(
                doc.problem(
                    ("do", node_id),
                    f"'{node_id}' is both observed (given) and forced (do)",
                    "keep it in one of the two",
                )
            )
        out.append(
            Scenario(
                sc.id,
                sc.title,
                " ".join(sc.narrative.split()),
                dict(sc.given),
                dict(sc.do),
            )
        )
    return out


def build_study(
    raw: RawInputs, as_of: dt.date | None = None, *, readings_then: bool = False
) -> Study:
    """Check every cross-reference and return the Study; raise InputError listing all problems.

    With `as_of`, the study is the one that date knew (`asof.known_on`): the sources
    published by then, as read today (with `readings_then`, only the readings made by
    then), the observations seen by then, recency judged then; a parameter no claim
    covered yet falls back to its assumption (or the default one), and a warning says so.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    if raw.model.value.as_of > dt.date.today():
        problems.append(
            raw.model.doc.problem(
                ("as_of",),
                f"as_of {raw.model.value.as_of} is after today ({dt.date.today()})",
                "give the date the forecast is made, today or earlier",
            )
        )
    network = check_network(raw.model, problems)
    problems += criteria_problems(raw.model.doc, raw.model.value)
    problems += reader_problems(raw)
    if network is None:
        raise InputError(problems)
    stick = yardstick(raw.model.value.settings.yardstick)
    sources, statements = check_evidence(raw, network, stick, problems)
    covered = set(network.parameter_columns()) - set(uncovered(network, tuple(statements)))
    assumed, held = check_assumptions(raw, network, stick, covered, problems, warnings)
    statements += assumed
    if not problems:  # a claim refused above would only show up again as a gap in coverage
        _check_coverage(raw, network, statements, problems, warnings)
    scenarios = _check_scenarios(raw, network, problems)
    observations = check_observations(raw, network, {s.id for s in statements}, problems)
    problems += sizes.size_problems(raw.model.doc, raw.model.value, network)
    if not raw.scenarios:
        shown = display_path(raw.workspace.scenarios_dir, raw.workspace.root)
        problems.append(
            Problem(shown, 1, 1, "no scenario files", "add scenarios/<id>.yaml (e.g. a baseline)")
        )
    if not raw.evidence:
        shown = display_path(raw.workspace.evidence_dir, raw.workspace.root)
        problems.append(Problem(shown, 1, 1, "no evidence files", "add evidence/<source>.yaml"))
    if problems:
        raise InputError(problems)
    study = Study(
        model_facts(raw.model.value),
        network,
        tuple(sources),
        tuple(statements),
        tuple(scenarios),
        tuple(warnings),
        observations=tuple(observations),
        files=complete(raw.workspace, raw.files.digests if raw.files else {}),
        held_back=tuple(held),
    )
    study = weigh_assumptions(study)
    return study if as_of is None else known_on(study, as_of, readings_then=readings_then)


def read_network(root: Path) -> Network:
    """The network of the model file alone, checked (evidence and scenarios not read)."""
    problems: list[Problem] = []
    loaded = load_model(Workspace(root), problems)
    network = None if loaded is None else check_network(loaded, problems)
    if problems or network is None:
        raise InputError(problems)
    return network


def strict_problems(model: Loaded[ModelFile], rows: list[Coverage]) -> list[Problem]:
    """--strict: every parameter resting on one source alone or on an assumption, placed in
    the model file."""
    doc = model.doc
    index = {n.id: i for i, n in enumerate(model.value.nodes)}
    problems = []
    for row in rows:
        if row.weak:
            problems.append(
                doc.problem(
                    ("nodes", index[row.column.node], "id"),
                    f"{row.column.label()} {row.weak}",
                    "cite a claim from another, independent source",
                )
            )
    return problems
