"""The what-if table: the outcome under every combination of driver observations, given
what was seen (an observed driver's own control overrides its observation).

Each driver is either unknown or observed in one of its states, so k drivers with s_i
states give prod(s_i + 1) rows. Computed once in Python and embedded in the page.
"""

from __future__ import annotations

import itertools
from typing import TypedDict

from forecast.base.cores import usable_cores
from forecast.base.forked import forked_map
from forecast.fitting.run import Query, Run
from forecast.inference.summary import OutcomeSummary


class ExplorerRow(TypedDict):
    """One setting of the controls (node to state; an unset node is absent) and the
    outcome under it."""

    given: dict[str, str]
    outcome: OutcomeSummary


def driver_ids(run: Run) -> list[str]:
    """The nodes the explorer offers a control for."""
    return [n.id for n in run.study.network.nodes if n.kind == "driver"]


def _driver_givens(run: Run) -> list[dict[str, str]]:
    network = run.study.network
    drivers = [network.node(d) for d in driver_ids(run)]
    choices = [(None, *d.states) for d in drivers]
    return [
        {d.id: s for d, s in zip(drivers, combo, strict=True) if s is not None}
        for combo in itertools.product(*choices)
    ]


def signpost_settings(run: Run) -> list[tuple[str, str]]:
    """Each signpost set to a state it is not already seen in, one at a time."""
    seen = run.study.observed()
    return [
        (n.id, s)
        for n in run.study.network.nodes
        if n.kind == "indicator"
        for s in n.states
        if seen.get(n.id) != s
    ]


def signpost_rows(run: Run) -> list[ExplorerRow]:
    """The what-if table with one signpost set as well: every driver combination for each
    signpost in each state it is not seen in (the other signposts as seen or unknown)."""
    drivers = _driver_givens(run)
    givens = [{**given, node: state} for node, state in signpost_settings(run) for given in drivers]
    return _rows(run, givens)


def explorer_rows(run: Run) -> list[ExplorerRow]:
    """[{given: {driver: state}, outcome: {state: {point, mean, p05, p95}}}] for every combination."""
    return _rows(run, _driver_givens(run))


def _rows(run: Run, givens: list[dict[str, str]]) -> list[ExplorerRow]:
    network = run.study.network
    outcome = network.node(network.outcome)
    study = run.study
    queries = [Query(outcome.id, study.given_for(given, {})) for given in givens]
    summaries = [row for part in forked_map(run.summaries, _parts(queries)) for row in part]
    return [
        ExplorerRow(given=given, outcome=summary)
        for given, summary in zip(givens, summaries, strict=True)
    ]


SHARED_FROM = 200  # queries from which the summaries are shared out over the cores


def _parts(queries: list[Query]) -> list[list[Query]]:
    """The queries in one consecutive part per core, or in one part when they are few."""
    if not queries:
        return [[]]
    count = usable_cores() if len(queries) >= SHARED_FROM else 1
    size = -(-len(queries) // count)
    return [queries[i : i + size] for i in range(0, len(queries), size)]
