"""Run a check, redoing only what changed since the last check with the same arguments.

Nothing it read changed: the kept result is the answer. Only some files' bytes changed (and
not the registry, the configuration or the code): the rules run on those files, as for named
files, and the kept findings of the others stand. Anything else: every rule on every file.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from tools.core import cache, inputs
from tools.core.repository import Repository
from tools.drift_check import kept, prefilter, result_cache
from tools.drift_check.files import Listing
from tools.drift_check.findings import CheckResult
from tools.drift_check.selection import Selection


def check(
    repo: Repository,
    selected: list[str] | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> CheckResult:
    """The findings `[tool.fleet]` selects (or `select` and `ignore`, when given)."""
    selection = Selection.from_config(repo.config, select, ignore)
    listing = Listing(repo.root)  # git lists the files while the kept result is verified
    result = _check(repo, selected, listing)
    findings = result.findings
    if repo.config.history != ():  # `history = []` reports them in every file
        findings = kept.unkept(repo.root, findings, lambda: listing.paths)
    if selection is not None:
        findings = selection.apply(findings)
    if findings == result.findings:
        return result
    return dataclasses.replace(result, findings=findings)


def _check(repo: Repository, selected: list[str] | None, listing: Listing) -> CheckResult:
    root = repo.root

    from_cache = cache.folder() is not None
    key = result_cache.key(root, repo.registry_path, selected)
    kept = result_cache.load(key) if from_cache else None
    if kept is not None:
        now = time.time_ns()
        try:
            changes = kept.inputs.compare(now)
        except (TypeError, ValueError, IndexError, KeyError):
            changes = inputs.Changes(whole=True)
        if not changes.whole and kept.listing == result_cache.listing_digest(listing.paths):
            if not changes.files:
                if changes.refreshed:  # files compared by content are trusted from now on
                    result_cache.store(key, kept)
                return kept.result
            changed = _relative(root, changes.files)
            if selected is None and changed is not None:
                return _update(repo, key, kept, changed, listing=listing, now=now)

    # A large repository's ripgrep pass runs while the registry is validated: for every file,
    # the strings a file needs to be read; for named files, those the registry-wide checks
    # look for in all.
    search = prefilter.Search(
        root,
        lambda: listing.paths,
        repo.registry_path,
        strings=prefilter.WIDE if selected else None,
    )

    from tools.drift_check import engine

    # Named files (pre-commit): those and what they affect, never widened to every file.
    widen = selected is None
    if not from_cache:
        return engine.check(repo, selected, listing.paths, widen=widen, search=search)
    with inputs.recording() as recorded:
        result = engine.check(repo, selected, listing.paths, widen=widen, search=search)
    result_cache.keep(key, listing.paths, recorded, result)
    return result


def _update(
    repo: Repository,
    key: str,
    kept: result_cache.Kept,
    changed: list[str],
    *,
    listing: Listing,
    now: int,
) -> CheckResult:
    """The kept result with the changed files checked again; every file if that is needed."""
    from tools.drift_check import engine

    with inputs.recording() as recorded:
        partial = engine.check(repo, changed, listing.paths)
    if partial.selection is None:  # the registry or an app changed: that was every file
        result_cache.keep(key, listing.paths, recorded, partial)
        return partial
    updated = result_cache.merge(kept, partial, recorded, now)
    result_cache.keep(key, listing.paths, updated.inputs, updated.result)
    return updated.result


def _relative(root: Path, paths: set[str]) -> list[str] | None:
    """The paths relative to `root`; None when one lies outside it."""
    prefix = f"{root}{os.sep}"
    if not all(path.startswith(prefix) for path in paths):
        return None
    return sorted(path[len(prefix) :].replace(os.sep, "/") for path in paths)
