"""Derived data kept between runs in the user's cache folder, keyed by the text it came from.

An entry is JSON (never pickle: it is data, not code), named by the SHA-256 of the input text
and the version of the code that derived it, and written atomically. An entry that cannot be
read is recomputed and a folder that cannot be written is not used, so the cache can only make
a command faster. `FLEET_CACHE_DIR` moves the folder; `FLEET_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from tools.fleet.fs import write_text_atomic

KEEP = 16  # entries per name; older ones are removed when a new one is written


_OFF: ContextVar[bool] = ContextVar("cache_off", default=False)


@contextmanager
def turned_off() -> Iterator[None]:
    """No cache is read or written until the block ends (`--no-cache`)."""
    token = _OFF.set(True)
    try:
        yield
    finally:
        _OFF.reset(token)


def folder() -> Path | None:
    if _OFF.get() or os.environ.get("FLEET_NO_CACHE"):
        return None
    configured = os.environ.get("FLEET_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "fleet"


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
