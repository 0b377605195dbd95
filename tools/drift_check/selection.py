"""Which findings a check reports: ruff's `select`, `ignore` and `per-file-ignores`, and no
reference to a retired or unknown thing in a historical document.

Every rule runs whatever is selected, so that a kept check serves any selection and a
suppression of a rule that is not selected is still known to be used; the selection is applied
to the findings last. A selector is a code (`FL008`), a prefix of codes (`FL00`) or `ALL`.

A historical document (a changelog, release notes, an ADR, an archive, a dated spec, a plan,
proposal or RFC, research notes, a work-session log) records what was true then, or what was
meant to be: that it names a removed endpoint, a deploy command or a setting of its day is not
drift. Its references (FL003, FL004, FL005, FL008, FL009, FL013 to FL017) are not reported
unless `history = []`. A document is dated by a date in its name or in the name of a folder it
is in (`docs/specs/2025-03-14-faces.md`, `docs/2026-01-18-qwen-integration/plan.md`), a
plan by its name (`SUPABASE_INTEGRATION_PLAN.md`, `RFC_ARCHITECTURE.md`), and so is the record
of an investigation (`TIMEOUT_ANALYSIS.md`, `ROOT-CAUSE-FIXED.md`, `DEBUG-SESSION.md`). A
record of a run (JSON, a log, CSV) named by its time (`results/verify_20260202_020129.json`),
or in a dated folder (`records/2026-03-22_baseline/metrics.json`,
`runs/pro-20260516T222314Z/p01.json`), is historical too, and so is every file of a folder
named `archive/` (code kept for the record beside the documents).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tools.core.config import ProjectConfig
from tools.core.errors import FleetError, Problem
from tools.core.globs import GlobSet
from tools.drift_check.findings import Finding

# The references a historical document may hold of its day.
HISTORY_CODES = frozenset(
    {"FL003", "FL004", "FL005", "FL008", "FL009", "FL013", "FL014", "FL015", "FL016", "FL017"}
)
DEFAULT_HISTORY = (
    "CHANGELOG*",
    "CHANGES*",
    "HISTORY*",
    "NEWS*",
    "RELEASE_NOTES*",
    "RELEASE-NOTES*",
    "**/changelog/",
    "**/changelogs/",
    "**/history/",
    "**/archive/",
    "**/archived/",
    "**/adr/",
    "**/adrs/",
    "**/decisions/",
    "**/rfcs/",
    "**/release-notes/",
    "**/postmortems/",
    # Plans, proposals, research and work-session logs: what was meant or tried, not what is.
    "**/plans/",
    "**/planning/",
    "**/proposals/",
    "**/research/",
    "**/sessions/",
    "**/drafts/",
)
# The suffixes of documents: prose, history, references kept for the record.
DOCUMENTS = frozenset({"md", "mdx", "mdc", "markdown", "rst", "txt", "adoc"})
_DOCUMENTS = tuple(f".{suffix}" for suffix in sorted(DOCUMENTS))
# A date in a path's file or folder name (`2025-03-14-split-apps.md`, `spec-2025-03-14.md`,
# `2026-01-18-qwen-integration/plan.md`).
_DATED = re.compile(r"(?:^|[^0-9])(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9](?:[^0-9]|$)")
_RECORDS = (".json", ".jsonl", ".ndjson", ".log", ".csv", ".tsv")
# A document named as a plan of what is to come (`SUPABASE_INTEGRATION_PLAN.md`,
# `modal-xgrammar-setup-plan.md`, `RFC_LIFT_ARCHITECTURE.md`, `roadmap.md`).
_PLANNED = re.compile(
    r"(?:^|[^a-z])(?:plan|plans|proposal|rfc|roadmap|draft)(?:[^a-z]|$)", re.IGNORECASE
)
# A document named as the record of an investigation (`ASIA_TIMEOUT_ANALYSIS.md`,
# `EXECUTION-FAILURE-ROOT-CAUSE-FIXED.md`, `HEALTH-CHECK-DEBUG-SESSION.md`, `BUG_REPORT.md`):
# what was found then, as a postmortem is.
_INVESTIGATED = re.compile(
    r"(?:^|[^a-z])(?:analysis|report|root[-_ ]?cause|forensics?|debug|incident|investigation"
    r"|postmortem|post[-_]mortem)(?:[^a-z]|$)",
    re.IGNORECASE,
)
# A folder that says it keeps what it holds for the record, code and all.
_ARCHIVED = re.compile(r"/(?:archive|archived|archives)/")
# A time in a record's file name: 2026-02-02, or 20260202 as timestamps are written.
_STAMPED = re.compile(r"(?:^|[^0-9])(?:19|20)[0-9]{2}-?[01][0-9]-?[0-3][0-9](?:[^0-9]|$)")


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


@functools.cache
def _globs(patterns: tuple[str, ...]) -> GlobSet:
    return GlobSet(patterns)


@dataclass(frozen=True)
class Selection:
    codes: frozenset[str] | None  # the rules reported; None: every rule
    per_file: tuple[tuple[GlobSet, frozenset[str]], ...] = ()
    history: tuple[str, ...] = ()  # globs, compiled when a finding needs them
    dated: bool = False  # a document with a date in its path is historical

    @classmethod
    def from_config(
        cls, config: ProjectConfig, select: list[str] | None = None, ignore: list[str] | None = None
    ) -> Selection | None:
        """The configuration's selection; `select` and `ignore` from the command line replace
        the configuration's. None when every finding is reported."""
        history = DEFAULT_HISTORY if config.history is None else config.history
        codes: frozenset[str] | None = None
        if select or ignore or config.select or config.ignore:
            chosen = select if select else config.select
            where = "--select" if select else "tool.fleet.select"
            codes = _codes(chosen, where) if chosen else _all_codes()
            ignored = ignore if ignore else config.ignore
            codes -= _codes(ignored, "--ignore" if ignore else "tool.fleet.ignore")
        per_file = tuple(
            (GlobSet([glob]), _codes(selectors, f"tool.fleet.per-file-ignores.{glob}"))
            for glob, selectors in config.per_file_ignores
        )
        if codes is None and not per_file and not history:
            return None
        return cls(codes, per_file, tuple(history), config.history is None)

    def historical(self, path: str) -> bool:
        """Whether `path` is a document of the `history` globs, or (by default) a document
        with a date in its file name or in the name of any folder it is in, or a record of a
        run with a time in its file name or in a folder's."""
        lowered = path.lower()
        if self.dated and _ARCHIVED.search(f"/{lowered}"):
            return True  # a folder kept for the record: its code too (`archive/2025-06/x.py`)
        if lowered.endswith(_RECORDS):  # by its time, or the date of a folder it is in
            folder, _, name = path.rpartition("/")
            stamped = _STAMPED.search(name) is not None or _STAMPED.search(folder) is not None
            return self.dated and stamped
        if not lowered.endswith(_DOCUMENTS):
            return False
        if self.history and _globs(self.history).match(path):
            return True
        name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        named = _PLANNED.search(name) is not None or _INVESTIGATED.search(name) is not None
        return self.dated and (_DATED.search(path) is not None or named)

    def reports(self, finding: Finding) -> bool:
        if self.codes is not None and finding.code not in self.codes:
            return False
        if finding.code in HISTORY_CODES and self.historical(finding.path):
            return False
        return not any(
            finding.code in codes and globs.match(finding.path) for globs, codes in self.per_file
        )

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        return [finding for finding in findings if self.reports(finding)]
