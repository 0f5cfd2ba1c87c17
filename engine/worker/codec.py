"""The engine's results as plain JSON data and back, for the trip between processes.

``encode`` turns a result (a lesson's ``LessonResult`` and its blocks, an
``Evaluation`` and its parts, a ``Curve``, an ``InputError``) into dicts, lists,
strings and numbers; a dataclass becomes a dict with its class name under
``"$"``. ``decode`` rebuilds exactly the dataclass from that data, guided by the
field types: tuples where the type says tuple, every value checked against its
type. Only the registered types below can ever be built, and only from plain
data: nothing is imported, called or unpickled on the way, so a compromised
worker can send wrong data at worst, never code.

A field typed ``Mapping[str, object]`` holds live values (``Evaluation.namespace``:
tensors), which stay in the process that made them: it crosses as an empty mapping.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeGuard, Union, cast

from engine import blocks, outcomes
from engine.errors import InputError
from engine.practice import model as challenge_model

TAG = "$"
"""The key that names a value's type in encoded data."""


class CodecError(ValueError):
    """Data that is not an encoding of an allowed value."""


def _module_types(module: types.ModuleType) -> dict[str, type]:
    """The dataclasses and named tuples a module defines, by name."""
    found = {}
    for name, value in vars(module).items():
        if isinstance(value, type) and value.__module__ == module.__name__:
            if dataclasses.is_dataclass(value) or _is_named_tuple(value):
                found[name] = value
    return found


def _is_named_tuple(cls: type) -> TypeGuard[type[NamedTuple]]:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


REGISTRY: dict[str, type] = {**_module_types(blocks), **_module_types(outcomes), **_module_types(challenge_model)}
"""Every type ``decode`` may build: the result types of ``engine.blocks``, ``engine.outcomes`` and
``engine.practice.model`` (a challenge's verdict)."""

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        # A name its module imports for type checking alone (a verdict's Problem) is a registered type.
        _HINTS[cls] = typing.get_type_hints(cls, localns=REGISTRY)
    return _HINTS[cls]


def _field_names(cls: type) -> tuple[str, ...]:
    if _is_named_tuple(cls):
        return tuple(cls._fields)
    return tuple(f.name for f in dataclasses.fields(cls))


def _live(hint: Any) -> bool:
    """A ``Mapping[str, object]``: live values that do not cross."""
    return typing.get_origin(hint) is Mapping and typing.get_args(hint)[1:] == (object,)


def encode(value: object) -> object:
    """``value`` as plain JSON data; raises ``CodecError`` for anything not allowed."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, InputError):
        return {TAG: "InputError", "message": value.message, "field": value.field}
    cls = type(value)
    if REGISTRY.get(cls.__name__) is cls:
        hints = _hints(cls)
        data: dict[str, object] = {TAG: cls.__name__}
        for name in _field_names(cls):
            data[name] = {} if _live(hints[name]) else encode(getattr(value, name))
        return data
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise CodecError("only mappings with text keys can be sent")
        return {key: encode(item) for key, item in value.items()}
    raise CodecError(f"a {cls.__name__} cannot be sent between processes")


def decode(data: object, hint: Any = object) -> object:
    """Rebuild the value ``data`` encodes, checked against the type ``hint``.

    With ``hint`` left as ``object``, tagged dicts become their registered
    types, lists stay lists and other dicts stay dicts.
    """
    try:
        return _decode(data, hint)
    except RecursionError:
        raise CodecError("the data is nested too deeply") from None


def _decode(data: object, hint: Any) -> object:
    if hint is object or hint is Any:
        return _untyped(data)
    if hint is None or hint is type(None):
        if data is not None:
            raise CodecError(f"expected nothing (null), got {_kind(data)}")
        return None
    if hint in (str, bool):
        if type(data) is not hint:
            raise CodecError(f"expected {hint.__name__}, got {_kind(data)}")
        return data
    if hint is int:
        if type(data) is not int:
            raise CodecError(f"expected int, got {_kind(data)}")
        return data
    if hint is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise CodecError(f"expected float, got {_kind(data)}")
        return float(data)
    if isinstance(hint, type) and hint in REGISTRY.values():
        return _instance(data, hint)
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return _union(data, arguments)
    if origin is tuple:
        if not isinstance(data, list):
            raise CodecError(f"expected a list, got {_kind(data)}")
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_decode(item, arguments[0]) for item in data)
        if len(arguments) != len(data):
            raise CodecError(f"expected {len(arguments)} items, got {len(data)}")
        return tuple(_decode(item, item_hint) for item, item_hint in zip(data, arguments))
    if origin in (Mapping, dict):
        if not isinstance(data, dict) or TAG in data:
            raise CodecError(f"expected a mapping, got {_kind(data)}")
        value_hint = arguments[1] if arguments else object
        if value_hint is object:
            return {}  # live values never cross (see the module docstring)
        return {str(key): _decode(item, value_hint) for key, item in data.items()}
    raise CodecError(f"cannot decode a value of type {hint!r}")


def _union(data: object, members: tuple[Any, ...]) -> object:
    if data is None:
        if type(None) in members:
            return None
        raise CodecError("expected a value, got null")
    if isinstance(data, dict) and TAG in data:
        cls = REGISTRY.get(str(data[TAG]))
        if cls is None or cls not in members:
            raise CodecError(f"a {data[TAG]!r} is not allowed here")
        return _instance(data, cls)
    problems = []
    for member in members:
        if member is type(None):
            continue
        try:
            return _decode(data, member)
        except CodecError as error:
            problems.append(str(error))
    raise CodecError("; ".join(problems) or "no type matches")


def _instance(data: object, cls: type) -> object:
    if not isinstance(data, dict) or data.get(TAG) != cls.__name__:
        raise CodecError(f"expected a {cls.__name__}, got {_kind(data)}")
    names = _field_names(cls)
    unknown = set(data) - set(names) - {TAG}
    if unknown:
        raise CodecError(f"a {cls.__name__} has no field {sorted(unknown)[0]!r}")
    hints = _hints(cls)
    values = {name: _decode(data[name], hints[name]) for name in names if name in data}
    try:
        return cls(**values)
    except TypeError as error:
        raise CodecError(f"a {cls.__name__} cannot be built: {error}") from None


def _untyped(data: object) -> object:
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [_untyped(item) for item in data]
    if isinstance(data, dict):
        if TAG not in data:
            return {str(key): _untyped(item) for key, item in data.items()}
        tag = data[TAG]
        if tag == "InputError":
            message, field = _decode(data.get("message"), str), _decode(data.get("field"), str | None)
            return InputError(cast(str, message), cast("str | None", field))  # as checked against those types
        cls = REGISTRY.get(str(tag))
        if cls is None:
            raise CodecError(f"{tag!r} is not a type that may be sent")
        return _instance(data, cls)
    raise CodecError(f"{_kind(data)} is not plain data")


def _kind(data: object) -> str:
    return "null" if data is None else type(data).__name__
