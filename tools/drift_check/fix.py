"""Safe fixes: apply the edits findings carry, or show them as a unified diff."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tools.core.fs import read_in_repository, rewrite_in_repository
from tools.drift_check.findings import Edit, Finding
from tools.drift_check.source import SourceFile


@dataclass(frozen=True)
class FixedFile:
    path: str
    before: str
    after: str
    edits: int


def plan_fixes(root: Path, findings: list[Finding]) -> list[FixedFile]:
    """The new text of every file that fixable findings touch; nothing is written."""
    edits: dict[str, list[Edit]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None:
            edits[finding.fix.path].append(finding.fix)
    return [
        fixed for path in sorted(edits) if (fixed := _apply(root, path, edits[path])) is not None
    ]


def _apply(root: Path, path: str, edits: list[Edit]) -> FixedFile | None:
    before = read_in_repository(root, path)
    if before is None:
        return None
    source = SourceFile(path, before)
    placed = sorted({(source.offset(e.line, e.col), e.old, e.new) for e in edits}, reverse=True)
    after = before
    applied = 0
    limit = len(after) + 1
    for offset, old, new in placed:
        # An edit whose text moved, or that overlaps one already applied, is left reported.
        if offset + len(old) > limit or after[offset : offset + len(old)] != old:
            continue
        after = after[:offset] + new + after[offset + len(old) :]
        limit = offset
        applied += 1
    return FixedFile(path, before, after, applied) if applied else None


def write_fixes(root: Path, fixes: list[FixedFile]) -> None:
    for fixed in fixes:
        rewrite_in_repository(root, fixed.path, fixed.after)


def unified_diff(fixes: list[FixedFile]) -> str:
    return "".join(
        "".join(
            difflib.unified_diff(
                fixed.before.splitlines(keepends=True),
                fixed.after.splitlines(keepends=True),
                fromfile=f"a/{fixed.path}",
                tofile=f"b/{fixed.path}",
            )
        )
        for fixed in fixes
    )
