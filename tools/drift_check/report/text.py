"""Findings for people: grouped by file, `path:line:col: CODE message`, a hint, a summary."""

from __future__ import annotations

from itertools import groupby

from tools.drift_check.files import LINKS_OUT
from tools.drift_check.findings import CheckResult

_BOLD, _RED, _DIM, _RESET = "\033[1m", "\033[31m", "\033[2m", "\033[0m"


def render(result: CheckResult, *, colour: bool = False) -> str:
    """The report, in ANSI colour when `colour` says so."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        for finding in group:
            lines.append(
                f"{paint(_BOLD, path)}:{finding.line}:{finding.col}: "
                f"{paint(_RED, finding.code)} {finding.message}"
            )
            if finding.hint:
                lines.append(paint(_DIM, f"  hint: {finding.hint}"))
        lines.append("")
    # A link out of the repository is named: it is never read, and someone should know.
    lines += [
        f"{paint(_BOLD, path)}: not read: {why}"
        for path, why in result.skipped_files.items()
        if why == LINKS_OUT
    ]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: CheckResult) -> str:
    skipped = sum(result.skipped.values())
    skipped_text = ""
    if skipped:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.skipped.items()))
        skipped_text = f"; {skipped} skipped ({kinds})"
    checked = f"{_plural(result.files, 'file')} checked{skipped_text}"
    if not result.findings:
        return f"No problems found: {checked}."
    files = _plural(len({f.path for f in result.findings}), "file")
    return f"Found {_plural(len(result.findings), 'problem')} in {files}: {checked}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
