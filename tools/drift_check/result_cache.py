"""Checks kept between runs, so that the next one redoes only what changed.

A check reads the registry, `pyproject.toml`, the repository's files and a few existence
probes through `tools.core.inputs`, which notes each of them. The result is kept in the cache
folder beside that record, a digest of the file list and the modules that computed it, keyed
by the check's arguments. The next check with the same arguments (see `runner`) lists the
files again; when the list is the same and every recorded input still holds, the kept
findings are the answer, and no registry model, rule or parser is loaded. When only some
files' bytes changed, the rules run on those files and the rest is kept (`merge`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.core import cache, serial
from tools.core.inputs import Inputs
from tools.drift_check.findings import CheckResult

NAME = "checks"
VERSION = cache.code_version(__file__, serial.__file__, extra=sys.version)
# The packages whose code decides a check's findings: a new version of one runs it again.
CODE_PACKAGES = frozenset({"tools", "pydantic", "pydantic_core", "yaml"})


def key(root: Path, registry_path: Path, selected: list[str] | None) -> str:
    return json.dumps([str(root), str(registry_path), sorted(selected) if selected else None])


def listing_digest(paths: list[str]) -> str:
    return hashlib.blake2b("\0".join(paths).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Kept:
    """A check's result, with the digest of the file list and the record of what it read."""

    listing: str
    inputs: Inputs
    result: CheckResult


def load(check_key: str) -> Kept | None:
    stored = cache.load(NAME, VERSION, check_key)
    if stored is None:
        return None
    try:
        kept: Kept = serial.decode(Kept, stored)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    return kept


def store(check_key: str, kept: Kept) -> None:
    cache.store(NAME, VERSION, check_key, serial.encode(kept))


def keep(check_key: str, paths: list[str], recorded: Inputs, result: CheckResult) -> None:
    """Keep a check's result with what it read and the modules that computed it."""
    recorded.note_files(_module_files(), wide=True)
    store(check_key, Kept(listing_digest(paths), recorded, result))


def merge(kept: Kept, partial: CheckResult, recorded: Inputs, started_ns: int) -> Kept:
    """The kept check of every file, brought up to date by a check of the files that changed.

    A finding in an unchanged file depends only on that file, the registry, the configuration
    and the file list, which all stand; so it is kept, and the changed files' are replaced.
    The findings of rules that read across files are all replaced: the partial check ran them
    on every app.
    """
    from tools.drift_check.rules import ACROSS_FILES

    changed = partial.selection or frozenset()
    before = kept.result
    findings = {
        f for f in before.findings if f.path not in changed and f.code not in ACROSS_FILES
    } | set(partial.findings)
    skipped = {p: why for p, why in before.skipped_files.items() if p not in changed}
    skipped |= {p: why for p, why in partial.skipped_files.items() if p in changed}
    checked_before = sum(1 for p in changed if p not in before.skipped_files)
    result = CheckResult(
        findings=sorted(findings, key=lambda f: f.sort_key),
        files=before.files - checked_before + partial.files,
        skipped_files=dict(sorted(skipped.items())),
    )
    inputs = Inputs(
        started_ns=started_ns,
        reads={**kept.inputs.reads, **recorded.reads},
        probes={**kept.inputs.probes, **recorded.probes},
        wide=kept.inputs.wide | recorded.wide,
    )
    return Kept(kept.listing, inputs, result)


def _module_files() -> list[str]:
    """The files of the modules that computed the check: this project's and its parsers'."""
    return sorted(
        {
            file
            for name, module in list(sys.modules.items())
            if name.partition(".")[0] in CODE_PACKAGES
            and isinstance(file := getattr(module, "__file__", None), str)
        }
    )
