"""The what-if table: the outcome under every combination of driver observations, given
what was seen (an observed driver's own control overrides its observation).

Each driver is either unknown or observed in one of its states, so k drivers with s_i
states give prod(s_i + 1) rows. Computed once in Python and embedded in the page.
"""

from __future__ import annotations

import itertools
from typing import Any

from forecast.fitting.run import Query, Run


def driver_ids(run: Run) -> list[str]:
    """The nodes the explorer offers a control for."""
    return [n.id for n in run.study.network.nodes if n.kind == "driver"]


def explorer_rows(run: Run) -> list[dict[str, Any]]:
    """[{given: {driver: state}, outcome: {state: {point, mean, p05, p95}}}] for every combination."""
    network = run.study.network
    outcome = network.node(network.outcome)
    drivers = [network.node(d) for d in driver_ids(run)]
    choices = [(None, *d.states) for d in drivers]
    givens = [
        {d.id: s for d, s in zip(drivers, combo, strict=True) if s is not None}
        for combo in itertools.product(*choices)
    ]
    study = run.study
    summaries = run.summaries([Query(outcome.id, study.given_for(given, {})) for given in givens])
    return [
        {"given": given, "outcome": summary}
        for given, summary in zip(givens, summaries, strict=True)
    ]
