"""The one serializer of what caches keep: records as JSON, read back by their type hints.

A dataclass or a NamedTuple is the list of its fields, in order; a set is a sorted list; a
YAML document is its data (keeping its types) and its lines. `decode(type, data)` rebuilds
the value, and raises TypeError, ValueError, KeyError or IndexError for data of another shape:
the caller computes the value again.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import cache as memoize
from typing import Any, TypeVar, Union

from tools.core.yaml_lines import LocatedYaml

T = TypeVar("T")
Reader = Callable[[Any], Any] | None  # None: the JSON value is the value


def encode(value: Any) -> Any:
    if isinstance(value, LocatedYaml):
        lines = [[*path, line] for path, line in value.lines.items()]
        return {"data": _yaml_value(value.data), "lines": lines}
    if _is_dataclass(type(value)):
        import dataclasses  # imported already: by the module that made the dataclass

        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(encode(v) for v in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(kind_type: Any, data: Any) -> Any:
    reader = _reader(kind_type)
    return data if reader is None else reader(data)


@memoize
def _reader(kind_type: Any) -> Reader:
    """A function that rebuilds `kind_type` from its JSON, made once per type."""
    if kind_type is LocatedYaml:
        return _read_yaml
    origin = typing.get_origin(kind_type)
    if origin in (Union, types.UnionType):
        return _optional_reader(kind_type)
    if isinstance(kind_type, type) and _is_dataclass(kind_type):
        return _dataclass_reader(kind_type)
    if isinstance(kind_type, type) and issubclass(kind_type, tuple) and hasattr(kind_type, "_make"):
        return _named_tuple_reader(kind_type)
    if origin in (list, tuple, set, frozenset, dict):
        args = [arg for arg in typing.get_args(kind_type) if arg is not Ellipsis]
        return _container_reader(origin, _reader(args[-1]))
    return None


def _container_reader(origin: type, item: Reader) -> Reader:
    if origin is dict:
        if item is None:  # JSON's own object: nothing to convert
            return lambda data: _checked(data, dict)
        return lambda data: {k: item(d) for k, d in _checked(data, dict).items()}
    if item is None:
        if origin is list:  # JSON's own list: nothing to convert
            return lambda data: _checked(data, list)
        return lambda data: origin(_checked(data, list))
    return lambda data: origin(item(d) for d in _checked(data, list))


def _yaml_value(value: Any) -> Any:
    """YAML data as JSON that keeps its types: a mapping (whose keys may be `True`, as in a
    workflow's `on:`) is `["m", [[key, value], ...]]`, a sequence `["s", [...]]`."""
    if isinstance(value, dict):
        return ["m", [[_yaml_value(k), _yaml_value(v)] for k, v in value.items()]]
    if isinstance(value, list):
        return ["s", [_yaml_value(v) for v in value]]
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    raise ValueError(f"{type(value).__name__} in YAML: not kept")


def _yaml_data(data: Any) -> Any:
    if not isinstance(data, list):
        return data
    kind, items = data
    if kind == "m":
        return {_yaml_data(k): _yaml_data(v) for k, v in items}
    if kind == "s":
        return [_yaml_data(v) for v in items]
    raise ValueError(f"unknown YAML node {kind!r}")


def _read_yaml(data: Any) -> LocatedYaml:
    lines = _checked(data["lines"], list)
    return LocatedYaml(_yaml_data(data["data"]), {tuple(entry[:-1]): entry[-1] for entry in lines})


def _optional_reader(kind_type: Any) -> Reader:
    """`X | None` where X is a record, a container or YAML; other unions are JSON values."""
    readers = [_reader(member) for member in typing.get_args(kind_type) if member is not type(None)]
    if len(readers) != 1 or readers[0] is None:
        return None
    inner = readers[0]
    return lambda data: None if data is None else inner(data)


def _is_dataclass(cls: type) -> bool:
    """`dataclasses.is_dataclass` for a class, without importing the module for every record."""
    return hasattr(cls, "__dataclass_fields__")


def _dataclass_reader(cls: type) -> Callable[[Any], Any]:
    import dataclasses

    names = tuple(f.name for f in dataclasses.fields(cls))
    values = _fields_reader(cls, names)
    new = object.__new__

    def read(data: Any) -> Any:
        # The fields set directly: what a (frozen) dataclass __init__ does, at a third of the
        # cost; the records kept have no __post_init__ and no slots.
        instance = new(cls)
        instance.__dict__.update(zip(names, values(data), strict=True))
        return instance

    return read


def _named_tuple_reader(cls: Any) -> Callable[[Any], Any]:
    values = _fields_reader(cls, cls._fields)
    return lambda data: cls._make(values(data))


_SCALARS = (str, int, float, bool)


def _fields_reader(cls: type, names: tuple[str, ...]) -> Callable[[Any], list[Any]]:
    """The values of a record's fields from its JSON list, each scalar of its hinted type."""
    hints = typing.get_type_hints(cls)
    scalars = [(i, hints[name]) for i, name in enumerate(names) if hints[name] in _SCALARS]
    size = len(names)
    readers: tuple[Reader, ...] = ()

    def read(data: Any) -> list[Any]:
        nonlocal readers
        if not readers and size:  # made at first use: a record may hold records of its type
            readers = tuple(_reader(hints[name]) for name in names)
        if not isinstance(data, list) or len(data) != size:
            raise ValueError(f"{cls.__name__}: {size} fields expected")
        values = [d if r is None else r(d) for r, d in zip(readers, data, strict=True)]
        for i, kind in scalars:
            if not isinstance(values[i], kind):
                raise TypeError(f"{cls.__name__}.{names[i]}: {kind.__name__} expected")
        return values

    return read


def _checked(data: Any, kind: type[T]) -> T:
    if not isinstance(data, kind):
        raise TypeError(f"{kind.__name__} expected")
    return data
