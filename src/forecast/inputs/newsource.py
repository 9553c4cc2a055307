"""`forecast new-source`: copy a text into the workspace and start its evidence file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from forecast.base import atomic, reading
from forecast.base.errors import InputError, Problem
from forecast.base.paths import Workspace, present
from forecast.inputs.jsonschema import schema_line

SKELETON = """{schema}
# Evidence from one source. Fill in every TODO, then run `forecast validate`.
# Facts printed in the text are `basis: stated`; facts you infer are `basis: inferred`.
source:
  id: {id}
  title: {{value: {title}, basis: stated}}
  author: {{value: TODO, basis: stated}}
  publisher: {{value: TODO, basis: inferred}}
  date: {{value: TODO, basis: stated}}          # YYYY-MM-DD, or YYYY-MM or YYYY if that is all that is known
  kind: TODO                                    # e.g. think-tank analysis, opinion piece
  reliability:
    grade: TODO                                 # Admiralty A-F (F: cannot be judged)
    rationale: TODO                             # one line: why this grade
  text:
    path: {path}
    sha256: {sha256}
claims: []
# A claim, for reference (add it under `claims:` without the leading '# '):
# - id: {id}-short-name
#   kind: parameter                  # or forecast: the source's own forecast of the outcome
#   about: {{node: NODE, state: STATE, given: {{PARENT: STATE}}}}   # parents not named: baseline
#   probability: likely              # a yardstick phrase, a number, or [low, high]
#   credibility: 3                   # Admiralty 1-6
#   reader: READER                   # who made the claim: a reader declared in model/network.yaml
#   quote: >-
#     Words copied exactly from the text.
#   note: >-
#     Which form (a level or a push) and why; how the quote became this probability.
"""


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:120]
    return "TODO"


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_source(root: Path, text_path: Path, source_id: str) -> tuple[Path, Path]:
    """Copy `text_path` under evidence/sources/ and write evidence/<id>.yaml; never overwrite."""
    ws = Workspace(root)
    shown = str(text_path)
    if not present(text_path):
        raise InputError([Problem(shown, 1, 1, "no such file", "give the path of the source text")])
    data = reading.read_bytes(text_path, shown, reading.MAX_TEXT_BYTES, None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            [Problem(shown, 1, 1, "the text is not UTF-8", "convert it to UTF-8 first")]
        ) from None
    target_text = ws.evidence_dir / "sources" / text_path.name
    evidence_file = ws.evidence_dir / f"{source_id}.yaml"
    if present(evidence_file):
        raise InputError(
            [
                Problem(
                    str(evidence_file),
                    1,
                    1,
                    "evidence file already exists",
                    "choose another --id or edit the existing file",
                )
            ]
        )
    existing = present(target_text)
    if (
        existing
        and reading.read_bytes(target_text, str(target_text), reading.MAX_TEXT_BYTES, ws.root)
        != data
    ):
        raise InputError(
            [
                Problem(
                    str(target_text),
                    1,
                    1,
                    "a different text with this name is already there",
                    "rename the new text before adding it",
                )
            ]
        )
    if not existing:
        atomic.write_bytes(target_text, data)
    relative = target_text.relative_to(ws.root).as_posix()
    skeleton = SKELETON.format(
        schema=schema_line("./evidence.schema.json"),
        id=source_id,
        title=_yaml_string(_first_line(text)),
        path=relative,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    atomic.write_text(evidence_file, skeleton)
    return target_text, evidence_file
