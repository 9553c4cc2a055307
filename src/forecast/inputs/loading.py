"""Read a workspace's YAML files into validated models, collecting every problem on the way."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from forecast.base.errors import InputError, Problem, display_path
from forecast.base.paths import Workspace, present
from forecast.base.reading import FileLog, refuse_links
from forecast.base.suggest import closest, did_you_mean
from forecast.base.yamlio import Document, Loc, load_yaml
from forecast.inputs.filemodels import (
    EvidenceFile,
    ModelFile,
    ObservationsFile,
    ResolutionsFile,
    ScenarioFile,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A validated file with the document it came from (for positions in later checks)."""

    doc: Document
    value: T


@dataclass(frozen=True)
class RawInputs:
    """Every input file of a workspace, each parsed and shape-checked."""

    workspace: Workspace
    model: Loaded[ModelFile]
    evidence: tuple[Loaded[EvidenceFile], ...]
    scenarios: tuple[Loaded[ScenarioFile], ...]
    observations: Loaded[ObservationsFile] | None = None  # evidence/observations.yaml
    files: FileLog | None = None  # what was read, for the command's fingerprint


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated/Optional/tuple/dict wrappers down to a model class when there is one."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
        return annotation
    return annotation


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the key at the end of `loc`, if any."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            args = typing.get_args(current)
            current = _unwrap(args[0]) if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(step)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


# Fixes that name the allowed values of a field, whatever pydantic objected to.
FIELD_FIXES = {
    "credibility": "use a whole number 1 to 6 (1 confirmed by other sources, 6 cannot be judged)",
    "probability": (
        "give a yardstick phrase (e.g. likely), a number in [0, 1] such as 0.7, "
        "or a range [low, high] such as [0.6, 0.8]"
    ),
    "quote": "copy the words exactly from the source text",
    "half_life_years": "give the half-life in years, a number above 0",
    "table_cells": "give a whole number above 0",
    "memory_mb": "give a whole number of megabytes above 0",
    "explorer_rows": "give a whole number above 0",
}


def _literal_fix(error: Any) -> str:
    expected = str(error.get("ctx", {}).get("expected", ""))
    choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
    listed = ", ".join(choices[:-1]) + (
        f" or {choices[-1]}" if len(choices) > 1 else "".join(choices)
    )
    guess = closest(str(error["input"]), choices)
    if guess is not None:
        return f"did you mean '{guess}'? (one of: {listed})"
    return f"use one of: {listed}"


def _numeric_text(value: object) -> bool:
    """Whether a value is a number written as text, such as "2" or '0.5'."""
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def _fix_for(error: Any, model: type[BaseModel]) -> tuple[str, str]:
    """Message and fix for one pydantic error."""
    loc: Loc = tuple(error["loc"])
    field = ".".join(str(s) for s in loc)
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        known = list(owner.model_fields) if owner else []
        return f"unknown key '{loc[-1]}'", did_you_mean(str(loc[-1]), known, "keys")
    if kind == "missing":
        return f"missing key '{loc[-1]}'", f"add '{loc[-1]}:' here (see `forecast schema`)"
    if error.get("input") is None or kind == "string_too_short":
        return f"{field} is empty", FIELD_FIXES.get(name, f"fill in '{name}'")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and name == "sha256":
        return (
            f"{field}: not a SHA-256 digest",
            "write the 64 lowercase hex digits that `sha256sum FILE` prints",
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{field}: '{error['input']}' is not a valid identifier",
            "use letters, digits, '_', '.' and '-', starting with a letter or digit",
        )
    if kind == "date_partial":
        return (
            f"{field}: '{error['input']}' is not a date ({message})",
            "write a real date as YYYY-MM-DD, or YYYY-MM or YYYY when only that is known",
        )
    if kind.startswith("date"):
        return f"{field}: '{error['input']}' is not a date", "write a real date as YYYY-MM-DD"
    if kind in ("int_type", "float_type") and _numeric_text(error["input"]):
        return (
            f"{field}: '{error['input']}' is text, not a number",
            f"write the number without quotation marks, e.g. {name}: {error['input'].strip()}",
        )
    if kind == "literal_error":
        return f"{field}: '{error['input']}' is not allowed", _literal_fix(error)
    if name in FIELD_FIXES:
        return f"{field}: {message}", FIELD_FIXES[name]
    return f"{field}: {message}", "see `forecast schema` for the expected shape"


def parse_document(doc: Document, model: type[M]) -> M:
    """Validate a document against a model; every error becomes a located Problem."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            message, fix = _fix_for(error, model)
            at_key = error["type"] == "extra_forbidden" or error.get("input") is None
            problems.append(doc.problem(loc, message, fix, key=at_key))
        raise InputError(problems) from None


def _load(
    path: Path, ws: Workspace, model: type[M], problems: list[Problem], log: FileLog | None = None
) -> Loaded[M] | None:
    shown = display_path(path, ws.root)
    try:
        doc = load_yaml(path, shown, ws.root, log)
        if not isinstance(doc.data, dict):
            raise InputError(
                [
                    Problem(
                        shown,
                        1,
                        1,
                        "expected a mapping of keys to values",
                        "start the file with 'key: value' lines",
                    )
                ]
            )
        return Loaded(doc, parse_document(doc, model))
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def load_model(
    ws: Workspace, problems: list[Problem], log: FileLog | None = None
) -> Loaded[ModelFile] | None:
    """The model file, shape-checked (problems appended), or None when it cannot be used."""
    if not present(ws.model_file):
        shown = display_path(ws.model_file, ws.root)
        problems.append(
            Problem(
                shown,
                1,
                1,
                "model file not found",
                "run from the workspace root or pass --root DIR",
            )
        )
        return None
    return _load(ws.model_file, ws, ModelFile, problems, log)


def load_resolutions(ws: Workspace) -> Loaded[ResolutionsFile] | None:
    """The resolutions file, shape-checked; None when there is none yet. A link (to it or
    to its folder), a pipe or a device is refused."""
    if not refuse_links(ws.resolutions_file, ws.root, display_path(ws.resolutions_file, ws.root)):
        return None
    problems: list[Problem] = []
    loaded = _load(ws.resolutions_file, ws, ResolutionsFile, problems)
    if problems or loaded is None:
        raise InputError(problems)
    return loaded


def load_inputs(root: Path) -> RawInputs:
    """Load and shape-check the model, evidence and scenario files under `root`."""
    ws = Workspace(root)
    log = FileLog(root)
    problems: list[Problem] = []
    model = load_model(ws, problems, log)
    if model is None and not present(ws.model_file):
        raise InputError(problems)
    evidence = [_load(p, ws, EvidenceFile, problems, log) for p in ws.evidence_files()]
    scenarios = [_load(p, ws, ScenarioFile, problems, log) for p in ws.scenario_files()]
    observations = (
        _load(ws.observations_file, ws, ObservationsFile, problems, log)
        if present(ws.observations_file)
        else None
    )
    if problems or model is None:
        raise InputError(problems)
    return RawInputs(
        ws,
        model,
        tuple(e for e in evidence if e is not None),
        tuple(s for s in scenarios if s is not None),
        observations,
        log,
    )
