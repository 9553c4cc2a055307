"""Resolutions (ledger/resolutions.yaml): each names a real node and state, is quoted
verbatim from a text whose hash matches, resolved no later than today, agrees with what
was observed of its node, and each question resolves once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from forecast.base.errors import InputError, Problem
from forecast.base.yamlio import Loc
from forecast.inputs.domain import Network, Observation, Resolution
from forecast.inputs.evidencecheck import check_cited
from forecast.inputs.filemodels import ResolutionsFile
from forecast.inputs.loading import Loaded, RawInputs
from forecast.inputs.observationcheck import node_state_problems


def check_resolutions(
    loaded: Loaded[ResolutionsFile],
    raw: RawInputs,
    network: Network,
    observations: Iterable[Observation] = (),
) -> list[Resolution]:
    """Every resolution, checked against the network and the (unretracted) `observations`;
    InputError listing every problem."""
    doc = loaded.doc
    seen = {o.node: o for o in observations if not o.retracted}
    readers = {r.id for r in raw.model.value.readers}
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    first: dict[str, int] = {}
    out = []
    for i, spec in enumerate(loaded.value.resolutions):
        at: Loc = ("resolutions", i)
        found = len(problems)
        problems += node_state_problems(doc, at, spec.node, spec.state, network, True)
        if spec.node in first:
            problems.append(
                doc.problem(
                    (*at, "node"),
                    f"'{spec.node}' already resolved (resolution {first[spec.node] + 1})",
                    "keep one resolution per question",
                )
            )
        first.setdefault(spec.node, i)
        if spec.reader not in readers:
            problems.append(
                doc.problem(
                    (*at, "reader"),
                    f"unknown reader '{spec.reader}'",
                    "declare it under 'readers:' in the model file",
                )
            )
        if spec.resolved_on > dt.date.today():
            problems.append(
                doc.problem(
                    (*at, "resolved_on"),
                    f"resolved_on {spec.resolved_on} is in the future",
                    "record a resolution once it has happened",
                )
            )
        observed = seen.get(spec.node)
        if observed is not None and observed.state != spec.state:
            problems.append(
                doc.problem(
                    (*at, "state"),
                    f"'{spec.node}' resolves to '{spec.state}' here, but observation "
                    f"'{observed.id}' ({observed.location}) sees it as '{observed.state}'",
                    "correct the resolution, or retract the observation if it no longer holds "
                    "(retracted: {date, reason})",
                )
            )
        check_cited(doc, at, spec.text, spec.quote, spec.node, raw, texts, problems)
        if len(problems) == found:
            line, column = doc.where(at)
            out.append(
                Resolution(
                    spec.node,
                    spec.state,
                    spec.resolved_on,
                    " ".join(spec.quote.split()),
                    f"{doc.path}:{line}:{column}",
                )
            )
    if problems:
        raise InputError(problems)
    return out
