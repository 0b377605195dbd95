"""What every rule is: a code, a name, a summary and documentation; and what most rules are
besides: a check over the project."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tools.drift_check.findings import Finding
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


class RuleInfo(Protocol):
    code: str
    name: str
    summary: str
    # What it does / Why it matters / Example / Fix: printed by `fleet check --explain CODE`.
    documentation: str


class Rule(RuleInfo, Protocol):
    def check(self, project: Project) -> Iterator[Finding]: ...


def prose_test(source: SourceFile) -> Callable[[int], bool]:
    """For a Python file: whether an offset lies in a comment or a docstring (prose about the
    code, not code that runs)."""
    from tools.drift_check.extract.python import python_facts

    facts = python_facts(source)
    docstrings = facts.docstrings if facts is not None else []

    def prose(offset: int) -> bool:
        line, col = source.position(offset)
        if "#" in source.lines[line - 1][: col - 1]:
            return True
        return any(start <= line <= end for start, end in docstrings)

    return prose
