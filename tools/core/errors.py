"""The one error type that the CLI turns into `path:line: message` and exit code 2, and the
exit codes of every command."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings, failed deploys, failed smoke tests
EXIT_USAGE = 2  # bad input or configuration: a FleetError
EXIT_INTERNAL = 3  # a bug: the traceback goes to a log file


class Problem(NamedTuple):
    """One problem with the user's input, located where it can be located."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class FleetError(Exception):
    """Bad input or configuration: reported as one line per problem, exit code 2."""

    def __init__(self, *problems: Problem | str) -> None:
        self.problems = tuple(p if isinstance(p, Problem) else Problem(p) for p in problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def said(error: BaseException) -> str:
    """An exception in one line for a report: its type and the first line of its message."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
