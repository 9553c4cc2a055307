"""The key judgements for the terminal: each judgement, its confidence, what it rests on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def assessment_lines(document: dict[str, Any]) -> Iterator[str]:
    """The assessment document (`assessment.assessment_document`) as lines of text."""
    yield document["question"]
    yield f"as of {document['as_of']}, horizon {document['horizon']}; {document['newest_evidence']}"
    for number, j in enumerate(document["judgements"], start=1):
        yield ""
        yield f"{number}. {j['sentence']}"
        yield f"   {j['confidence_sentence']}"
        if j["rests_on"]:
            yield "   Rests on:"
        for s in j["rests_on"]:
            grade = f"{s['grade'] or '-'}{s['credibility'] or ''}"
            yield (
                f"   - {s['claim']} ({s['source']}, {grade}, without it {100 * s['shift']:+.1f} "
                f"points): «{s['quote']}»"
            )
        for key, verb in (("raises_most", "raises it most"), ("lowers_most", "lowers it most")):
            alt = j[key]
            if alt is not None:
                yield f"   “{alt['title']}” {verb}: {_pct(alt['mean'])}."
        for sign in j["signposts"]:
            yield (
                f"   Watch {sign['node']} ({sign['bits']:.3f} bits): if seen, "
                f"{_pct(sign['if_seen'])}."
            )
        for line in j["disagreement"]:
            yield f"   Disagreement: {line}."
        if j["changed"]:
            yield f"   Changed {j['changed']}."
