"""One pre-commit run, many `fleet check` processes: pre-commit splits a long list of files
into batches and runs the hook once per batch, and what the named files affect (an app's
registry entry) can be reported by more than one batch. Each finding is printed once a run.

A run is pre-commit's process (`PRE_COMMIT=1` is in its hooks' environment; the hook is its
child), known by its pid and start time. The findings printed so far are kept in the cache
folder under that name; with no cache there is no memory, and each batch prints all it finds.
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.core import cache
from tools.drift_check.findings import Finding

NAME = "hook-runs"
VERSION = "1"


def _run_key(root: Path) -> str | None:
    if os.environ.get("PRE_COMMIT") != "1" or cache.folder() is None:
        return None
    from tools.release.targets.processes import start_time

    parent = os.getppid()
    started = start_time(parent)
    return None if started is None else f"{root}\0{parent}\0{started}"


def unseen(root: Path, findings: list[Finding]) -> tuple[list[Finding], int]:
    """The findings no earlier batch of this pre-commit run printed, and how many it had."""
    key = _run_key(root)
    if key is None:
        return findings, 0
    kept = cache.load(NAME, VERSION, key)
    seen = {tuple(entry) for entry in kept} if isinstance(kept, list) else set()
    mine = [(f.code, f.path, f.line, f.col, f.message) for f in findings]
    new = [finding for finding, place in zip(findings, mine, strict=True) if place not in seen]
    cache.store(NAME, VERSION, key, sorted(seen | set(mine)))
    return new, len(findings) - len(new)
