"""Derived data kept between runs in the user's cache folder, keyed by the text it came from.

An entry is JSON (never pickle: it is data, not code), named by the SHA-256 of the input text
and the version of the code that derived it, and written atomically. An entry that cannot be
read is recomputed and a folder that cannot be written is not used, so the cache can only make
a command faster. There is no cache until the CLI names its folder (`use`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.core.fs import write_text_atomic

KEEP = 16  # entries per name; older ones are removed when a new one is written

_FOLDER: list[Path | None] = [None]  # the folder the CLI chose; None: no cache


def use(cache_folder: Path | None) -> None:
    """Keep entries in `cache_folder` from now on; None turns the cache off."""
    _FOLDER[0] = cache_folder


@contextmanager
def turned_off() -> Iterator[None]:
    """No cache is read or written until the block ends (`--no-cache`)."""
    kept = _FOLDER[0]
    use(None)
    try:
        yield
    finally:
        use(kept)


def folder() -> Path | None:
    return _FOLDER[0]


def code_version(*files: str | None, extra: str = "") -> str:
    """A digest of the source files that derive what is cached: new code, new entries."""
    digest = hashlib.sha256(extra.encode())
    for file in files:
        digest.update(Path(file or "").read_bytes())
    return digest.hexdigest()


def _entry(name: str, version: str, text: str) -> Path | None:
    root = folder()
    if root is None:
        return None
    digest = hashlib.sha256(f"{version}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return root / name / f"{digest}.json"


def load(name: str, version: str, text: str) -> Any | None:
    """The value stored under `name` for `text`, by code of `version`; or None."""
    entry = _entry(name, version, text)
    if entry is None:
        return None
    try:
        return json.loads(entry.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def store(name: str, version: str, text: str, value: Any) -> None:
    """Keep `value` (JSON data) for `text`; nothing happens when the folder is not writable."""
    entry = _entry(name, version, text)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(entry, json.dumps(value, separators=(",", ":")))
        _prune(entry.parent)
    except (OSError, ValueError, TypeError, RecursionError):
        return


def _prune(name_folder: Path) -> None:
    entries = sorted(name_folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
