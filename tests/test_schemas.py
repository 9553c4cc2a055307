"""Every shipped input file names its JSON Schema and validates against it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from forecast.inputs.jsonschema import SCHEMAS, schema_for, schema_text

from .conftest import REPO

SHIPPED = sorted(
    [
        REPO / "model" / "network.yaml",
        *(REPO / "evidence").glob("*.yaml"),
        *(REPO / "scenarios").glob("*.yaml"),
        *(REPO / "ledger").glob("*.yaml"),
    ]
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("relative", sorted(SCHEMAS))
def test_schema_files_are_current(relative: str) -> None:
    """`forecast schema` output is committed and up to date."""
    assert (REPO / relative).read_text(encoding="utf-8") == schema_text(SCHEMAS[relative])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_file_validates_against_its_schema(path: Path) -> None:
    schema_rel = schema_for(path.relative_to(REPO).as_posix())
    first = path.read_text(encoding="utf-8").splitlines()[0]
    expected = f"# yaml-language-server: $schema=./{Path(schema_rel).name}"
    assert first == expected
    schema = json.loads((REPO / schema_rel).read_text(encoding="utf-8"))
    data = _jsonable(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_a_typo() -> None:
    schema = json.loads(schema_text(SCHEMAS["scenarios/scenario.schema.json"]))
    bad = {"id": "x", "title": "t", "narative": "typo", "given": {}, "do": {}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)
