"""Findings as SARIF 2.1.0, with rule metadata, for GitHub code scanning."""

from __future__ import annotations

import json
from typing import Any

from tools.core import __version__
from tools.drift_check.findings import CheckResult
from tools.drift_check.rules import ALL_RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ryla/fleet"


def document(result: CheckResult) -> dict[str, Any]:
    index = {rule.code: i for i, rule in enumerate(ALL_RULES)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fleet",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.summary},
                                "help": {"text": rule.documentation.strip()},
                                "defaultConfiguration": {"level": "error"},
                            }
                            for rule in ALL_RULES
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///"}},
                "results": [
                    {
                        "ruleId": f.code,
                        "ruleIndex": index[f.code],
                        "level": "error",
                        "message": {"text": f"{f.message}. {f.hint}" if f.hint else f.message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                                    "region": {"startLine": f.line, "startColumn": f.col},
                                }
                            }
                        ],
                    }
                    for f in result.findings
                ],
            }
        ],
    }


def render(result: CheckResult) -> str:
    return json.dumps(document(result), indent=2) + "\n"
