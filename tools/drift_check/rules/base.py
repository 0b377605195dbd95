"""What every rule is: a code, a name, a summary and documentation; and what most rules are
besides: a check over the project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tools.drift_check.findings import Finding
    from tools.drift_check.project import Project


class RuleInfo(Protocol):
    code: str
    name: str
    summary: str
    # What it does / Why it matters / Example / Fix: printed by `fleet check --explain CODE`.
    documentation: str


class Rule(RuleInfo, Protocol):
    def check(self, project: Project) -> Iterator[Finding]: ...
