"""Which findings a check reports: ruff's `select`, `ignore` and `per-file-ignores`.

Every rule runs whatever is selected, so that a kept check serves any selection and a
suppression of a rule that is not selected is still known to be used; the selection is applied
to the findings last. A selector is a code (`FL008`), a prefix of codes (`FL00`) or `ALL`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tools.core.config import ProjectConfig
from tools.core.errors import FleetError, Problem
from tools.core.globs import GlobSet
from tools.drift_check.findings import Finding


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _all_codes() -> frozenset[str]:
    from tools.drift_check.rules import RULES_BY_CODE  # only when a selection is configured

    return frozenset(RULES_BY_CODE)


def _codes(selectors: Iterable[str], where: str) -> frozenset[str]:
    codes: set[str] = set()
    for selector in selectors:
        matched = {code for code in _all_codes() if _matches(selector, code)}
        if not matched:
            message = f"{where}: {selector!r} selects no rule (`fleet check --list-rules`)"
            if where.startswith("--"):
                raise FleetError(message)
            raise FleetError(Problem(message, "pyproject.toml"))
        codes |= matched
    return frozenset(codes)


@dataclass(frozen=True)
class Selection:
    codes: frozenset[str]  # the rules reported
    per_file: tuple[tuple[GlobSet, frozenset[str]], ...] = ()

    @classmethod
    def from_config(
        cls, config: ProjectConfig, select: list[str] | None = None, ignore: list[str] | None = None
    ) -> Selection | None:
        """The configuration's selection; `select` and `ignore` from the command line replace
        the configuration's. None when every finding is reported."""
        if not (select or ignore or config.select or config.ignore or config.per_file_ignores):
            return None
        chosen = select if select else config.select
        where = "--select" if select else "tool.fleet.select"
        codes = _codes(chosen, where) if chosen else _all_codes()
        ignored = ignore if ignore else config.ignore
        codes -= _codes(ignored, "--ignore" if ignore else "tool.fleet.ignore")
        per_file = tuple(
            (GlobSet([glob]), _codes(selectors, f"tool.fleet.per-file-ignores.{glob}"))
            for glob, selectors in config.per_file_ignores
        )
        return cls(codes, per_file)

    def reports(self, finding: Finding) -> bool:
        if finding.code not in self.codes:
            return False
        return not any(
            finding.code in codes and globs.match(finding.path) for globs, codes in self.per_file
        )

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        return [finding for finding in findings if self.reports(finding)]
