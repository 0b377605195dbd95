"""Facts of unchanged files kept between checks: a file is parsed again only when its text is new.

Parsing Python and TypeScript is most of a check's own work, and most files do not change
between two checks. Facts are kept per repository as one JSON document in the user's cache
folder (`tools.core.cache`): the SHA-256 of a file's text -> its facts of each kind. The key
includes the extractors' code, so a new version never reads facts an older one wrote. The
rules ask `remembered()`, which reads the store of the running check, if there is one.
"""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from tools.core import cache
from tools.core.serial import decode, encode
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
