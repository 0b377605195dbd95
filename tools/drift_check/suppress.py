"""Inline suppressions, in any comment syntax, on the offending line or the line above it.

The comment is `fleet: ignore[` then one or more rule codes (`FL` and three digits, separated
by commas) then `]`, after `#`, `//` or inside `<!-- -->`. A suppression that suppresses
nothing is a finding of its own (FL010).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from tools.drift_check.findings import Finding
from tools.drift_check.source import SourceFile

UNUSED_CODE = "FL010"
_SUPPRESSION = re.compile(r"fleet:\s*ignore\[(FL\d{3}(?:\s*,\s*FL\d{3})*)\]")


class Suppression(NamedTuple):
    path: str
    line: int
    col: int
    code: str


def suppressions(source: SourceFile) -> list[Suppression]:
    if "fleet:" not in source.text:
        return []
    found = []
    for match in _SUPPRESSION.finditer(source.text):
        line, col = source.position(match.start())
        for code in match[1].split(","):
            if code.strip():
                found.append(Suppression(source.path, line, col, code.strip()))
    return found


def apply_suppressions(
    findings: Iterable[Finding], sources: Iterable[SourceFile], others: Iterable[SourceFile] = ()
) -> list[Finding]:
    """The findings no suppression covers, plus one FL010 for each unused suppression.

    Suppressions in `others` (files outside a selection, where registry-wide rules reported)
    apply too; they are never reported unused, as the per-file rules did not run there.
    """
    by_place: dict[tuple[str, int, str], Suppression] = {}
    for source in others:
        for suppression in suppressions(source):
            by_place[(suppression.path, suppression.line, suppression.code)] = suppression
    used: set[Suppression] = set(by_place.values())
    for source in sources:
        for suppression in suppressions(source):
            by_place[(suppression.path, suppression.line, suppression.code)] = suppression
    kept = []
    for finding in findings:
        cover = by_place.get((finding.path, finding.line, finding.code)) or by_place.get(
            (finding.path, finding.line - 1, finding.code)
        )
        if cover is None:
            kept.append(finding)
        else:
            used.add(cover)
    kept += [
        Finding(
            code=UNUSED_CODE,
            path=s.path,
            line=s.line,
            col=s.col,
            message=f"suppression of {s.code} suppresses nothing",
            hint="remove it",
        )
        for s in by_place.values()
        if s not in used
    ]
    return kept
