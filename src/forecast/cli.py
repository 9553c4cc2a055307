"""The `forecast` command line. Input problems exit 1 with one located line each; usage 2."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from forecast.engine import DEFAULT_DRAWS, DEFAULT_SEED
from forecast.errors import InputError
from forecast.paths import Workspace

if TYPE_CHECKING:
    from forecast.domain import Study
    from forecast.engine import Run
    from forecast.loading import RawInputs

F = TypeVar("F", bound=Callable[..., Any])


def _say(message: str) -> None:
    click.echo(message, err=True)


def reports_input_errors(func: F) -> F:
    """Print every input problem, one per line, and exit 1 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            count = len(exc.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
            sys.exit(1)

    return cast(F, wrapper)


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=True,
        help="Workspace folder holding model/, evidence/ and scenarios/.",
    )(func)


def draws_options(func: F) -> F:
    func = click.option(
        "--draws",
        type=click.IntRange(min=100, max=1_000_000),
        default=DEFAULT_DRAWS,
        show_default=True,
        help="Number of draws for the uncertainty intervals.",
    )(func)
    return click.option(
        "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed."
    )(func)


def _inputs(root: Path) -> tuple[RawInputs, Study]:
    """The parsed files and the checked study; warnings go to stderr."""
    from forecast.checks import build_study
    from forecast.loading import load_inputs

    raw = load_inputs(root)
    study = build_study(raw)
    for warning in study.warnings:
        _say(f"warning: {warning}")
    return raw, study


def _study(root: Path) -> Study:
    return _inputs(root)[1]


def _run(root: Path, draws: int, seed: int) -> Run:
    study = _study(root)
    _say(f"computing {len(study.scenarios)} scenarios with {draws} draws (seed {seed})...")
    from forecast.engine import run_study

    return run_study(study, draws, seed)


def _condition(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        node, sep, state = value.partition("=")
        if not sep or not node or not state:
            raise click.BadParameter(f"'{value}' is not NODE=STATE", param_hint=option)
        out[node.strip()] = state.strip()
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="forecast")
def main() -> None:
    """Cited Bayesian-network scenario forecasts.

    Evidence files hold claims with verbatim quotes; the model turns them into
    probability tables; scenarios fix drivers; reports trace every number to its quotes.

    \b
    Typical session:
      forecast validate          check every file, list every problem
      forecast run               scenario table with 90 % intervals
      forecast audit trajectory  claims behind each column of a node
      forecast report            write reports/ (HTML, Markdown, JSON, figures, BIF)
    """


@main.command()
@root_option
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail when a parameter rests on one source alone or on an analyst assumption.",
)
@reports_input_errors
def validate(root: Path, strict: bool) -> None:
    """Check model, evidence and scenario files; list every problem as path:line:column."""
    from forecast.coverage import coverage

    raw, study = _inputs(root)
    claims = sum(1 for s in study.statements if s.kind != "assumption")
    assumptions = sum(1 for s in study.statements if s.kind == "assumption")
    if strict:
        from forecast.checks import strict_problems

        problems = strict_problems(raw.model.doc, study, coverage(study))
        if problems:
            raise InputError(problems)
    click.echo(
        f"OK: {len(study.network.nodes)} nodes, {claims} claims from {len(study.sources)} "
        f"sources, {assumptions} analyst assumptions, {len(study.scenarios)} scenarios."
    )


@main.command()
@root_option
@draws_options
@click.option("--json", "as_json", is_flag=True, help="Print the results document (JSON).")
@reports_input_errors
def run(root: Path, draws: int, seed: int, as_json: bool) -> None:
    """Compute every scenario: outcome probabilities with 90 % intervals."""
    from forecast.results import dumps, results_document

    result = _run(root, draws, seed)
    doc = results_document(result)
    if as_json:
        click.echo(dumps(doc), nl=False)
        return
    states = list(result.study.network.node(doc["outcome"]).states)
    width = max(len(sc["title"]) for sc in doc["scenarios"]) if doc["scenarios"] else 10
    click.echo(f"{'scenario':<{width}}  " + "  ".join(f"{s:>22}" for s in states))
    for sc in doc["scenarios"]:
        cells = []
        for s in states:
            o = sc["outcome"][s]
            cells.append(f"{100 * o['mean']:5.1f} % [{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]")
        click.echo(f"{sc['title']:<{width}}  " + "  ".join(f"{c:>22}" for c in cells))
    click.echo(f"\nmean % of {doc['draws']} draws [90 % interval]; horizon {doc['horizon']}.")


@main.command()
@root_option
@draws_options
@click.option("--given", "given", multiple=True, metavar="NODE=STATE", help="Observed state.")
@click.option(
    "--do", "do", multiple=True, metavar="NODE=STATE", help="Forced state (intervention)."
)
@click.option("--target", default=None, help="Node to ask about (default: the outcome).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_input_errors
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
      forecast query --target russian_defeat --given elite_assessment=strategic_mistake
    """
    from forecast.results import dumps
    from forecast.suggest import did_you_mean
    from forecast.summary import outcome_summary

    observed, forced = _condition(given, "--given"), _condition(do, "--do")
    result = _run(root, draws, seed)
    network = result.study.network
    target = target or network.outcome
    for option, conditions in (("--given", observed), ("--do", forced)):
        for node_id, state in conditions.items():
            if node_id not in network.ids:
                raise click.BadParameter(
                    f"unknown node '{node_id}': {did_you_mean(node_id, network.ids, 'nodes')}",
                    param_hint=option,
                )
            if state not in network.node(node_id).states:
                states = network.node(node_id).states
                raise click.BadParameter(
                    f"'{state}' is not a state of '{node_id}': {did_you_mean(state, states, 'states')}",
                    param_hint=option,
                )
    if target not in network.ids:
        raise click.BadParameter(did_you_mean(target, network.ids, "nodes"), param_hint="--target")
    node = network.node(target)
    summary = outcome_summary(
        node.states,
        result.point(observed, forced, target),
        result.samples(observed, forced, target),
    )
    if as_json:
        doc = {"target": target, "given": observed, "do": forced, "outcome": summary}
        click.echo(dumps(doc), nl=False)
        return
    for state in node.states:
        o = summary[state]
        click.echo(
            f"{state:>16}: point {100 * o['point']:5.1f} %  mean {100 * o['mean']:5.1f} %  "
            f"90 % interval {100 * o['p05']:4.1f}–{100 * o['p95']:4.1f} %"
        )


@main.command()
@root_option
@draws_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: ROOT/reports).",
)
@reports_input_errors
def report(root: Path, draws: int, seed: int, out: Path | None) -> None:
    """Write the report folder: index.html, report.md, audit.md, results.json, figures, model.bif.

    The report is built in a temporary folder and swapped in at the end, so a failure
    leaves the previous report as it was.
    """
    from forecast.report import write_report

    result = _run(root, draws, seed)
    target = out if out is not None else Workspace(root).reports_dir
    write_report(result, target, progress=_say)
    click.echo(f"wrote {target}/index.html, report.md, audit.md, results.json, model.bif, figures/")


def _print_statement(st: dict[str, Any]) -> None:
    origin = (
        f"{st['source']} (grade {st['source_grade']}, credibility {st['credibility']})"
        if st["cited"]
        else "UNCITED analyst assumption"
    )
    click.echo(
        f"  - {st['id']}: P({st['state']}) = {st['stated']} "
        f"[{100 * st['low']:.0f}–{100 * st['high']:.0f} %], {origin}, "
        f"weight {st['weight']:.3f}, share {100 * st['share']:.0f} %"
    )
    if st.get("retraction"):
        click.echo(f"      RETRACTED {st['retraction']}")
    if st["cited"]:
        click.echo(f'      "{st["quote"]}"')
    click.echo(f"      note: {st['note']}")


def _shift_text(shift: dict[str, float] | None) -> str:
    if not shift:
        return "nothing"
    return ", ".join(f"{s} {100 * v:+.1f} pts" for s, v in shift.items())


@main.command()
@root_option
@click.argument("node", required=False)
@click.option("--source", "source_id", default=None, help="Audit one source: what it feeds.")
@click.option("--claim", "claim_id", default=None, help="Audit one claim.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_input_errors
def audit(
    root: Path, node: str | None, source_id: str | None, claim_id: str | None, as_json: bool
) -> None:
    """Trace numbers to quotes: by NODE (default: the outcome), --source ID or --claim ID.

    \b
    audit NODE         every CPT column and parent effect, the claims pooled into it,
                       their weights, shares, quotes and notes; assumptions flagged
    audit --source ID  every parameter that source feeds and what leaving it out moves
    audit --claim ID   one claim, its share of its column and its influence
    """
    from forecast.audit import audit_claim, audit_node, audit_source
    from forecast.cpt import build_tables
    from forecast.suggest import did_you_mean

    if sum(x is not None for x in (node, source_id, claim_id)) > 1:
        raise click.UsageError("give one of NODE, --source or --claim")
    study = _study(root)
    tables = build_tables(study)
    doc: dict[str, Any]
    if source_id is not None:
        ids = [s.id for s in study.sources]
        if source_id not in ids:
            raise click.BadParameter(did_you_mean(source_id, ids, "sources"), param_hint="--source")
        doc = audit_source(study, tables, source_id)
    elif claim_id is not None:
        ids = [s.id for s in study.statements]
        if claim_id not in ids:
            raise click.BadParameter(did_you_mean(claim_id, ids, "claims"), param_hint="--claim")
        doc = audit_claim(study, tables, claim_id)
    else:
        node = node or study.network.outcome
        if node not in study.network.ids:
            raise click.BadParameter(
                did_you_mean(node, study.network.ids, "nodes"), param_hint="NODE"
            )
        doc = audit_node(study, tables, node)
    if as_json:
        click.echo(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
    elif source_id is not None:
        click.echo(
            f"{doc['source']}: {doc['title']} ({doc['author']}, {doc['date']}), "
            f"reliability {doc['reliability']}: {doc['rationale']}"
        )
        if doc["retraction"]:
            click.echo(f"RETRACTED {doc['retraction']}")
        click.echo("feeds: " + (", ".join(doc["parameters"]) or "no parameter"))
        click.echo(f"leaving it out moves the baseline: {_shift_text(doc['without_it'])}")
        for st in doc["claims"]:
            click.echo(f"\n[{st['kind']}] {st['column']}")
            _print_statement(st)
    elif claim_id is not None:
        click.echo(f"[{doc['kind']}] {doc['column']}")
        _print_statement(doc)
        if "pooled_column" in doc:
            click.echo(
                "pooled column: "
                + ", ".join(f"{s} {100 * v:.1f} %" for s, v in doc["pooled_column"].items())
            )
        if "if_reinstated" in doc:
            click.echo(
                f"reinstating it would move the baseline: {_shift_text(doc['if_reinstated'])}"
            )
        elif doc["kind"] == "claim":
            click.echo(f"leaving it out moves the baseline: {_shift_text(doc.get('without_it'))}")
    else:
        click.echo(f"{doc['label']} ({doc['node']}): {doc['description']}")
        for col in doc["columns"]:
            pooled = ", ".join(f"{s} {100 * v:.1f} %" for s, v in col["pooled"].items())
            click.echo(f"\n== {col['column']} [{col['kind']}] -> {pooled}")
            for st in col["statements"]:
                _print_statement(st)


@main.command()
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bif", "xmlbif", "json"]),
    default="bif",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@reports_input_errors
def export(root: Path, fmt: str, output: Path | None) -> None:
    """Export the point-value network for other Bayesian-network tools."""
    from forecast import atomic
    from forecast.cpt import build_tables
    from forecast.export import export_text
    from forecast.network import build_pgmpy, structure_of

    study = _study(root)
    tables = build_tables(study)
    model = build_pgmpy(structure_of(study.network), tables.cpts)
    text = export_text(study, tables, model, cast(Any, fmt))
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic.write_text(output, text)
        _say(f"wrote {output}")


@main.command()
@root_option
def schema(root: Path) -> None:
    """Write JSON Schema for the model, evidence and scenario files into the workspace.

    Each input file's first line points an editor (yaml-language-server) at its schema.
    """
    from forecast.schemas import write_schemas

    for path in write_schemas(root):
        click.echo(f"wrote {path}")


@main.command("new-source")
@root_option
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="Id for the new source, e.g. smith-2024.")
@reports_input_errors
def new_source_command(root: Path, text: Path, source_id: str) -> None:
    """Copy TEXT into evidence/sources/, record its SHA-256 and start evidence/ID.yaml."""
    import re

    from forecast.newsource import new_source

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", source_id):
        raise click.BadParameter("use letters, digits, '_', '.' and '-'", param_hint="--id")
    copied, evidence = new_source(root, text, source_id)
    click.echo(f"copied {copied}\nwrote {evidence}: fill in the TODOs, then `forecast validate`")


if __name__ == "__main__":
    main()
