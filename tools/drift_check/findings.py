"""What a rule reports: a finding at a place, with a hint, and sometimes a safe fix; and what a
check found in all."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Edit:
    """Replace `old` with `new` where `old` starts, at `line`:`col` (1-based) of `path`."""

    path: str
    line: int
    col: int
    old: str
    new: str


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: Severity = "error"
    fix: Edit | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    skipped: Counter[str]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")
