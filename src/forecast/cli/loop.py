"""The forecaster's loop: what to watch next, how sensitive the answer is, how it moved
over time, and the published record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from forecast.base.defaults import DEFAULT_DRAWS
from forecast.cli.common import (
    MAX_SEED,
    draws_options,
    load_study,
    main,
    root_option,
    run_study_cached,
    say,
    workspace_scores,
)

if TYPE_CHECKING:
    from forecast.inputs.domain import Study


@main.command()
@root_option
@draws_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON: 'given' and 'indicators'.")
def watchlist(root: Path, draws: int, seed: int, as_json: bool) -> None:
    """Signposts not yet seen, ranked by what seeing one would tell about the outcome.

    Each indicator node nothing has been observed of gets its mutual information with the
    outcome, in bits, given every observation: exact on the point network, with its 90 %
    interval over the draws; and what the outcome becomes if it is seen, and if not.
    """
    from forecast.analysis.watchlist import watchlist_document
    from forecast.base.stablejson import dumps
    from forecast.reporting.watchtext import watch_lines

    run = run_study_cached(root, load_study(root), draws, seed, what="the fit")
    document = watchlist_document(run)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in watch_lines(document, draws):
        click.echo(line)


@main.command()
@root_option
@draws_options
@click.option("--top", default=12, show_default=True, help="Swings listed per outcome state.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: every swing and the pools.")
def sensitivity(root: Path, draws: int, seed: int, top: int, as_json: bool) -> None:
    """What moves the baseline: drivers, table columns, and the choice of pool.

    \b
    A driver swings across its states (point network). A column of a table swings between
    the 5th and 95th percentile of the baseline it gives over the draws, every other
    column at its point value. The baseline is then refitted under the linear, the
    logarithmic and the extremized log-odds pool (settings.extremizing), side by side.
    Every number so far is given the observations. Last, what decides the baseline (point
    network, no observations): the fit without the sources' whole-question statements,
    and each driver prior held at the ends of its range, refitted, with those statements
    and without them; the priors resting on analyst assumptions are named.
    """
    from forecast.analysis.decides import what_decides
    from forecast.analysis.sensitivity import all_swings, pooled_baselines, sensitivity_document
    from forecast.base.stablejson import dumps
    from forecast.fitting.run import FitCache
    from forecast.reporting.sensitivitytext import sensitivity_lines

    study = load_study(root)
    run = run_study_cached(root, study, draws, seed, what="the fit")
    say("refitting the baseline under each pool...")
    pools = pooled_baselines(study, draws, seed, FitCache(root))
    say("refitting without the whole-question statements and at each driver prior's ends...")
    decides = what_decides(study, run.point_tables)
    document = sensitivity_document(run, all_swings(run), pools, decides)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in sensitivity_lines(document, top):
        click.echo(line)


@main.command()
@root_option
@click.option(
    "--draws",
    type=click.IntRange(min=100, max=100_000),
    default=None,
    help="Draws per date for the intervals [default: at each date the fewest, up to "
    f"{DEFAULT_DRAWS}, that hold every interval end within a point, as the report does].",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=MAX_SEED),
    default=0,
    show_default=True,
    help="Random seed; give run's seed and draws to compare a date with `run --as-of`.",
)
@click.option(
    "--at",
    "also",
    multiple=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Also show the baseline at this date (YYYY-MM-DD); may be repeated.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one snapshot per date.")
def history(
    root: Path, draws: int | None, seed: int, also: tuple[dt.datetime, ...], as_json: bool
) -> None:
    """The baseline at every date on which a source was published or something was seen.

    Each date asks the question `run --as-of DATE` asks: the sources published and the
    observations seen by then (the sources as read today), each claim weighed at that
    date, refitted; what arrived that day is named beside it. The last date is the model's
    own as-of date, the study `run` answers. The report's over-time figure is drawn from
    the same snapshots.
    """
    from forecast.analysis.history import history as snapshots_of
    from forecast.analysis.history import history_document
    from forecast.base.stablejson import dumps
    from forecast.fitting.run import FitCache
    from forecast.reporting.historytext import history_lines

    study = load_study(root)
    dates = tuple(d.date() for d in also)
    late = [d for d in dates if d > study.model.as_of]
    if late:
        raise click.BadParameter(
            f"{late[0]} is after the model's as_of ({study.model.as_of}); give an earlier date",
            param_hint="--at",
        )
    each = f"{draws} draws each" if draws else "each at the draws it needs"
    say(f"refitting the baseline at each arrival date ({each})...")
    snapshots = snapshots_of(study, draws, seed, cache=FitCache(root), also=dates)
    document = history_document(study, snapshots)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in history_lines(document):
        click.echo(line)


def _inputs_git_cannot_vouch_for(root: Path, study: Study) -> tuple[str | None, list[str] | None]:
    """The commit checked out, and every file the study was read from (and the
    resolutions) that it does not hold as it is (`vcs.uncommitted`), or that no longer
    holds the bytes the study was read from; None for both outside a repository."""
    from forecast.base.fingerprint import changed_since
    from forecast.base.paths import Workspace, present
    from forecast.cli import vcs

    ws = Workspace(root)
    files = [root / relative for relative, _ in study.files]
    if present(ws.resolutions_file):
        files.append(ws.resolutions_file)
    unvouched = vcs.uncommitted(root, files)
    moved = [f"{r} (changed since it was read)" for r in changed_since(ws, study.files)]
    return vcs.head(root), None if unvouched is None else sorted({*unvouched, *moved})


@main.command()
@root_option
@draws_options
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Publish even though some input (model/, evidence/, scenarios/, the resolutions) is "
    "not committed as it is (the entry says so).",
)
def publish(root: Path, draws: int, seed: int, allow_dirty: bool) -> None:
    """Append today's forecast to ledger/forecasts.jsonl (append-only, one line per entry).

    The entry holds the hash of the line before it, the date, the commit, the baseline and
    every scenario with their intervals, the watchlist's top five, and the forecast of
    every question that can resolve. Refused on an invalid workspace or ledger, and when
    git cannot vouch for every input (a file not tracked, ignored, marked skip-worktree or
    assume-unchanged, or changed since the commit) unless --allow-dirty. Concurrent
    publishers take turns; a crash while writing leaves the ledger as it was.
    """
    import datetime as dt

    from forecast.analysis.ledger import (
        MAX_LEDGER_BYTES,
        append_entry,
        ledger_entry,
        read_ledger,
    )
    from forecast.analysis.watchlist import watchlist as signposts_of
    from forecast.base.errors import display_path
    from forecast.base.paths import Workspace
    from forecast.cli.vcs import committed, listed

    ws = Workspace(root)
    shown = display_path(ws.ledger_file, root)
    held = committed(root, ws.ledger_file, MAX_LEDGER_BYTES)
    read_ledger(ws.ledger_file, shown, root, held)  # refuse a broken ledger before computing
    study = load_study(root)
    head, unvouched = _inputs_git_cannot_vouch_for(root, study)
    dirty = head is None or unvouched is None or bool(unvouched)
    if dirty and not allow_dirty:
        why = (
            "is not in a git repository (or the repository has no commit yet)"
            if head is None or unvouched is None
            else f"has inputs git cannot vouch for: {listed(unvouched)}"
        )
        raise click.UsageError(
            f"the workspace {why}; commit model/, evidence/, scenarios/ and "
            "ledger/resolutions.yaml first, so the entry names the inputs it came from, or "
            "pass --allow-dirty (the entry then says uncommitted_inputs: true)"
        )
    run = run_study_cached(root, study, draws, seed)
    entry = ledger_entry(run, signposts_of(run), head, dirty, dt.date.today())
    number = append_entry(ws.ledger_file, shown, root, entry, held)
    click.echo(f"published the forecast of {entry['published']} as entry {number} of {shown}")


@main.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: scores, rows, calibration.")
def score(root: Path, as_json: bool) -> None:
    """Score the published forecasts against how their questions resolved.

    \b
    Reads ledger/forecasts.jsonl and ledger/resolutions.yaml. Every question (the outcome,
    a driver, an intermediate node or a signpost) is scored as it resolves, for every entry
    published on or before that date: Brier (summed over states, 0 best) and logarithmic
    (natural log of the probability given to what happened, 0 best), and a calibration
    table.
    """
    from forecast.base.stablejson import dumps
    from forecast.reporting.scoretext import score_lines

    document = workspace_scores(root)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in score_lines(document):
        click.echo(line)
