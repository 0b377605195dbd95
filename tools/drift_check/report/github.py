"""Findings as GitHub workflow commands (annotations), and the Markdown step summary.

GitHub shows at most 10 error annotations per step; the rest are counted in one notice and
listed in full in the step summary.
"""

from __future__ import annotations

from tools.drift_check.findings import CheckResult
from tools.drift_check.report.text import summary

MAX_ANNOTATIONS = 10


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult) -> str:
    lines = []
    shown = result.findings[:MAX_ANNOTATIONS]
    for finding in shown:
        message = f"{finding.message} ({finding.hint})" if finding.hint else finding.message
        lines.append(
            f"::error file={_escape_property(finding.path)},"
            f"line={finding.line},col={finding.col},title={finding.code}::{_escape_data(message)}"
        )
    hidden = len(result.findings) - len(shown)
    if hidden:
        lines.append(f"::notice::{hidden} more problems are listed in the step summary")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def step_summary(result: CheckResult) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the counts and every finding."""
    lines = ["## fleet check", "", summary(result), ""]
    if result.findings:
        lines += ["| file | line | rule | problem |", "|---|---|---|---|"]
        lines += [
            f"| `{f.path}` | {f.line} | {f.code} | {f.message.replace('|', chr(92) + '|')} |"
            for f in result.findings
        ]
        lines.append("")
    return "\n".join(lines) + "\n"
