"""What a rule reports: a finding at a place, with a hint, and sometimes a safe fix; and what a
check found in all."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple


class Edit(NamedTuple):
    """Replace `old` with `new` where `old` starts, at `line`:`col` (1-based) of `path`."""

    path: str
    line: int
    col: int
    old: str
    new: str


class Finding(NamedTuple):
    """Drift: every finding is an error, and any finding fails the check."""

    code: str
    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    fix: Edit | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Place, then rule, then message: two findings of one rule at one place keep an order."""
        return (self.path, self.line, self.col, self.code, self.message)


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int  # text files checked
    skipped_files: dict[str, str] = field(default_factory=dict)  # path -> why it was skipped
    # The files the per-file rules looked at, when a check was of named files only.
    selection: frozenset[str] | None = None

    @property
    def skipped(self) -> Counter[str]:
        """How many files were skipped, by why."""
        return Counter(self.skipped_files.values())
