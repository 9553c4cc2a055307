"""Commands that compute: validate, run, query and report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from forecast.base.errors import InputError
from forecast.base.paths import Workspace

if TYPE_CHECKING:
    from forecast.base.arrays import Array
    from forecast.fitting.run import PointAnswers
    from forecast.inference.summary import OutcomeSummary
    from forecast.inputs.domain import Scenario, Study
from forecast.cli.common import (
    as_of_option,
    check_conditions,
    draws_fitted,
    draws_options,
    kept_fit,
    ledger_entries,
    load_study,
    main,
    parse_conditions,
    read_inputs,
    root_option,
    run_study_cached,
    say,
    workspace_scores,
)


@main.command()
@root_option
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail when a parameter rests on one source alone or on an analyst assumption.",
)
def validate(root: Path, strict: bool) -> None:
    """Check model, evidence and scenario files; list every problem as path:line:column."""
    from forecast.inputs.coverage import coverage

    raw, study = read_inputs(root)
    claims = sum(1 for s in study.statements if s.kind != "assumption")
    assumptions = sum(1 for s in study.statements if s.kind == "assumption")
    if strict:
        from forecast.inputs.checks import strict_problems

        problems = strict_problems(raw.model, coverage(study))
        if problems:
            raise InputError(problems)
    click.echo(
        f"OK: {len(study.network.nodes)} nodes, {claims} claims from {len(study.sources)} "
        f"sources, {assumptions} analyst assumptions, {len(study.observations)} observations, "
        f"{len(study.scenarios)} scenarios."
    )


@main.command()
@root_option
@draws_options
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the results document (JSON).")
@click.option(
    "--by-reader",
    is_flag=True,
    help="Instead of the scenarios: the baseline as each reader alone would have it, the "
    "part of its interval the readers' disagreement brings, and the effects they claim.",
)
def run(
    root: Path,
    draws: int,
    seed: int,
    as_of: dt.datetime | None,
    readings_then: bool,
    as_json: bool,
    by_reader: bool,
) -> None:
    """Compute every scenario: outcome probabilities with 90 % intervals."""
    from forecast.analysis.results import results_document
    from forecast.base.stablejson import dumps
    from forecast.fitting import fitcache
    from forecast.reporting.runchanges import change_lines, run_summary

    if by_reader:
        _by_reader(root, load_study(root, as_of, readings_then=readings_then), draws, seed, as_json)
        return
    study = load_study(root, as_of, readings_then=readings_then)
    states = list(study.network.node(study.network.outcome).states)
    first = None if as_json else _point_first(states)
    result = run_study_cached(root, study, draws, seed, as_of is None, on_point=first)
    document = results_document(result)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    scenarios = document["scenarios"]
    _scenario_table([(sc["title"], sc["outcome"]) for sc in scenarios], states)
    seen = [o for o in result.study.observations if not o.retracted]
    if seen:
        click.echo(
            "\ngiven what was seen: "
            + ", ".join(f"{o.node}={o.state} ({o.seen.text})" for o in seen)
        )
        click.echo("without the observations:")
        unseen = [(sc["title"], sc.get("without_observations")) for sc in scenarios]
        _scenario_table([(title, o) for title, o in unseen if o is not None], states)
    horizon = result.study.model.horizon.date.isoformat()
    click.echo(f"\nmean % of {result.draws} draws [90 % interval]; horizon {horizon}.")
    click.echo(
        "Monte Carlo error of the interval ends: at most "
        f"{100 * document['monte_carlo_error']:.2f} points (one standard error)."
    )
    if as_of is None:  # a run as of another date is not the workspace's latest
        summary = run_summary(document)
        click.echo("")
        for line in change_lines(fitcache.load_last_run(root), summary):
            click.echo(line)
        fitcache.save_last_run(root, summary)


def _point_first(states: list[str]) -> PointAnswers:
    """What prints each scenario's point answer on standard error, before the draws."""

    def show(answers: list[tuple[Scenario, Array]]) -> None:
        width = max((len(sc.title) for sc, _ in answers), default=10)
        say("the point network (every claim at its midpoint), given what was seen; the")
        say("intervals follow once the draws are fitted:")
        for sc, point in answers:
            cells = "  ".join(f"{s} {100 * p:5.1f} %" for s, p in zip(states, point, strict=True))
            say(f"  {sc.title:<{width}}  {cells}")

    return show


def _scenario_table(rows: list[tuple[str, OutcomeSummary]], states: list[str]) -> None:
    """One line per scenario (its title and outcome): each state's mean and 90 % interval."""
    width = max(len(title) for title, _ in rows) if rows else 10
    click.echo(f"{'scenario':<{width}}  " + "  ".join(f"{s:>22}" for s in states))
    for title, outcome in rows:
        cells = []
        for s in states:
            o = outcome[s]
            cells.append(f"{100 * o['mean']:5.1f} % [{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]")
        click.echo(f"{title:<{width}}  " + "  ".join(f"{c:>22}" for c in cells))


def _by_reader(root: Path, study: Study, draws: int, seed: int, as_json: bool) -> None:
    """`run --by-reader`: every reader's baseline, the disagreement, the claimed effects."""
    from forecast.analysis.byreader import by_reader
    from forecast.base.stablejson import dumps
    from forecast.fitting.run import FitCache
    from forecast.inputs.sizes import check_draws
    from forecast.reporting.readertext import reader_lines

    check_draws(study, draws)
    document = by_reader(study, draws, seed, say, cache=FitCache(root))
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in reader_lines(document, draws):
        click.echo(line)


def _question_text(
    target: str, asked: dict[str, str], forced: dict[str, str], observed: dict[str, str]
) -> str:
    """'P(target | a=x, do(b=y); seen c=z)': the question a query answered."""
    parts = [f"{n}={s}" for n, s in asked.items()]
    parts += [f"do({n}={s})" for n, s in forced.items()]
    seen = [f"{n}={s}" for n, s in observed.items() if n not in asked]
    text = ", ".join(parts)
    if seen:
        text += ("; " if text else "") + "seen " + ", ".join(seen)
    return f"P({target} | {text})" if text else f"P({target})"


@main.command()
@root_option
@draws_options
@click.option("--given", "given", multiple=True, metavar="NODE=STATE", help="Observed state.")
@click.option(
    "--do", "do", multiple=True, metavar="NODE=STATE", help="Forced state (intervention)."
)
@click.option("--target", default=None, help="Node to ask about (default: the outcome).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def query(
    root: Path,
    draws: int,
    seed: int,
    given: tuple[str, ...],
    do: tuple[str, ...],
    target: str | None,
    as_json: bool,
) -> None:
    """Ask one what-if question: P(target | given, do(...)).

    \b
    Examples:
      forecast query --given taiwan_crisis=yes
      forecast query --given taiwan_crisis=yes --do us_policy_shift=yes
      forecast query --target war_outcome --given elite_assessment=strategic_mistake
    """
    from forecast.base.stablejson import dumps
    from forecast.inference.compiled import posterior
    from forecast.inference.structure import ImpossibleEvidenceError, structure_of
    from forecast.inference.summary import outcome_summary
    from forecast.inputs.domain import with_observations

    asked, forced = parse_conditions(given, "--given"), parse_conditions(do, "--do")
    kept = kept_fit(root, draws, seed)
    if kept is not None:  # fitted before: answer without reading the inputs again
        for warning in kept.warnings:
            say(f"warning: {warning}")
        structure, seen = kept.structure, kept.observed
        target = target or kept.outcome
        check_conditions(structure, target, asked, forced)
    else:
        study = load_study(root)
        structure, seen = structure_of(study.network), study.observed()
        target = target or study.network.outcome
        check_conditions(structure, target, asked, forced)
        fitted = run_study_cached(root, dataclasses.replace(study, scenarios=()), draws, seed)
    observed = with_observations(seen, asked, forced)
    observed.pop(target, None)  # what is asked about is not given, even when it was seen
    states = structure.states[target]
    try:
        if kept is not None:
            point = posterior(structure, kept.point, target, observed, forced)[0]
            samples = posterior(structure, kept.drawn, target, observed, forced)
        else:
            point = fitted.point(observed, forced, target)
            samples = fitted.samples(observed, forced, target)
    except ImpossibleEvidenceError:
        raise click.UsageError(
            "these conditions contradict each other under the model (probability zero); "
            "drop or change one of them"
        ) from None
    summary = outcome_summary(states, point, samples)
    if as_json:
        doc = {
            "target": target,
            "given": asked,
            "do": forced,
            "observed": {n: s for n, s in observed.items() if n not in asked},
            "outcome": summary,
        }
        click.echo(dumps(doc), nl=False)
        return
    click.echo(f"{_question_text(target, asked, forced, observed)}, {len(samples)} draws:")
    for state in states:
        o = summary[state]
        click.echo(
            f"{state:>16}: point {100 * o['point']:5.1f} %  mean {100 * o['mean']:5.1f} %  "
            f"90 % interval {100 * o['p05']:4.1f}–{100 * o['p95']:4.1f} %"
        )


@main.command()
@root_option
@draws_options
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=(
        "Output folder (default: ROOT/reports). It is replaced whole, so it must be new, "
        "empty, or written by an earlier report; never the workspace or its inputs."
    ),
)
def report(
    root: Path,
    draws: int,
    seed: int,
    as_of: dt.datetime | None,
    readings_then: bool,
    out: Path | None,
) -> None:
    """Write the report folder: index.html, report.md, audit.md, results.json, figures, model.bif.

    The report is built in a temporary folder and swapped in at the end, so a failure
    leaves the previous report as it was.
    """
    from forecast.base import atomic, outputs
    from forecast.fitting.parallel import reporting_draws
    from forecast.inputs.jsonschema import schema_text
    from forecast.inputs.resultschema import Results
    from forecast.reporting.report import write_report

    typed = out if out is not None else Workspace(root).reports_dir
    target = outputs.check_folder(typed, root)
    study = load_study(root, as_of, readings_then=readings_then)
    entries = ledger_entries(root)
    states = list(study.network.node(study.network.outcome).states)
    with atomic.exclusive(target), reporting_draws(draws_fitted):
        result = run_study_cached(
            root, study, draws, seed, as_of is None, on_point=_point_first(states)
        )
        write_report(
            result,
            target,
            progress=say,
            warn=lambda text: say(f"warning: {text}"),
            track_record=workspace_scores(root, entries),
            published=entries[-1] if entries else None,
            results_schema=schema_text(Results),
        )
    click.echo(f"wrote {typed}/index.html, report.md, audit.md, results.json, model.bif, figures/")


@main.command()
@root_option
@draws_options
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
def assess(root: Path, draws: int, seed: int, as_json: bool) -> None:
    """Key judgements an analyst can sign: likelihood and confidence, kept apart.

    \b
    Each judgement is one sentence with the yardstick's words and the numbers (mean and
    90 % interval, given every observation); then its confidence (high, moderate or low,
    from the rules in the package's data/confidence.yaml), the claims that carry it with
    their quotes, the scenarios that raise and lower it most, the signposts that would move
    it, where sources or readers disagree, and what changed since the last published
    forecast.
    """
    from forecast.analysis.assessment import assess as assess_run
    from forecast.analysis.assessment import assessment_document, assessment_inputs
    from forecast.base.stablejson import dumps
    from forecast.reporting.assesstext import assessment_lines

    entries = ledger_entries(root)
    result = run_study_cached(root, load_study(root), draws, seed, what="the judgements")
    say("weighing each judgement: every claim and every source left out in turn...")
    inputs = assessment_inputs(result, entries[-1] if entries else None)
    assessment = assess_run(result, inputs)
    if as_json:
        click.echo(dumps(assessment_document(assessment)), nl=False)
        return
    for line in assessment_lines(assessment):
        click.echo(line)
