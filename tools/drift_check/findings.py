"""What a rule reports: a finding at a place, with a hint, and sometimes a safe fix."""

from __future__ import annotations

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
