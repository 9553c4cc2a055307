"""Frozen records to JSON and back, by their type hints: data only, never code.

A cache that must hold a record (a checked study, say) writes it with `to_json` and reads
it with `from_json(text, Type)`. Reading builds nothing but the dataclasses, tuples,
dicts, strings, numbers and dates that `Type`'s annotations name, checking every value
against its annotation on the way: an unknown key, a missing one or a value of the wrong
type is a `RecordError`, so a planted or damaged file can never become an object of a
type the caller did not ask for. Floats keep their exact value (JSON holds their repr),
so a record read back has the same repr as the one written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")
MAX_DEPTH = 64  # records nest a few levels; deeper JSON is refused before it is parsed


class RecordError(ValueError):
    """A JSON text that is not a record of the type asked for."""


def to_json(record: object) -> str:
    """A dataclass (and what it holds) as JSON text; dates as ISO text, tuples as lists."""
    return json.dumps(_plain(record), allow_nan=False, separators=(",", ":"))  # dicts keep order


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"a record cannot hold a {type(value).__name__}")


def from_json(text: str, kind: type[T]) -> T:
    """The record of type `kind` that `text` holds; RecordError when it holds anything else."""
    return typing.cast(T, _build(parse_json(text), kind, "record"))


def parse_json(text: str) -> Any:
    """Strict JSON from a file the tool did not prove: no NaN or infinity, no nesting past
    MAX_DEPTH (which would exhaust the parser's stack); RecordError otherwise."""
    if _depth(text) > MAX_DEPTH:
        raise RecordError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise RecordError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise RecordError(f"not JSON: {exc}") from None


def _no_constant(name: str) -> None:
    raise RecordError(f"{name} is not a number")


def _depth(text: str) -> int:
    """How deeply brackets nest in a JSON text (strings' contents aside), without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _build(data: Any, kind: Any, where: str) -> Any:
    """`data` (parsed JSON) as a value of the annotation `kind`."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        raise RecordError(f"{where}: an untyped field cannot be read back")
    if dataclasses.is_dataclass(kind):
        return _build_record(data, typing.cast(type, kind), where)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            try:
                return _build(data, option, where)
            except RecordError:
                continue
        raise RecordError(f"{where}: {data!r:.60} fits none of {kind}")
    if origin is typing.Literal:
        if data in args and type(data) is type(args[0]):
            return data
        raise RecordError(f"{where}: {data!r:.60} is not one of {args}")
    if origin is tuple:
        if not isinstance(data, list):
            raise RecordError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(v, args[0], f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise RecordError(f"{where}: expected {len(args)} items, found {len(data)}")
        return tuple(
            _build(v, a, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, data, strict=True))
        )
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        if not isinstance(data, dict):
            raise RecordError(f"{where}: expected an object")
        key_kind, value_kind = args or (str, Any)
        if key_kind is not str:
            raise RecordError(f"{where}: only text keys can be read back")
        return {k: _build(v, value_kind, f"{where}.{k}") for k, v in data.items()}
    return _build_plain(data, kind, where)


def _build_record(data: Any, kind: type, where: str) -> Any:
    if not isinstance(data, dict):
        raise RecordError(f"{where}: expected an object for {kind.__name__}")
    fields = {f.name: f for f in dataclasses.fields(kind) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise RecordError(f"{where}: unknown field '{unknown[0]}' of {kind.__name__}")
    missing = sorted(set(fields) - set(data))
    if missing:
        raise RecordError(f"{where}: missing field '{missing[0]}' of {kind.__name__}")
    hints = _hints(kind)
    values = {name: _build(data[name], hints[name], f"{where}.{name}") for name in fields}
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"{where}: {exc}") from None


def _build_plain(data: Any, kind: Any, where: str) -> Any:
    if kind is type(None):
        if data is None:
            return None
    elif kind is dt.date:
        if isinstance(data, str):
            try:
                return dt.date.fromisoformat(data)
            except ValueError:
                pass
    elif kind is bool:
        if isinstance(data, bool):
            return data
    elif kind is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif kind is float:
        if isinstance(data, int | float) and not isinstance(data, bool) and math.isfinite(data):
            return float(data)
    elif kind is str:
        if isinstance(data, str):
            return data
    else:
        raise RecordError(f"{where}: a {kind} cannot be read back")
    raise RecordError(f"{where}: {data!r:.60} is not a {getattr(kind, '__name__', kind)}")
