"""The forecast document is typed all the way down, and its typed rows keep the published
contract's keys: a key renamed in one place and not the other fails here."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, Required, get_args, get_origin, get_type_hints, is_typeddict

import numpy as np
import pytest
from pydantic import BaseModel

from forecast.analysis import assessment, explorer, results
from forecast.analysis.forecastdoc import ForecastDocument
from forecast.inference.summary import StateSummary
from forecast.inputs import ledgerschema, resultschema


def _loose_spots(hint: Any, where: str, seen: set[int]) -> list[str]:
    """Every place under `hint` typed as Any, or as a container without item types."""
    if hint is Any:
        return [where]
    if get_origin(hint) is np.ndarray:  # typed by its dtype; its shape is Any by design
        return [] if get_args(get_args(hint)[1]) != (Any,) else [f"{where} (no dtype)"]
    if hint in (dict, list, tuple, Mapping, Sequence):
        return [f"{where} (no item type)"]
    if id(hint) in seen:
        return []
    seen.add(id(hint))
    if is_typeddict(hint):
        hints = get_type_hints(hint)
        return [p for k, h in hints.items() for p in _loose_spots(h, f"{where}.{k}", seen)]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = get_type_hints(hint)
        fields = [f.name for f in dataclasses.fields(hint)]
        return [p for k in fields for p in _loose_spots(hints[k], f"{where}.{k}", seen)]
    origin = get_origin(hint)
    if origin in (NotRequired, Required):
        return _loose_spots(get_args(hint)[0], where, seen)
    if origin is not None or isinstance(hint, types.UnionType):
        args = [a for a in get_args(hint) if a is not Ellipsis]
        return [p for i, a in enumerate(args) for p in _loose_spots(a, f"{where}[{i}]", seen)]
    return []


def test_every_field_of_the_document_is_typed_all_the_way_down() -> None:
    assert _loose_spots(ForecastDocument, "ForecastDocument", set()) == []


@dataclasses.dataclass
class _Loose:
    rows: list[dict[str, Any]]
    fine: list[dict[str, float]]


def test_the_checker_finds_a_loose_row() -> None:
    assert _loose_spots(_Loose, "Loose", set()) == ["Loose.rows[0][1]"]


def _keys(shape: Any) -> tuple[set[str], set[str]]:
    """(every key, the required keys) of a TypedDict, a dataclass or a pydantic model."""
    if is_typeddict(shape):
        return set(get_type_hints(shape)), set(shape.__required_keys__)
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        fields = shape.model_fields
        return set(fields), {k for k, f in fields.items() if f.is_required()}
    names = {f.name for f in dataclasses.fields(shape)}
    return names, names


ADDED_BY_THE_REPORT = {"schema_version", "assessment", "signpost_explorer"}


@pytest.mark.parametrize(
    ("typed", "contract", "extra"),
    [
        (results.ResultsDocument, resultschema.Results, ADDED_BY_THE_REPORT),
        (results.ScenarioRow, resultschema.ScenarioResult, set()),
        (results.ObservationRow, resultschema.Observed, set()),
        (results.ClaimRef, resultschema.ClaimRef, set()),
        (explorer.ExplorerRow, resultschema.ExplorerRow, set()),
        (StateSummary, ledgerschema.OutcomeSummary, set()),
        (assessment.Assessment, resultschema.Assessment, set()),
        (assessment.Judgement, resultschema.Judgement, set()),
        (assessment.Support, resultschema.Support, set()),
        (assessment.Alternative, resultschema.Alternative, set()),
        (assessment.Signal, resultschema.Signal, set()),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_typed_rows_keep_the_contracts_keys(typed: Any, contract: Any, extra: set[str]) -> None:
    keys, required = _keys(typed)
    contract_keys, contract_required = _keys(contract)
    assert keys | extra == contract_keys
    assert contract_required - extra <= required  # what the contract demands, rows always have
    assert keys - required <= contract_keys - contract_required  # and what they may omit, it may
