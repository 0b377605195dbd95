"""Findings for programs: a stable JSON document.

    {"version": 2,
     "summary": {"files": int, "skipped": {kind: int}, "findings": int},
     "skipped_files": {path: kind},
     "findings": [{"code", "rule", "path", "line", "col", "message", "hint", "fixable"}]}

Every finding is an error. Findings are sorted by path, line, column, code and message;
within a version, fields are only ever added (version 1 had severities, never used).
"""

from __future__ import annotations

import json
from typing import Any

from tools.drift_check.findings import CheckResult
from tools.drift_check.rules import RULES_BY_CODE

VERSION = 2


def document(result: CheckResult) -> dict[str, Any]:
    return {
        "version": VERSION,
        "summary": {
            "files": result.files,
            "skipped": dict(sorted(result.skipped.items())),
            "findings": len(result.findings),
        },
        "skipped_files": dict(sorted(result.skipped_files.items())),
        "findings": [
            {
                "code": f.code,
                "rule": RULES_BY_CODE[f.code].name,
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
