"""Observations (evidence/observations.yaml): each names a real node and state, is quoted
verbatim from a text whose hash matches, is dated no later than the model's as-of date,
and agrees with every other observation of its node."""

from __future__ import annotations

import datetime as dt

from forecast.base.errors import Problem
from forecast.base.suggest import did_you_mean
from forecast.base.yamlio import Document, Loc
from forecast.inputs.domain import Network, Observation, period_of
from forecast.inputs.evidencecheck import check_cited
from forecast.inputs.loading import RawInputs


def node_state_problems(
    doc: Document, at: Loc, node_id: str, state: str, network: Network, outcome_ok: bool
) -> list[Problem]:
    """A record's node (at `at` in `doc`) that does not exist, or is the outcome where that
    is not allowed, or a state the node does not have."""
    if node_id not in network.ids:
        return [
            doc.problem(
                (*at, "node"),
                f"unknown node '{node_id}'",
                did_you_mean(node_id, network.ids, "nodes"),
            )
        ]
    node = network.node(node_id)
    if node.kind == "outcome" and not outcome_ok:
        return [
            doc.problem(
                (*at, "node"),
                f"'{node_id}' is the outcome the model forecasts",
                "observe indicators or drivers; record how the outcome resolved in "
                "ledger/resolutions.yaml",
            )
        ]
    if state not in node.states:
        return [
            doc.problem(
                (*at, "state"),
                f"'{state}' is not a state of '{node_id}'",
                did_you_mean(state, node.states, "states"),
            )
        ]
    return []


def check_observations(
    raw: RawInputs, network: Network, taken: set[str], problems: list[Problem]
) -> list[Observation]:
    """Every observation, checked; `taken` holds the ids already used by claims."""
    if raw.observations is None:
        return []
    doc = raw.observations.doc
    model = raw.model.value
    readers = {r.id for r in model.readers}
    today = dt.date.today()
    texts: dict[str, str | None] = {}
    out: list[tuple[int, Observation]] = []
    for i, spec in enumerate(raw.observations.value.observations):
        at: Loc = ("observations", i)
        found = len(problems)
        if spec.id in taken:
            problems.append(
                doc.problem(
                    (*at, "id"),
                    f"id '{spec.id}' is already used",
                    "give each observation and claim its own id",
                )
            )
        taken.add(spec.id)
        problems += node_state_problems(doc, at, spec.node, spec.state, network, False)
        if spec.reader not in readers:
            problems.append(
                doc.problem(
                    (*at, "reader"),
                    f"unknown reader '{spec.reader}'",
                    did_you_mean(spec.reader, readers, "readers"),
                )
            )
        seen = period_of(spec.seen)
        if seen.first > today:
            problems.append(
                doc.problem(
                    (*at, "seen"), f"seen {seen.text} is in the future", "give the date it was seen"
                )
            )
        elif seen.first > model.as_of:
            problems.append(
                doc.problem(
                    (*at, "seen"),
                    f"seen {seen.text}, after the model's as_of {model.as_of}",
                    "move as_of in model/network.yaml forward to include it",
                )
            )
        check_cited(doc, at, spec.text, spec.quote, spec.id, raw, texts, problems)
        if len(problems) > found:
            continue
        line, column = doc.where(at)
        withdrawn = spec.retracted
        out.append(
            (
                i,
                Observation(
                    spec.id,
                    spec.node,
                    spec.state,
                    seen,
                    spec.reader,
                    " ".join(spec.quote.split()),
                    " ".join(spec.note.split()),
                    spec.text.path,
                    f"{doc.path}:{line}:{column}",
                    f"{withdrawn.date}: {withdrawn.reason}" if withdrawn else None,
                ),
            )
        )
    problems += _conflicts(doc, out)
    return [obs for _, obs in out]


def _conflicts(doc: Document, observations: list[tuple[int, Observation]]) -> list[Problem]:
    """A node seen in two different states: one of the records must be retracted."""
    first: dict[str, Observation] = {}
    problems = []
    for i, obs in observations:
        if obs.retracted:
            continue
        earlier = first.setdefault(obs.node, obs)
        if earlier.state != obs.state:
            problems.append(
                doc.problem(
                    ("observations", i, "state"),
                    f"'{obs.node}' is seen as '{obs.state}' here and as '{earlier.state}' in "
                    f"'{earlier.id}'",
                    "retract the record that no longer holds (retracted: {date, reason})",
                )
            )
    return problems
