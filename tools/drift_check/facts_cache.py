"""Facts of unchanged files kept between checks: a file is parsed again only when its text is new.

Parsing Python and TypeScript is most of a check's own work, and most files do not change
between two checks. Facts are kept per repository as one JSON document in the user's cache
folder (`tools.core.cache`): the SHA-256 of a file's text -> its facts of each kind. The key
includes the extractors' code, so a new version never reads facts an older one wrote. The
rules ask `remembered()`, which reads the store of the running check, if there is one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache as memoize
from pathlib import Path
from typing import Any, TypeVar, Union

from tools.core import cache
from tools.core.yaml_lines import LocatedYaml
from tools.drift_check.source import SourceFile

T = TypeVar("T")
MAX_ENTRIES = 50_000  # texts kept per repository; the least recently used go first

_STORE: ContextVar[FactsStore | None] = ContextVar("facts_store", default=None)


class FactsStore:
    def __init__(self, root: Path, version: str) -> None:
        self._key = str(root.resolve())
        self._version = version
        stored = cache.load("facts", version, self._key)
        self._entries: dict[str, dict[str, Any]] = stored if isinstance(stored, dict) else {}
        self._used: dict[str, dict[str, Any]] = {}
        self._dirty = False

    def get(self, kind: str, text: str, compute: Callable[[], T], kind_type: Any) -> T:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        entry = self._used.get(digest)
        if entry is None:
            entry = self._entries.get(digest)
            entry = dict(entry) if isinstance(entry, dict) else {}
            self._used[digest] = entry
        if kind in entry:
            try:
                return typing.cast(T, decode(kind_type, entry[kind]))
            except (TypeError, ValueError, KeyError, IndexError, RecursionError):
                pass  # written by something else: compute it again
        value = compute()
        try:
            entry[kind] = encode(value)
        except (TypeError, ValueError, RecursionError):
            return value  # not JSON data (a YAML date, say): computed again next time
        self._dirty = True
        return value

    def save(self) -> None:
        if not self._dirty:
            return
        kept = {k: v for k, v in self._entries.items() if k not in self._used}
        merged = {**kept, **self._used}  # used entries last: the newest
        overflow = len(merged) - MAX_ENTRIES
        if overflow > 0:
            merged = dict(list(merged.items())[overflow:])
        cache.store("facts", self._version, self._key, merged)


@contextmanager
def facts_store(root: Path, version: str) -> Iterator[None]:
    """Keep the facts of this check's files for the next one (nothing when the cache is off)."""
    if cache.folder() is None:
        yield
        return
    store = FactsStore(root, version)
    token = _STORE.set(store)
    try:
        yield
    finally:
        _STORE.reset(token)
        store.save()


def remembered(kind: str, source: SourceFile, compute: Callable[[], T], kind_type: Any) -> T:
    """`compute()`, or what it gave for the same text in an earlier check."""
    store = _STORE.get()
    if store is None:
        return compute()
    return store.get(kind, source.text, compute, kind_type)


# JSON for frozen dataclasses of facts: a dataclass is the list of its fields, in order; the
# type hints say how to read it back. A YAML document is its data and its lines.


def encode(value: Any) -> Any:
    if isinstance(value, LocatedYaml):
        lines = [[*path, line] for path, line in value.lines.items()]
        return {"data": _yaml_value(value.data), "lines": lines}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(kind_type: Any, data: Any) -> Any:
    reader = _reader(kind_type)
    return data if reader is None else reader(data)


Reader = Callable[[Any], Any] | None  # None: the JSON value is the value


@memoize
def _reader(kind_type: Any) -> Reader:
    """A function that rebuilds `kind_type` from its JSON, made once per type."""
    if kind_type is LocatedYaml:
        return _read_yaml
    origin = typing.get_origin(kind_type)
    if origin in (Union, types.UnionType):
        return _optional_reader(kind_type)
    if dataclasses.is_dataclass(kind_type) and isinstance(kind_type, type):
        return _dataclass_reader(kind_type)
    if origin in (list, dict):
        return _container_reader(origin, _reader(typing.get_args(kind_type)[-1]))
    return None


def _container_reader(origin: type, item: Reader) -> Reader:
    if origin is list:
        if item is None:
            return lambda data: list(_checked(data, list))
        return lambda data: [item(d) for d in _checked(data, list)]
    if item is None:
        return lambda data: dict(_checked(data, dict))
    return lambda data: {k: item(d) for k, d in _checked(data, dict).items()}


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
    """`X | None` where X is a dataclass or YAML; other unions are plain JSON values."""
    classes = [
        m for m in typing.get_args(kind_type) if m is LocatedYaml or dataclasses.is_dataclass(m)
    ]
    inner = _reader(classes[0]) if len(classes) == 1 else None
    if inner is None:
        return None
    return lambda data: None if data is None else inner(data)


def _dataclass_reader(cls: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    readers = tuple(_reader(hints[f.name]) for f in fields)
    size = len(readers)
    new = object.__new__

    def read(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != size:
            raise ValueError(f"{cls.__name__}: {size} fields expected")
        # The fields set directly: what a (frozen) dataclass __init__ does, at a third of the
        # cost; the facts classes have no __post_init__ and no slots.
        instance = new(cls)
        instance.__dict__.update(
            zip(
                names,
                [d if r is None else r(d) for r, d in zip(readers, data, strict=True)],
                strict=True,
            )
        )
        return instance

    return read


def _checked(data: Any, kind: type[T]) -> T:
    if not isinstance(data, kind):
        raise TypeError(f"{kind.__name__} expected")
    return data
