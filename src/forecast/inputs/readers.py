"""Checks on the readers: the analysts who map a source's text to claims. Once the model
file declares them, every claim names one of them."""

from __future__ import annotations

from forecast.base.errors import Problem
from forecast.base.suggest import did_you_mean
from forecast.inputs.loading import RawInputs


def reader_problems(raw: RawInputs) -> list[Problem]:
    """Every problem with the declared readers and the readers the claims name."""
    doc, model = raw.model.doc, raw.model.value
    problems: list[Problem] = []
    declared: set[str] = set()
    for i, reader in enumerate(model.readers):
        if reader.id in declared:
            problems.append(
                doc.problem(
                    ("readers", i, "id"),
                    f"reader '{reader.id}' is declared twice",
                    "declare each reader once",
                )
            )
        declared.add(reader.id)
    for loaded in raw.evidence:
        for j, claim in enumerate(loaded.value.claims):
            if claim.reader is None and declared:
                problems.append(
                    loaded.doc.problem(
                        ("claims", j, "id"),
                        f"claim '{claim.id}' names no reader",
                        f"add 'reader:' with one of {', '.join(sorted(declared))}",
                    )
                )
            elif claim.reader is not None and claim.reader not in declared:
                fix = (
                    did_you_mean(claim.reader, declared, "readers")
                    if declared
                    else "declare it under 'readers:' in the model file"
                )
                problems.append(
                    loaded.doc.problem(
                        ("claims", j, "reader"), f"unknown reader '{claim.reader}'", fix
                    )
                )
    return problems
