"""The key judgements for the terminal and for report.md: each judgement, its confidence,
what it rests on and what would change it, from the assessment alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from forecast.analysis.assessment import Alternative, Assessment, Judgement


def _alternatives(j: Judgement) -> Iterator[tuple[Alternative, str]]:
    for alt, verb in ((j.raises_most, "raises it most"), (j.lowers_most, "lowers it most")):
        if alt is not None:
            yield alt, verb


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def assessment_lines(assessment: Assessment) -> Iterator[str]:
    """The assessment as lines of text."""
    yield assessment.question
    yield f"As of {assessment.as_of}, horizon {assessment.horizon}. {assessment.newest_evidence}."
    for number, j in enumerate(assessment.judgements, start=1):
        yield ""
        yield f"{number}. {j.sentence}"
        yield f"   {j.confidence_sentence}"
        if j.rests_on:
            yield "   Rests on:"
        for s in j.rests_on:
            grade = f"{s.grade or '-'}{s.credibility or ''}"
            yield (
                f"   - {s.claim} ({s.source}, {grade}, without it {100 * s.shift:+.1f} "
                f"points): «{s.quote}»"
            )
        for alt, verb in _alternatives(j):
            yield f"   “{alt.title}” {verb}: {_pct(alt.mean)}."
        for sign in j.signposts:
            yield f"   Watch {sign.node} ({sign.bits:.3f} bits): if seen, {_pct(sign.if_seen)}."
        for line in j.disagreement:
            yield f"   Disagreement: {line}."
        if j.changed:
            yield f"   Changed {j.changed}."


def assessment_markdown(assessment: Assessment, cell: Callable[[str], str]) -> list[str]:
    """The key judgements as a Markdown section; `cell` escapes text for Markdown."""
    lines = ["## Key judgements", ""]
    for number, j in enumerate(assessment.judgements, start=1):
        lines += [f"{number}. **{cell(j.sentence)}**", f"   {cell(j.confidence_sentence)}"]
        for s in j.rests_on:
            grade = f"{s.grade or '-'}{s.credibility or ''}"
            lines.append(
                f"   - `{s.claim}` ({cell(s.source or '')}, grade {grade}; without it "
                f"{100 * s.shift:+.1f} points): “{cell(s.quote)}”"
            )
        lines += [
            f"   - “{cell(alt.title)}” {verb}: {_pct(alt.mean)}." for alt, verb in _alternatives(j)
        ]
        lines += [
            f"   - Watch `{s.node}` ({s.bits:.3f} bits): if seen, {_pct(s.if_seen)}."
            for s in j.signposts
        ]
        lines += [f"   - Disagreement: {cell(line)}." for line in j.disagreement]
        if j.changed:
            lines.append(f"   - Changed {cell(j.changed)}.")
    lines += [
        "",
        "Likelihood and confidence are judged apart (ICD 203). Confidence starts high; each "
        "rule that holds lowers or caps it:",
        "",
        *[f"- {cell(rule)}" for rule in assessment.rules],
    ]
    return lines
