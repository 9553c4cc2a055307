"""A claim's value: a level (number, range or yardstick phrase) or a push (direction, size)."""

from __future__ import annotations

from dataclasses import dataclass

from forecast.base.errors import Problem
from forecast.base.yamlio import Document, Loc
from forecast.inputs import pushes
from forecast.inputs.conditioncheck import check_conditions
from forecast.inputs.domain import (
    Conditions,
    Direction,
    Network,
)
from forecast.inputs.filemodels import Claim
from forecast.inputs.yardstick import Yardstick


def phrase_fix(spec: str, stick: Yardstick) -> str:
    """Help for an unknown phrase: numbers written as text, or the closest phrase."""
    bare = spec.strip().rstrip("%").strip()
    try:
        value = float(bare)
    except ValueError:
        guess = stick.suggest(spec)
        return f"{guess} (or give a number such as 0.7, or a range [0.6, 0.8])"
    number = value / 100 if spec.strip().endswith("%") or value > 1 else value
    return f"write the number itself, unquoted and between 0 and 1: probability: {number:g}"


def check_range(
    spec: str | float | tuple[float, float],
    stick: Yardstick,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> tuple[float, float, str] | None:
    if isinstance(spec, str):
        term = stick.lookup(spec)
        if term is None:
            article = "an" if stick.name[:1].upper() in "AEIO" else "a"
            problems.append(
                doc.problem(
                    loc, f"'{spec}' is not {article} {stick.name} phrase", phrase_fix(spec, stick)
                )
            )
            return None
        return term.low, term.high, spec
    if isinstance(spec, tuple):
        return spec[0], spec[1], f"{spec[0]:g}–{spec[1]:g}"
    return spec, spec, f"{spec:g}"


@dataclass(frozen=True)
class ClaimValue:
    """What a claim states: a level (probabilities) or a push (odds ratios, a direction)."""

    low: float
    high: float
    stated: str
    direction: Direction | None = None
    reference: Conditions | None = None


def check_push(
    claim: Claim,
    network: Network,
    conditions: Conditions,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> ClaimValue | None:
    """A relative claim's odds-ratio range and reference, or None after recording why not."""
    direction = claim.direction
    assert direction is not None
    if claim.size is None and direction != "no_change":
        problems.append(
            doc.problem(
                (*loc, "direction"),
                f"a claim that {direction} a state needs a size",
                f"add size: one of {', '.join(pushes.words())}, or an odds-ratio range "
                "such as [1.5, 3]",
            )
        )
        return None
    if claim.size is None:
        low, high = pushes.no_change_range()
        stated = "no change"
    elif isinstance(claim.size, str):
        span = None if direction == "no_change" else pushes.word_range(claim.size)
        if span is None:
            fix = (
                "leave out size (no_change means an odds ratio in "
                f"{list(pushes.no_change_range())}) or give a range that holds 1"
                if direction == "no_change"
                else pushes.suggest(claim.size)
            )
            problems.append(
                doc.problem((*loc, "size"), f"'{claim.size}' is not a relative-scale size", fix)
            )
            return None
        low, high = pushes.oriented(direction, *span)
        stated = f"{direction} {claim.size}"
    else:
        low, high = pushes.oriented(direction, *claim.size)
        stated = f"{direction} by an odds ratio {claim.size[0]:g}–{claim.size[1]:g}"
    if not pushes.fits_direction(direction, low, high):
        problems.append(
            doc.problem(
                (*loc, "size"),
                f"odds-ratio range [{low:g}, {high:g}] does not match '{direction}'",
                "raises needs odds ratios of 1 or more, lowers of 1 or less, no_change a "
                "range that holds 1",
            )
        )
        return None
    if claim.reference is None:
        reference = network.at_baseline(conditions)
    else:
        checked = check_conditions(
            network,
            claim.about.node,
            {"given": claim.reference.given, "do": claim.reference.do},
            doc,
            (*loc, "reference"),
            problems,
        )
        if checked is None:
            return None
        reference = checked
    if reference == conditions:
        problems.append(
            doc.problem(
                (*loc, "about"),
                "a push compares its conditions with a reference, but they are the same here",
                "condition on a non-baseline state, or give a different 'reference'",
            )
        )
        return None
    return ClaimValue(low, high, stated, direction, reference)


def claim_value(
    claim: Claim,
    network: Network,
    stick: Yardstick,
    conditions: Conditions,
    doc: Document,
    loc: Loc,
    problems: list[Problem],
) -> ClaimValue | None:
    """A claim's level or push, or None after recording what is wrong."""
    if claim.direction is not None and claim.probability is not None:
        problems.append(
            doc.problem(
                (*loc, "probability"),
                "a claim states a level (probability) or a push (direction), not both",
                "keep probability if the sentence says where it lands, direction and size "
                "if it says which way it moves",
            )
        )
        return None
    if claim.direction is not None:
        return check_push(claim, network, conditions, doc, loc, problems)
    if claim.size is not None or claim.reference is not None:
        problems.append(
            doc.problem(
                (*loc, "size" if claim.size is not None else "reference"),
                "a relative claim needs a direction",
                "add direction: raises, lowers or no_change",
            )
        )
        return None
    if claim.probability is None:
        problems.append(
            doc.problem(
                (*loc, "about"),
                "the claim states neither a level nor a push",
                "add probability (where it lands) or direction and size (which way it moves)",
                key=False,
            )
        )
        return None
    span = check_range(claim.probability, stick, doc, (*loc, "probability"), problems)
    return None if span is None else ClaimValue(*span)
