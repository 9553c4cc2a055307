"""Evidence and assumption files: texts, quotes, claims and their values, made statements."""

from __future__ import annotations

import datetime as dt
import hashlib

from forecast.base import reading
from forecast.base.errors import InputError, Problem
from forecast.base.yamlio import Document, Loc
from forecast.inputs import grading, quotes
from forecast.inputs.conditioncheck import resolve_about
from forecast.inputs.domain import (
    ColumnKey,
    Network,
    Source,
    Statement,
)
from forecast.inputs.facts import source_facts
from forecast.inputs.filemodels import TextRef
from forecast.inputs.loading import RawInputs
from forecast.inputs.valuecheck import check_range, claim_value
from forecast.inputs.yardstick import Yardstick


def check_text(
    doc: Document, at: Loc, ref: TextRef, quoting: str, raw: RawInputs, problems: list[Problem]
) -> str | None:
    """The text `ref` names (at `at` in `doc`), after checking its path and hash; None when
    unusable. `quoting` names what quotes it, for the message when its hash has changed."""
    path = raw.workspace.inside(ref.path)
    if path is None:
        problems.append(
            doc.problem(
                (*at, "path"),
                f"path '{ref.path}' leaves the workspace",
                "keep source texts under evidence/sources/",
            )
        )
        return None
    if not path.exists():
        problems.append(
            doc.problem(
                (*at, "path"),
                f"source text '{ref.path}' not found",
                "copy the text there or correct the path",
            )
        )
        return None
    try:
        data = reading.read_bytes(
            path, ref.path, reading.MAX_TEXT_BYTES, raw.workspace.root, raw.files
        )
    except InputError as exc:
        for refused in exc.problems:
            problems.append(
                doc.problem(
                    (*at, "path"),
                    f"source text '{ref.path}': {refused.message}",
                    refused.fix,
                )
            )
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest != ref.sha256:
        problems.append(
            doc.problem(
                (*at, "sha256"),
                f"{ref.path} has changed: its SHA-256 is now {digest}, "
                f"claims quoting it: {quoting}",
                "restore the original text, or re-check every quote and record the new hash",
            )
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(
            doc.problem(
                (*at, "path"),
                f"source text '{ref.path}' is not UTF-8",
                "convert it to UTF-8 and record the new hash",
            )
        )
        return None


def quote_mismatch(path: str, near: quotes.Passage) -> str:
    """Where a quote is closest in its source, with the words that differ spelled out."""
    differences = ", ".join(near.differences) or "only spacing differs"
    return (
        f"quote not found in {path}: closest passage (line {near.line}), differing words "
        f'in «»: "{near.marked}" (differences: {differences})'
    )


def quote_problems(
    doc: Document, at: Loc, quote: str, text: str | None, path: str
) -> list[Problem]:
    """A quote (at `at` in `doc`) that is too short to cite, or not in its text (`path`)."""
    words = len(quote.split())
    if words < quotes.MIN_QUOTE_WORDS:
        return [
            doc.problem(
                at,
                f"quote has {words} word{'s' if words != 1 else ''}, fewer than the "
                f"{quotes.MIN_QUOTE_WORDS} a citation needs",
                "quote the whole sentence that carries the claim",
            )
        ]
    if text is not None and not quotes.contains(text, quote):
        return [
            doc.problem(
                at,
                quote_mismatch(path, quotes.closest_passage(text, quote)),
                "copy the words exactly from the source text",
            )
        ]
    return []


def check_cited(
    doc: Document,
    at: Loc,
    ref: TextRef,
    quote: str,
    name: str,
    raw: RawInputs,
    texts: dict[str, str | None],
    problems: list[Problem],
) -> None:
    """A record's text (`ref`, read once into `texts`) and its quote from it, checked; the
    record, called `name`, is at `at` in `doc`, with `text` and `quote` keys."""
    if ref.path not in texts:
        texts[ref.path] = check_text(doc, (*at, "text"), ref, name, raw, problems)
    problems += quote_problems(doc, (*at, "quote"), quote, texts[ref.path], ref.path)


def check_evidence(
    raw: RawInputs,
    network: Network,
    stick: Yardstick,
    problems: list[Problem],
) -> tuple[list[Source], list[Statement]]:
    """Every source and its claims, checked; recency is judged at the model's as-of date
    (`asof.known_on` weighs them again for another date)."""
    model = raw.model.value
    sources: list[Source] = []
    statements: list[Statement] = []
    first_claim: dict[str, str] = {}
    first_source: dict[str, str] = {}
    today = dt.date.today()
    for loaded in raw.evidence:
        doc, ev = loaded.doc, loaded.value
        meta = ev.source
        if meta.id in first_source:
            problems.append(
                doc.problem(
                    ("source", "id"),
                    f"source id '{meta.id}' is also used in {first_source[meta.id]}",
                    "give each source its own id",
                )
            )
            continue
        first_source[meta.id] = doc.path
        facts = source_facts(meta)
        date = facts.date
        if date.first > today:
            problems.append(
                doc.problem(
                    ("source", "date", "value"),
                    f"date {date.text} is in the future",
                    "give the publication date (YYYY-MM-DD, or YYYY-MM or YYYY)",
                )
            )
        elif date.first > model.as_of:
            problems.append(
                doc.problem(
                    ("source", "date", "value"),
                    f"source dated {date.text}, after the model's as_of {model.as_of}",
                    "move as_of in model/network.yaml forward to include it",
                )
            )
        quoting = ", ".join(c.id for c in ev.claims) or "no claims"
        text = check_text(doc, ("source", "text"), meta.text, quoting, raw, problems)
        ages = grading.period_ages(
            date.first, date.last, model.as_of, model.settings.half_life_years
        )
        weight = grading.source_weight(meta.reliability.grade, ages)
        sources.append(Source(meta.id, facts, doc.path, weight, date.midpoint))
        for i, claim in enumerate(ev.claims):
            loc: Loc = ("claims", i)
            if claim.id in first_claim:
                problems.append(
                    doc.problem(
                        (*loc, "id"),
                        f"claim id '{claim.id}' is also used in {first_claim[claim.id]}",
                        "give each claim its own id",
                    )
                )
            first_claim.setdefault(claim.id, doc.path)
            about = resolve_about(network, claim.about, doc, (*loc, "about"), problems)
            value = (
                None
                if about is None
                else claim_value(claim, network, stick, about[0], doc, loc, problems)
            )
            if claim.kind == "forecast" and claim.about.node != network.outcome:
                problems.append(
                    doc.problem(
                        (*loc, "about", "node"),
                        "a forecast claim must be about the outcome node",
                        f"use node '{network.outcome}' or kind: parameter",
                    )
                )
            problems += quote_problems(doc, (*loc, "quote"), claim.quote, text, meta.text.path)
            if about is None or value is None:
                continue
            withdrawn = claim.retracted or meta.retracted
            line, col = doc.where(loc)
            statements.append(
                Statement(
                    claim.id,
                    "forecast" if claim.kind == "forecast" else "claim",
                    meta.id,
                    claim.about.node,
                    claim.about.state,
                    about[0],
                    None if value.direction is not None else about[1],
                    value.low,
                    value.high,
                    value.stated,
                    weight * grading.credibility_weight(claim.credibility),
                    claim.credibility,
                    " ".join(claim.quote.split()),
                    " ".join(claim.note.split()),
                    f"{withdrawn.date}: {withdrawn.reason}" if withdrawn else None,
                    value.direction,
                    value.reference,
                    claim.reader,
                    f"{doc.path}:{line}:{col}",
                    quotes.surrounding(text, claim.quote) if text is not None else ("", ""),
                    ages,
                )
            )
    return sources, statements


def check_assumptions(
    raw: RawInputs,
    network: Network,
    stick: Yardstick,
    covered: set[ColumnKey],
    problems: list[Problem],
    warnings: list[str],
) -> tuple[list[Statement], list[Statement]]:
    """The model file's assumptions, one column each: those in use, and those held back.
    With settings.assumptions: give_way, one on a column that claims cover is held back
    with a warning (a study of an earlier date, when no claim covered it, uses it again)."""
    doc, model = raw.model.doc, raw.model.value
    give_way = model.settings.assumptions == "give_way"
    out: list[Statement] = []
    held: list[Statement] = []
    for i, assumption in enumerate(model.assumptions):
        loc: Loc = ("assumptions", i)
        about = resolve_about(network, assumption.about, doc, (*loc, "about"), problems)
        span = check_range(assumption.probability, stick, doc, (*loc, "probability"), problems)
        if about is None or span is None:
            continue
        conditions, column = about
        if column is None:
            parents = ", ".join(network.node(assumption.about.node).parents)
            problems.append(
                doc.problem(
                    (*loc, "about"),
                    "an assumption is about one column of its node's table",
                    f"name every parent in 'given' ({parents})",
                )
            )
            continue
        line, col = doc.where(loc)
        if give_way and column in covered:
            warnings.append(
                f"{doc.path}:{line}: assumption '{assumption.id}' is not used: claims "
                f"now speak to {column.label()}; remove it"
            )
        (held if give_way and column in covered else out).append(
            Statement(
                assumption.id,
                "assumption",
                None,
                assumption.about.node,
                assumption.about.state,
                conditions,
                column,
                span[0],
                span[1],
                span[2],
                grading.assumption_weight(),
                None,
                "",
                " ".join(assumption.rationale.split()),
                location=f"{doc.path}:{line}:{col}",
            )
        )
    return out, held
