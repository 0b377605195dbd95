"""A baseline: the findings a team has accepted for now, so that only new ones fail a check.

A finding is known by its rule, its file, its message and the text of its line (stripped),
never by its line number: code moved up or down keeps its findings in the baseline, while an
edit of the offending line, or a new finding with the same message, is reported. Findings
alike in all four are counted, so a second copy of a known mistake is new.

The file is JSON, sorted, one entry per kind of finding, to be committed and read in review:

    {"version": 1, "findings": [{"code": "FL003", "path": "docs/a.md",
      "message": "...", "line": "curl https://...", "count": 2}]}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tools.core.errors import FleetError, Problem
from tools.core.fs import read_document, read_in_repository, write_output
from tools.drift_check.findings import Finding

VERSION = 1
_LINE_CHARS = 200  # of the offending line kept: enough to tell lines apart, short in review

Key = tuple[str, str, str, str]


class _Lines:
    """The lines of the files findings point at, each file read once."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._files: dict[str, list[str]] = {}

    def text(self, path: str, line: int) -> str:
        if path not in self._files:
            try:
                text = read_in_repository(self._root, path)
            except FleetError:
                text = None
            self._files[path] = [] if text is None else text.split("\n")
        lines = self._files[path]
        return lines[line - 1].strip()[:_LINE_CHARS] if 0 < line <= len(lines) else ""


def _keys(root: Path, findings: Iterable[Finding]) -> list[Key]:
    lines = _Lines(root)
    return [(f.code, f.path, f.message, lines.text(f.path, f.line)) for f in findings]


def outside(root: Path, path: Path, findings: list[Finding]) -> list[Finding]:
    """The findings not in the baseline file itself, which quotes the lines it accepts."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return findings
    return [finding for finding in findings if finding.path != relative]


def load(path: Path) -> Counter[Key]:
    """The baseline in `path`; a FleetError naming it when it is not one."""
    text = read_document(path, path, missing="no such baseline; --update-baseline writes it")
    try:
        data = json.loads(text)
        if data.get("version") != VERSION:
            raise ValueError(f"version must be {VERSION}")
        return Counter(
            {
                (e["code"], e["path"], e["message"], e["line"]): int(e["count"])
                for e in data["findings"]
            }
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise FleetError(Problem(f"not a fleet baseline: {reason}", path)) from None


def new_findings(root: Path, findings: list[Finding], known: Counter[Key]) -> list[Finding]:
    """The findings the baseline does not account for."""
    left = Counter(known)
    new = []
    for finding, key in zip(findings, _keys(root, findings), strict=True):
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(finding)
    return new


def write(root: Path, path: Path, findings: list[Finding]) -> None:
    counts = Counter(_keys(root, findings))
    entries = [
        {"code": code, "path": where, "message": message, "line": line, "count": count}
        for (code, where, message, line), count in sorted(counts.items())
    ]
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False)
    write_output(path, text + "\n")
