"""What every command shares: the group, options, error handling, loading a study and a run."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from forecast.base.defaults import DEFAULT_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:
    from forecast.analysis.scoring import ScoreDocument
    from forecast.fitting.fitcache import KeptFit
    from forecast.fitting.run import PointAnswers, Run
    from forecast.inference.structure import Structure
    from forecast.inputs.domain import Study
    from forecast.inputs.loading import RawInputs

F = TypeVar("F", bound=Callable[..., Any])
MAX_SEED = 2**63 - 1


def say(message: str) -> None:
    click.echo(message, err=True)


class ForecastGroup(click.Group):
    """The command group, with the one place where errors become messages and exit codes.

    An error the user caused (`ForecastError`: invalid inputs, an output that cannot be
    written, a refused path or draw count) prints its lines, exit 1 or 2. Standard output
    that cannot be written (a full disk, a closed pipe), or memory the machine cannot give,
    is one line, exit 1. Ctrl-C exits
    130. Anything else is a bug: one line saying so and where its details were written,
    exit 70; never a traceback on the terminal, never a bare "Aborted!".
    """

    def invoke(self, ctx: click.Context) -> Any:
        from forecast.base.errors import ForecastError

        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
            return result
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except ForecastError as exc:
            for line in exc.lines():
                say(line)
            sys.exit(exc.exit_code)
        except MemoryError:
            say(
                "error: out of memory: the machine could not give what the draws need; use "
                "fewer --draws, or lower settings.limits.memory_mb so they are made in chunks"
            )
            sys.exit(1)
        except KeyboardInterrupt:
            say("interrupted: nothing was written half-way (every output is swapped in whole)")
            sys.exit(130)
        except OSError as exc:
            if _is_stdout_failure(exc):
                _quiet_stdout()
                say(
                    f"error: cannot write the output: {exc.strerror or exc}; free some space "
                    "or write to another place"
                )
                sys.exit(1)
            _report_bug(exc)
        except Exception as exc:  # a bug: every user error is a ForecastError
            _report_bug(exc)


def _is_stdout_failure(exc: OSError) -> bool:
    """Whether writing the command's own output failed (not a file the command wrote)."""
    import errno

    if exc.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EFBIG):
        return False
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return isinstance(exc, BrokenPipeError) or exc.filename is None


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush stays silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        return


def _report_bug(exc: BaseException) -> None:
    """Say that the tool failed (not the user), keep the details in a file, exit 70."""
    import datetime as dt
    import os
    import tempfile
    import traceback
    from importlib.metadata import version

    details = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    where = Path(tempfile.gettempdir()) / f"forecast-crash-{stamp}-{os.getpid()}.txt"
    try:
        where.write_text(f"forecast {version('forecast')}\n{' '.join(sys.argv)}\n\n{details}")
        kept = f"the details are in {where}"
    except OSError:
        kept = "the details could not be saved"
    say(
        f"internal error: {type(exc).__name__}: {exc}. This is a bug in forecast, not a "
        f"problem in your files: please report it to the tool's maintainers with the command "
        f"you ran; {kept}"
    )
    sys.exit(70)


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=True,
        help="Workspace folder holding model/, evidence/ and scenarios/.",
    )(func)


def _not_after_today(
    ctx: click.Context, param: click.Parameter, value: dt.datetime | None
) -> dt.datetime | None:
    """Refuse an --as-of date after today: no source can have been published by then."""
    today = dt.date.today()
    if value is not None and value.date() > today:
        raise click.BadParameter(
            f"{value.date()} is after today ({today}): a forecast as of a date knows only what "
            "was published by then; give today or an earlier date"
        )
    return value


def as_of_option(func: F) -> F:
    func = click.option(
        "--readings-then",
        "readings_then",
        is_flag=True,
        help="With --as-of: count only the readings made by that date (each reader's "
        "read_on in the model file), not the sources as read today.",
    )(func)
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        callback=_not_after_today,
        help="Forecast as of this date (YYYY-MM-DD): what the sources published by then "
        "say, as read today, with the observations seen by then and each claim weighed "
        "at that date, refitted (the question `forecast history` answers at each date); "
        "what no claim covered yet falls back to its assumption.",
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


def load_study(
    root: Path, as_of: dt.datetime | None = None, *, readings_then: bool = False
) -> Study:
    """The checked study: kept from an earlier command when no input file has changed; or,
    with `as_of`, the study that date knew (`asof.known_on`; with `readings_then`, only
    the readings made by then)."""
    if readings_then and as_of is None:
        raise click.UsageError("--readings-then needs --as-of: give the date to read as of")
    if as_of is not None:
        from forecast.inputs.asof import known_on

        today = load_study(root)
        then = known_on(today, as_of.date(), readings_then=readings_then)
        for warning in then.warnings[len(today.warnings) :]:
            say(f"warning: {warning}")
        horizon = then.model.horizon.date
        if as_of.date() > horizon:
            say(
                f"warning: --as-of {as_of.date()} is after the question's horizon ({horizon}): "
                "by then the question has resolved, so this is what the sources said, not a "
                "forecast (record the outcome in ledger/resolutions.yaml)"
            )
        return then

    from forecast.fitting import fitcache

    kept = fitcache.load_study(root)
    if kept is not None:
        for warning in kept.warnings:
            say(f"warning: {warning}")
        return kept
    study = read_inputs(root)[1]
    fitcache.save_study(root, study)
    return study


def run_study_cached(
    root: Path,
    study: Study,
    draws: int,
    seed: int,
    as_files: bool = True,
    what: str = "",
    on_point: PointAnswers | None = None,
) -> Run:
    """Every scenario of `study`; refuses (exit 2) draws that would not fit in memory. The
    fitted draws are kept in the workspace for the next command (`fitcache`), and found
    again by the files' fingerprint when `as_files` (the study is what the files give).
    `what` names the work in the progress line (by default: the scenarios); `on_point`
    gets the point network's answers first; the draws fitted so far go to standard error."""
    from forecast.fitting.fitcache import files_key
    from forecast.fitting.parallel import reporting_draws
    from forecast.fitting.run import FitCache, run_study
    from forecast.inputs.sizes import check_draws

    plan = check_draws(study, draws)
    chunks = f" in {plan.chunks} chunks" if plan.chunks > 1 else ""
    what = what or (f"{len(study.scenarios)} scenarios" if study.scenarios else "the fit")
    say(f"computing {what} with {draws} draws{chunks} (seed {seed})...")
    if as_files:
        cache = FitCache(root, files_key(study.files, draws, seed), study.files)
    else:
        cache = FitCache(root)
    with reporting_draws(draws_fitted):
        return run_study(study, draws, seed, plan, cache, on_point)


def draws_fitted(done: int, total: int) -> None:
    """A progress line: how many of a fit's draws are fitted."""
    say(f"  draws fitted: {done} of {total}")


def ledger_entries(root: Path) -> list[dict[str, Any]]:
    """The workspace's published entries, the chain checked and every line git's HEAD
    holds still there (`ledger.read_ledger`)."""
    from forecast.analysis.ledger import MAX_LEDGER_BYTES, read_ledger
    from forecast.base.errors import display_path
    from forecast.base.paths import Workspace
    from forecast.cli.vcs import committed

    ledger = Workspace(root).ledger_file
    held = committed(root, ledger, MAX_LEDGER_BYTES)
    return read_ledger(ledger, display_path(ledger, root), root, held)


def workspace_scores(root: Path, entries: list[dict[str, Any]] | None = None) -> ScoreDocument:
    """The scores of the workspace's published forecasts (`scoring.score_document`) against
    its checked resolutions. The ledger's chain is checked (`ledger_entries`, unless the
    caller read them already: `entries`), and a resolution must agree with the observations."""
    from forecast.analysis.scoring import score_document
    from forecast.base.paths import Workspace
    from forecast.inputs.checks import build_study
    from forecast.inputs.loading import load_inputs, load_resolutions
    from forecast.inputs.resolutioncheck import check_resolutions

    ws = Workspace(root)
    entries = ledger_entries(root) if entries is None else entries
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

    return fitcache.load_for_files(root, fitcache.disk_files_key(root, draws, seed))


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


@click.group(
    cls=ForecastGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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
    from forecast.base.memory import keep_freed_memory

    keep_freed_memory()
