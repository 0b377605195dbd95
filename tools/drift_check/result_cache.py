"""A check whose inputs have not changed is replayed, not run again.

A check reads the registry, `pyproject.toml`, the repository's files and a few existence
probes through `tools.fleet.inputs`, which notes each of them. The result is kept in the cache
folder beside that record, a digest of the file list and the modules that computed it, keyed
by the check's arguments. The next check with the same arguments lists the files again; when
the list is the same and every recorded input still holds, the kept findings are the answer,
and no registry model, rule or parser is loaded.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tools.drift_check.files import Listing
from tools.drift_check.findings import CheckResult, Edit, Finding
from tools.fleet import cache
from tools.fleet.inputs import Inputs

NAME = "checks"
VERSION = cache.code_version(__file__, extra=sys.version)
# The packages whose code decides a check's findings: a new version of one runs it again.
CODE_PACKAGES = frozenset({"tools", "pydantic", "pydantic_core", "yaml"})


def key(root: Path, registry_path: Path | None, selected: list[str] | None) -> str:
    registry = str(registry_path.absolute()) if registry_path is not None else None
    return json.dumps([str(root), registry, sorted(selected) if selected else None])


def listing_digest(paths: list[str]) -> str:
    return hashlib.blake2b("\0".join(paths).encode("utf-8", "surrogateescape")).hexdigest()


def replay(check_key: str, listing: Listing) -> CheckResult | None:
    """The kept result of this check, when the files and everything it read are unchanged."""
    stored = cache.load(NAME, VERSION, check_key)
    if not isinstance(stored, dict):
        return None
    try:
        recorded = Inputs.from_json(stored["inputs"])
        holds, refreshed = recorded.holds()
        if not holds or stored["listing"] != listing_digest(listing.paths):
            return None
        result = _decode(stored["result"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    if refreshed:  # files touched or written just before the last check: trust them from now
        cache.store(NAME, VERSION, check_key, {**stored, "inputs": recorded.to_json()})
    return result


def keep(check_key: str, paths: list[str], recorded: Inputs, result: CheckResult) -> None:
    recorded.note_code(_module_files())
    value = {
        "listing": listing_digest(paths),
        "inputs": recorded.to_json(),
        "result": _encode(result),
    }
    cache.store(NAME, VERSION, check_key, value)


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


def _encode(result: CheckResult) -> dict[str, Any]:
    return {
        "files": result.files,
        "skipped": dict(result.skipped),
        "findings": [
            [
                f.code,
                f.path,
                f.line,
                f.col,
                f.message,
                f.hint,
                f.severity,
                None
                if f.fix is None
                else [f.fix.path, f.fix.line, f.fix.col, f.fix.old, f.fix.new],
            ]
            for f in result.findings
        ],
    }


def _decode(data: dict[str, Any]) -> CheckResult:
    findings = []
    for code, path, line, col, message, hint, severity, fix in data["findings"]:
        if severity not in ("error", "warning"):
            raise ValueError(f"unknown severity {severity!r}")
        edit = (
            None
            if fix is None
            else Edit(str(fix[0]), int(fix[1]), int(fix[2]), str(fix[3]), str(fix[4]))
        )
        findings.append(
            Finding(
                str(code), str(path), int(line), int(col), str(message), str(hint), severity, edit
            )
        )
    skipped = Counter({str(kind): int(n) for kind, n in data["skipped"].items()})
    return CheckResult(findings=findings, files=int(data["files"]), skipped=skipped)
