"""What every command shares: the group, options, error handling, loading a study and a run."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from forecast.base.defaults import DEFAULT_DRAWS, DEFAULT_SEED
from forecast.base.errors import DrawsTooLargeError, InputError, OutputError
from forecast.base.outputs import UnsafeOutputError

if TYPE_CHECKING:
    from forecast.fitting.fitcache import KeptFit
    from forecast.fitting.run import Run
    from forecast.inference.structure import Structure
    from forecast.inputs.domain import Study
    from forecast.inputs.loading import RawInputs

F = TypeVar("F", bound=Callable[..., Any])
MAX_SEED = 2**63 - 1


def say(message: str) -> None:
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
            say(f"error: {exc}")
            sys.exit(1)
        except (UnsafeOutputError, DrawsTooLargeError) as exc:
            say(f"error: {exc}")
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


def as_of_option(func: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Forecast as of this date (YYYY-MM-DD): only sources published, readings made "
        "and observations seen by then, refitted; what no claim covered yet falls back to "
        "its assumption.",
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


def read_inputs(root: Path) -> tuple[RawInputs, Study]:
    """The parsed files and the checked study; warnings go to stderr."""
    from forecast.inputs.checks import build_study
    from forecast.inputs.loading import load_inputs

    raw = load_inputs(root)
    study = build_study(raw)
    for warning in study.warnings:
        say(f"warning: {warning}")
    return raw, study


def load_study(root: Path, as_of: dt.datetime | None = None) -> Study:
    """The checked study: kept from an earlier command when no input file has changed; or,
    with `as_of`, the study that date knew (checked afresh)."""
    from forecast.fitting import fitcache

    if as_of is not None:
        from forecast.inputs.checks import build_study
        from forecast.inputs.loading import load_inputs

        then = build_study(load_inputs(root), as_of.date())
        for warning in then.warnings:
            say(f"warning: {warning}")
        return then

    kept = fitcache.load_study(root)
    if kept is not None:
        for warning in kept.warnings:
            say(f"warning: {warning}")
        return kept
    study = read_inputs(root)[1]
    fitcache.save_study(root, study)
    return study


def run_study_cached(root: Path, study: Study, draws: int, seed: int, as_files: bool = True) -> Run:
    """Every scenario of `study`; refuses (exit 2) draws that would not fit in memory. The
    fitted draws are kept in the workspace for the next command (`fitcache`), and found
    again by the files' fingerprint when `as_files` (the study is what the files give)."""
    from forecast.fitting.fitcache import fingerprint
    from forecast.fitting.run import FitCache, run_study
    from forecast.inputs.sizes import check_draws

    plan = check_draws(study, draws)
    chunks = f" in {plan.chunks} chunks" if plan.chunks > 1 else ""
    what = f"{len(study.scenarios)} scenarios" if study.scenarios else "the fit"
    say(f"computing {what} with {draws} draws{chunks} (seed {seed})...")
    files = fingerprint(root, draws, seed) if as_files else None
    return run_study(study, draws, seed, plan, FitCache(root, files))


def workspace_scores(root: Path) -> dict[str, Any]:
    """The scores of the workspace's published forecasts (`scoring.score_document`) against
    its checked resolutions. The ledger's chain is checked, and so is every line of it
    that git's HEAD holds; a resolution must agree with the observations."""
    from forecast.analysis.ledger import MAX_LEDGER_BYTES, read_ledger
    from forecast.analysis.scoring import score_document
    from forecast.base.errors import display_path
    from forecast.base.paths import Workspace
    from forecast.cli.vcs import committed
    from forecast.inputs.checks import build_study
    from forecast.inputs.loading import load_inputs, load_resolutions
    from forecast.inputs.resolutioncheck import check_resolutions

    ws = Workspace(root)
    ledger = ws.ledger_file
    held = committed(root, ledger, MAX_LEDGER_BYTES)
    entries = read_ledger(ledger, display_path(ledger, root), root, held)
    loaded = load_resolutions(ws)
    if loaded is None:
        return score_document(entries, [])
    raw = load_inputs(root)
    study = build_study(raw)
    resolutions = check_resolutions(loaded, raw, study.network, study.observations)
    return score_document(entries, resolutions)


def kept_fit(root: Path, draws: int, seed: int) -> KeptFit | None:
    """The draws fitted to this workspace's current inputs by an earlier command, if any."""
    from forecast.fitting import fitcache

    return fitcache.load_for_files(root, fitcache.fingerprint(root, draws, seed))


def parse_conditions(values: tuple[str, ...], option: str) -> dict[str, str]:
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


def check_conditions(
    structure: Structure, target: str, observed: dict[str, str], forced: dict[str, str]
) -> None:
    """Refuse unknown nodes and states, and a node both observed and forced."""
    from forecast.base.suggest import did_you_mean

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
      forecast nodes             what a claim's about: may name
      forecast validate          check every file, list every problem
      forecast run               scenario table with 90 % intervals
      forecast audit trajectory  claims behind each column of a node
      forecast report            write reports/ (HTML, Markdown, JSON, figures, BIF)

    \b
    The forecaster's loop:
      forecast watchlist         signposts to watch next, by what they would tell
      forecast sensitivity       what moves the baseline, and the choice of pool
      forecast history           the baseline as sources and observations arrived
      forecast publish           append today's forecast to the ledger
      forecast score             Brier and log scores once questions resolve
    """
