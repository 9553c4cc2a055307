"""The `forecast` command line. Input problems exit 1 with one located line each; usage 2."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from forecast.defaults import DEFAULT_DRAWS, DEFAULT_SEED
from forecast.errors import DrawsTooLargeError, InputError, OutputError
from forecast.outputs import UnsafeOutputError
from forecast.paths import Workspace

if TYPE_CHECKING:
    from forecast.batched import Structure
    from forecast.domain import Study
    from forecast.engine import Run
    from forecast.fitcache import KeptFit
    from forecast.loading import RawInputs

F = TypeVar("F", bound=Callable[..., Any])
MAX_SEED = 2**63 - 1


def _say(message: str) -> None:
    click.echo(message, err=True)


def reports_input_errors(func: F) -> F:
    """Turn the user-error family into messages and exit codes, never a traceback.

    Invalid inputs: every problem, one per line, exit 1. An output that cannot be written
    (permissions, another writer): one line, exit 1. An output path the tool refuses, or
    draws that would not fit the memory limit: one line, exit 2 (wrong usage).
    """

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
        except OutputError as exc:
            _say(f"error: {exc}")
            sys.exit(1)
        except (UnsafeOutputError, DrawsTooLargeError) as exc:
            _say(f"error: {exc}")
            sys.exit(2)

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
        "--seed",
        type=click.IntRange(min=0, max=MAX_SEED),
        default=DEFAULT_SEED,
        show_default=True,
        help="Random seed (a whole number from 0); the same seed gives the same draws.",
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
    """The checked study: kept from an earlier command when no input file has changed."""
    from forecast import fitcache

    kept = fitcache.load_study(root)
    if kept is not None:
        for warning in kept.warnings:
            _say(f"warning: {warning}")
        return kept
    study = _inputs(root)[1]
    fitcache.save_study(root, study)
    return study


def _run(root: Path, study: Study, draws: int, seed: int) -> Run:
    """Every scenario of `study`; refuses (exit 2) draws that would not fit in memory. The
    fitted draws are kept in the workspace for the next command (`fitcache`)."""
    from forecast.engine import FitCache, run_study
    from forecast.fitcache import fingerprint
    from forecast.sizes import check_draws

    plan = check_draws(study, draws)
    chunks = f" in {plan.chunks} chunks" if plan.chunks > 1 else ""
    _say(f"computing {len(study.scenarios)} scenarios with {draws} draws{chunks} (seed {seed})...")
    return run_study(study, draws, seed, plan, FitCache(root, fingerprint(root, draws, seed)))


def _kept_fit(root: Path, draws: int, seed: int) -> KeptFit | None:
    """The draws fitted to this workspace's current inputs by an earlier command, if any."""
    from forecast import fitcache

    return fitcache.load_for_files(root, fitcache.fingerprint(root, draws, seed))


def _condition(values: tuple[str, ...], option: str) -> dict[str, str]:
    """NODE=STATE pairs; a node named twice with two states is a contradiction."""
    out: dict[str, str] = {}
    for value in values:
        node, sep, state = value.partition("=")
        node, state = node.strip(), state.strip()
        if not sep or not node or not state:
            raise click.BadParameter(f"'{value}' is not NODE=STATE", param_hint=option)
        if out.get(node, state) != state:
            raise click.BadParameter(
                f"'{node}' is given two states, '{out[node]}' and '{state}'; keep one",
                param_hint=option,
            )
        out[node] = state
    return out


def _check_conditions(
    structure: Structure, target: str, observed: dict[str, str], forced: dict[str, str]
) -> None:
    """Refuse unknown nodes and states, and a node both observed and forced."""
    from forecast.suggest import did_you_mean

    nodes = structure.nodes
    for option, conditions in (("--given", observed), ("--do", forced)):
        for node_id, state in conditions.items():
            if node_id not in nodes:
                raise click.BadParameter(
                    f"unknown node '{node_id}': {did_you_mean(node_id, nodes, 'nodes')}",
                    param_hint=option,
                )
            states = structure.states[node_id]
            if state not in states:
                raise click.BadParameter(
                    f"'{state}' is not a state of '{node_id}': {did_you_mean(state, states, 'states')}",
                    param_hint=option,
                )
    both = sorted(set(observed) & set(forced))
    if both:
        node_id = both[0]
        raise click.UsageError(
            f"'{node_id}' is both observed (--given {node_id}={observed[node_id]}) and forced "
            f"(--do {node_id}={forced[node_id]}); keep one of the two"
        )
    if target not in nodes:
        raise click.BadParameter(did_you_mean(target, nodes, "nodes"), param_hint="--target")


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
@click.option(
    "--by-reader",
    is_flag=True,
    help="Instead of the scenarios: the baseline as each reader alone would have it, the "
    "part of its interval the readers' disagreement brings, and the effects they claim.",
)
@reports_input_errors
def run(root: Path, draws: int, seed: int, as_json: bool, by_reader: bool) -> None:
    """Compute every scenario: outcome probabilities with 90 % intervals."""
    from forecast.results import monte_carlo_error, results_document, scenario_rows
    from forecast.stablejson import dumps

    if by_reader:
        _by_reader(root, _study(root), draws, seed, as_json)
        return
    result = _run(root, _study(root), draws, seed)
    if as_json:
        click.echo(dumps(results_document(result)), nl=False)
        return
    scenarios = scenario_rows(result)
    states = list(result.study.network.node(result.study.network.outcome).states)
    width = max(len(sc["title"]) for sc in scenarios) if scenarios else 10
    click.echo(f"{'scenario':<{width}}  " + "  ".join(f"{s:>22}" for s in states))
    for sc in scenarios:
        cells = []
        for s in states:
            o = sc["outcome"][s]
            cells.append(f"{100 * o['mean']:5.1f} % [{100 * o['p05']:4.1f}–{100 * o['p95']:4.1f}]")
        click.echo(f"{sc['title']:<{width}}  " + "  ".join(f"{c:>22}" for c in cells))
    horizon = result.study.model.horizon.date.isoformat()
    click.echo(f"\nmean % of {result.draws} draws [90 % interval]; horizon {horizon}.")
    click.echo(
        "Monte Carlo error of the interval ends: at most "
        f"{100 * monte_carlo_error(result):.2f} points (one standard error)."
    )


def _by_reader(root: Path, study: Study, draws: int, seed: int, as_json: bool) -> None:
    """`run --by-reader`: every reader's baseline, the disagreement, the claimed effects."""
    from forecast.byreader import by_reader
    from forecast.engine import FitCache
    from forecast.readertext import reader_lines
    from forecast.sizes import check_draws
    from forecast.stablejson import dumps

    check_draws(study, draws)
    document = by_reader(study, draws, seed, _say, cache=FitCache(root))
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in reader_lines(document, draws):
        click.echo(line)


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
      forecast query --target war_outcome --given elite_assessment=strategic_mistake
    """
    from forecast.batched import ImpossibleEvidenceError, structure_of
    from forecast.compiled import posterior
    from forecast.stablejson import dumps
    from forecast.summary import outcome_summary

    observed, forced = _condition(given, "--given"), _condition(do, "--do")
    kept = _kept_fit(root, draws, seed)
    if kept is not None:  # fitted before: answer without reading the inputs again
        for warning in kept.warnings:
            _say(f"warning: {warning}")
        structure = kept.structure
        target = target or kept.outcome
        _check_conditions(structure, target, observed, forced)
        point_cpts, drawn = kept.point, kept.drawn
    else:
        study = _study(root)
        structure = structure_of(study.network)
        target = target or study.network.outcome
        _check_conditions(structure, target, observed, forced)
        result = _run(root, study, draws, seed)
        point_cpts = result.point_tables.cpts
    states = structure.states[target]
    try:
        point = posterior(structure, point_cpts, target, observed, forced)[0]
        if kept is not None:
            samples = posterior(structure, drawn, target, observed, forced)
        else:
            samples = result.samples(observed, forced, target)
    except ImpossibleEvidenceError:
        raise click.UsageError(
            "these conditions contradict each other under the model (probability zero); "
            "drop or change one of them"
        ) from None
    summary = outcome_summary(states, point, samples)
    if as_json:
        doc = {"target": target, "given": observed, "do": forced, "outcome": summary}
        click.echo(dumps(doc), nl=False)
        return
    for state in states:
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
    help=(
        "Output folder (default: ROOT/reports). It is replaced whole, so it must be new, "
        "empty, or written by an earlier report; never the workspace or its inputs."
    ),
)
@reports_input_errors
def report(root: Path, draws: int, seed: int, out: Path | None) -> None:
    """Write the report folder: index.html, report.md, audit.md, results.json, figures, model.bif.

    The report is built in a temporary folder and swapped in at the end, so a failure
    leaves the previous report as it was.
    """
    from forecast import atomic, outputs
    from forecast.report import write_report

    typed = out if out is not None else Workspace(root).reports_dir
    target = outputs.check_folder(typed, root)
    study = _study(root)
    with atomic.exclusive(target):
        result = _run(root, study, draws, seed)
        write_report(result, target, progress=_say, warn=lambda text: _say(f"warning: {text}"))
    click.echo(f"wrote {typed}/index.html, report.md, audit.md, results.json, model.bif, figures/")


def _print_statement(st: dict[str, Any]) -> None:
    origin = (
        f"{st['source']} (grade {st['source_grade']}, credibility {st['credibility']})"
        if st["cited"]
        else "UNCITED analyst assumption"
    )
    from forecast.wording import claimed

    click.echo(
        f"  - {st['id']}: {st['state']}: {claimed(st)}, {origin}, "
        f"weight {st['weight']:.3f}"
        + ("" if "about" in st else f", share {100 * st['share']:.0f} %")
    )
    if st.get("retraction"):
        click.echo(f"      RETRACTED {st['retraction']}")
    if st["cited"]:
        before, after = st.get("before", ""), st.get("after", "")
        click.echo(f"      before: ...{before}" if before else "      (the text starts here)")
        click.echo(f'      "{st["quote"]}"')
        click.echo(f"      after: {after}..." if after else "      (the text ends here)")
    click.echo(f"      note: {st['note']}")


def _shift_text(shift: dict[str, float] | None) -> str:
    if not shift:
        return "nothing"
    return ", ".join(f"{s} {100 * v:+.1f} pts" for s, v in shift.items())


def _print_fit(study: Study, tables: Any, as_json: bool) -> None:
    from forecast.claimfit import fit_rows, probability_text
    from forecast.wording import claimed, value

    rows = fit_rows(study, tables)
    if as_json:
        click.echo(json.dumps(rows, indent=2, sort_keys=True, ensure_ascii=False))
        return
    misses = sum(1 for r in rows if not r["honoured"])
    click.echo(f"{len(rows)} claims, {misses} missed by the point network (misses first)")
    for r in rows:
        verdict = "honoured" if r["honoured"] else f"misses by {r['miss_points']:+.1f} points"
        if r.get("wrong_way"):
            verdict += ", THE WRONG WAY ROUND"
        click.echo(
            f"{r['id']:<40} {probability_text(r)} = {value(r, 'fitted')}, "
            f"claimed {claimed(r)}: {verdict}"
        )


def _print_holdout(study: Study, as_json: bool) -> None:
    from forecast.claimfit import probability_text
    from forecast.holdout import holdout_rows, holdout_summary, source_fits, summary_sentence
    from forecast.wording import claimed, value

    fits = source_fits(study)
    rows = holdout_rows(study, fits)
    summary = holdout_summary(study, rows, fits)
    if as_json:
        doc = {"claims": rows, **summary}
        click.echo(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for r in rows:
        verdict = "coherent" if r["coherent"] else f"others {r['miss_points']:+.1f} points away"
        click.echo(
            f"{r['source']:<16} {r['id']:<40} {probability_text(r)} claimed "
            f"{claimed(r)}, the others give {value(r, 'others')}: {verdict}"
        )
    click.echo("\n" + summary_sentence(summary, len(study.sources)))


@main.command()
@root_option
@click.argument("node", required=False)
@click.option("--source", "source_id", default=None, help="Audit one source: what it feeds.")
@click.option("--claim", "claim_id", default=None, help="Audit one claim.")
@click.option(
    "--fit", "fit", is_flag=True, help="Every claim's value under the model beside its range."
)
@click.option(
    "--holdout",
    "holdout",
    is_flag=True,
    help="Leave each source out: each of its claims beside what the other sources imply.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_input_errors
def audit(
    root: Path,
    node: str | None,
    source_id: str | None,
    claim_id: str | None,
    fit: bool,
    holdout: bool,
    as_json: bool,
) -> None:
    """Trace numbers to quotes: NODE (default: the outcome), --source, --claim, --fit, --holdout.

    \b
    audit NODE         every CPT column and parent effect, the claims pooled into it,
                       their weights, shares, quotes and notes; assumptions flagged
    audit --source ID  every parameter that source feeds and what leaving it out moves
    audit --claim ID   one claim, its share of its column and its influence
    audit --fit        every claim's value under the point network beside its range,
                       the misses first (retracted claims left out)
    audit --holdout    leave each source out: each of its claims beside the point value
                       the other sources imply; coherent only when inside its range
    """
    from forecast.audit import audit_claim, audit_node, audit_source
    from forecast.cpt import build_tables
    from forecast.suggest import did_you_mean

    if sum(x is not None for x in (node, source_id, claim_id)) + fit + holdout > 1:
        raise click.UsageError("give one of NODE, --source, --claim, --fit or --holdout")
    study = _study(root)
    if holdout:
        _print_holdout(study, as_json)
        return
    tables = build_tables(study)
    if fit:
        _print_fit(study, tables, as_json)
        return
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
            fitted = ", ".join(f"{s} {100 * v:.1f} %" for s, v in col["fitted"].items())
            click.echo(f"\n== {col['column']} [{col['kind']}] -> fitted {fitted}")
            if col["statements"]:
                pooled = ", ".join(f"{s} {100 * v:.1f} %" for s, v in col["pooled"].items())
                click.echo(f"   its column claims, pooled: {pooled}")
            for st in col["statements"]:
                _print_statement(st)
        if doc["queries"]:
            click.echo(f"\n== claims about {doc['node']} under other conditions (levels, pushes)")
            for st in doc["queries"]:
                click.echo(f"-- {st['about']}")
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
    help=(
        "File to write (default: standard output): a new file or one an earlier export "
        "wrote; never an input of the workspace."
    ),
)
@reports_input_errors
def export(root: Path, fmt: str, output: Path | None) -> None:
    """Export the point-value network for other Bayesian-network tools."""
    from forecast import atomic, outputs
    from forecast.batched import structure_of
    from forecast.cpt import build_tables
    from forecast.export import export_text
    from forecast.network import build_pgmpy

    target = None if output is None else outputs.check_file(output, root)
    study = _study(root)
    tables = build_tables(study)
    model = build_pgmpy(structure_of(study.network), tables.cpts)
    text = export_text(study, tables, model, cast(Any, fmt))
    if target is None:
        click.echo(text, nl=False)
    else:
        atomic.write_text(target, text)
        _say(f"wrote {output}")


@main.command()
@root_option
@reports_input_errors
def schema(root: Path) -> None:
    """Write JSON Schema for the model, evidence and scenario files into the workspace.

    Each input file's first line points an editor (yaml-language-server) at its schema.
    """
    from forecast.schemas import write_schemas

    for path in write_schemas(root):
        click.echo(f"wrote {path}")


@main.command("bench")
@click.argument("network", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--draws", default=10_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, MAX_SEED))
@click.option(
    "--concentration",
    default=50.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Each column's draws are Dirichlet(concentration × its point values).",
)
@click.option(
    "--loops",
    default="pyagrum,pgmpy",
    show_default=True,
    help="Per-draw loops to time against, comma-separated (pyagrum, pgmpy), or 'none'.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def bench_command(
    network: Path, draws: int, seed: int, concentration: float, loops: str, as_json: bool
) -> None:
    """Time the standard query on any BIF network: ours against per-draw loops.

    \b
    The target is the node with the most ancestors (ties by name), observed given the
    next five such nodes each in its first state. Every draw perturbs every column the
    query reads (a Dirichlet around the point values). pyAgrum and pgmpy answer one draw
    at a time over a few hundred draws, scaled to --draws.
    \b
    Example:
      forecast bench ../shared/networks/alarm.bif --draws 10000
    """
    from forecast.bif import BifError, read_bif
    from forecast.netbench import as_json as bench_json
    from forecast.netbench import as_text, bench_network
    from forecast.perturb import Perturbation

    names = () if loops == "none" else tuple(n.strip() for n in loops.split(",") if n.strip())
    unknown = sorted(set(names) - {"pyagrum", "pgmpy"})
    if unknown:
        raise click.BadParameter(f"unknown loop {unknown[0]!r}; use pyagrum, pgmpy or none")
    try:
        net = read_bif(network)
    except BifError as exc:
        _say(f"error: {exc}")
        sys.exit(1)
    if not as_json:
        _say(f"{network.name}: answering {draws:,} draws, then the per-draw loops")
    result = bench_network(network, net, draws, Perturbation(concentration, seed), names)
    if as_json:
        click.echo(json.dumps(bench_json(result), indent=2))
    else:
        click.echo(as_text(result))


@main.command("new-source")
@root_option
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="Id for the new source, e.g. smith-2024.")
@reports_input_errors
def new_source_command(root: Path, text: Path, source_id: str) -> None:
    """Copy TEXT into evidence/sources/, record its SHA-256 and start evidence/ID.yaml."""
    import re

    from forecast.newsource import new_source
    from forecast.schema import IDENTIFIER_MAX, IDENTIFIER_PATTERN

    if len(source_id) > IDENTIFIER_MAX:
        raise click.BadParameter(
            f"{len(source_id)} characters is too long; use at most {IDENTIFIER_MAX}",
            param_hint="--id",
        )
    if not re.fullmatch(IDENTIFIER_PATTERN, source_id):
        raise click.BadParameter(
            "use letters, digits, '_', '.' and '-', starting with a letter or digit",
            param_hint="--id",
        )
    copied, evidence = new_source(root, text, source_id)
    click.echo(f"copied {copied}\nwrote {evidence}: fill in the TODOs, then `forecast validate`")


if __name__ == "__main__":
    main()
