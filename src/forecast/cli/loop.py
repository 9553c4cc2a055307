"""The forecaster's loop: what to watch next, how sensitive the answer is, how it moved
over time, and the published record."""

from __future__ import annotations

from pathlib import Path

import click

from forecast.cli.common import (
    draws_options,
    load_study,
    main,
    reports_input_errors,
    root_option,
    run_study_cached,
)


@main.command()
@root_option
@draws_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON: 'given' and 'indicators'.")
@reports_input_errors
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
