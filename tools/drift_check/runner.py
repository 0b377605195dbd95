"""Run a check: replay the kept result when nothing it read has changed, else run every rule."""

from __future__ import annotations

from pathlib import Path

from tools.drift_check import result_cache
from tools.drift_check.files import Listing
from tools.drift_check.findings import CheckResult
from tools.fleet import cache, inputs
from tools.fleet.errors import FleetError


def check(root: Path, registry_path: Path | None, selected: list[str] | None = None) -> CheckResult:
    root = root.resolve()
    if not root.is_dir():
        raise FleetError(f"--root {root}: not a directory")
    listing = Listing(root)  # git lists the files while the kept result is verified
    from_cache = cache.folder() is not None
    key = result_cache.key(root, registry_path, selected)
    if from_cache and (replayed := result_cache.replay(key, listing)) is not None:
        return replayed

    from tools.drift_check import engine

    if not from_cache:
        return engine.check(root, registry_path, selected, listing.paths)
    with inputs.recording() as recorded:
        result = engine.check(root, registry_path, selected, listing.paths)
    result_cache.keep(key, listing.paths, recorded, result)
    return result
