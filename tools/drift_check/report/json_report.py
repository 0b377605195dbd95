"""Findings for programs: a stable JSON document.

    {"version": 1,
     "summary": {"files": int, "skipped": {kind: int}, "errors": int, "warnings": int},
     "findings": [{"code", "rule", "severity", "path", "line", "col", "message", "hint",
                   "fixable"}]}

Findings are sorted by path, line, column, code and message; fields are only ever added.
"""

from __future__ import annotations

import json
from typing import Any

from tools.drift_check.findings import CheckResult
from tools.drift_check.rules import RULES_BY_CODE

VERSION = 1


def document(result: CheckResult) -> dict[str, Any]:
    return {
        "version": VERSION,
        "summary": {
            "files": result.files,
            "skipped": dict(sorted(result.skipped.items())),
            "errors": result.errors,
            "warnings": result.warnings,
        },
        "findings": [
            {
                "code": f.code,
                "rule": RULES_BY_CODE[f.code].name,
                "severity": f.severity,
                "path": f.path,
                "line": f.line,
                "col": f.col,
                "message": f.message,
                "hint": f.hint,
                "fixable": f.fix is not None,
            }
            for f in result.findings
        ],
    }


def render(result: CheckResult) -> str:
    return json.dumps(document(result), indent=2) + "\n"
