"""JSON Schema for each input file, generated from the pydantic models, so editors can
check model, evidence and scenario files while they are typed."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from forecast.base import atomic
from forecast.inputs.filemodels import (
    EvidenceFile,
    ModelFile,
    ObservationsFile,
    ResolutionsFile,
    ScenarioFile,
)
from forecast.inputs.ledgerschema import Entry
from forecast.inputs.resultschema import Results

# workspace-relative schema file -> the model it describes
SCHEMAS: dict[str, type[BaseModel]] = {
    "model/network.schema.json": ModelFile,
    "evidence/evidence.schema.json": EvidenceFile,
    "scenarios/scenario.schema.json": ScenarioFile,
    "evidence/observations.schema.json": ObservationsFile,
    "ledger/resolutions.schema.json": ResolutionsFile,
    "ledger/forecasts.schema.json": Entry,  # one line of the ledger
    "reports/results.schema.json": Results,  # results.json
}


# files with a schema of their own; every other file takes its folder's first schema
OWN_SCHEMA = {
    "evidence/observations.yaml": "evidence/observations.schema.json",
    "ledger/resolutions.yaml": "ledger/resolutions.schema.json",
}


def schema_for(relative: str) -> str:
    """The workspace-relative schema of the input file at `relative` (e.g. 'evidence/x.yaml')."""
    if relative in OWN_SCHEMA:
        return OWN_SCHEMA[relative]
    folder = relative.split("/", 1)[0]
    return next(schema for schema in SCHEMAS if schema.startswith(f"{folder}/"))


def schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of one input model as stable, indented JSON."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_schemas(root: Path) -> list[Path]:
    """Write every schema into the workspace (atomically); return the paths written."""
    written = []
    for relative, model in SCHEMAS.items():
        path = root / relative
        atomic.write_text(path, schema_text(model))
        written.append(path)
    return written


def schema_line(relative_schema: str) -> str:
    """The comment that points YAML editors (yaml-language-server) at a schema file."""
    return f"# yaml-language-server: $schema={relative_schema}"
