"""The forecaster's loop: what to watch next, how sensitive the answer is, how it moved
over time, and the published record."""

from __future__ import annotations

from pathlib import Path

import click

from forecast.cli.common import (
    draws_options,
    load_study,
    main,
    root_option,
    run_study_cached,
    say,
    workspace_scores,
)


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

    run = run_study_cached(root, load_study(root), draws, seed)
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
    Every number is given the observations.
    """
    from forecast.analysis.sensitivity import all_swings, pooled_baselines, sensitivity_document
    from forecast.base.stablejson import dumps
    from forecast.fitting.run import FitCache
    from forecast.reporting.sensitivitytext import sensitivity_lines

    study = load_study(root)
    run = run_study_cached(root, study, draws, seed)
    say("refitting the baseline under each pool...")
    pools = pooled_baselines(study, draws, seed, FitCache(root))
    document = sensitivity_document(run, all_swings(run), pools)
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
    default=200,
    show_default=True,
    help="Draws per date for the intervals (the report's over-time figure uses 200).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one snapshot per date.")
def history(root: Path, draws: int, as_json: bool) -> None:
    """The baseline at every date on which a source was published or something was seen.

    Each date counts the sources published and the observations seen by then (the
    sources as read today), refitted; what arrived that day is named beside it. The
    report's over-time figure is drawn from the same snapshots.
    """
    from forecast.analysis.history import history as snapshots_of
    from forecast.analysis.history import history_document
    from forecast.base.stablejson import dumps
    from forecast.fitting.run import FitCache
    from forecast.reporting.historytext import history_lines

    study = load_study(root)
    say(f"refitting the baseline at each arrival date ({draws} draws each)...")
    document = history_document(study, snapshots_of(study, draws, cache=FitCache(root)), draws)
    if as_json:
        click.echo(dumps(document), nl=False)
        return
    for line in history_lines(document):
        click.echo(line)


def _git(root: Path, *args: str) -> str | None:
    """A git command's output in the workspace, or None outside a repository."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


@main.command()
@root_option
@draws_options
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Publish even though model/, evidence/ or scenarios/ have uncommitted changes (the "
    "entry says so).",
)
def publish(root: Path, draws: int, seed: int, allow_dirty: bool) -> None:
    """Append today's forecast to ledger/forecasts.jsonl (append-only, one line per entry).

    The entry holds the date, the commit, the baseline and every scenario with their
    intervals, the watchlist's top five, and the forecast of every question that can
    resolve. Refused on an invalid workspace, and when the inputs have uncommitted changes
    unless --allow-dirty. A crash while writing leaves the ledger as it was.
    """
    import datetime as dt

    from forecast.analysis.ledger import entry_line, ledger_entry, read_ledger
    from forecast.analysis.watchlist import watchlist as signposts_of
    from forecast.base import atomic
    from forecast.base.errors import display_path
    from forecast.base.paths import Workspace

    ws = Workspace(root)
    study = load_study(root)
    head = _git(root, "rev-parse", "HEAD")
    status = _git(root, "status", "--porcelain", "--", "model", "evidence", "scenarios")
    dirty = head is None or bool(status)
    if dirty and not allow_dirty:
        why = "is not in a git repository" if head is None else "has uncommitted changes"
        raise click.UsageError(
            f"the workspace {why}: commit model/, evidence/ and scenarios/ first, so the "
            "entry names the inputs it came from, or pass --allow-dirty"
        )
    shown = display_path(ws.ledger_file, root)
    entries = read_ledger(ws.ledger_file, shown)
    run = run_study_cached(root, study, draws, seed)
    entry = ledger_entry(
        run, signposts_of(run), head.strip() if head else None, dirty, dt.date.today()
    )
    with atomic.exclusive(ws.ledger_file):
        atomic.append_line(ws.ledger_file, entry_line(entry))
    click.echo(
        f"published the forecast of {entry['published']} as entry {len(entries) + 1} of {shown}"
    )


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
