"""Files the repository keeps for reference, and documents whose status says they are plans
(`extract.legacy`): references to retired or unknown things in them are not reported.

Whether a file is kept is read from other files (a README above it), so it is decided after
every check, kept result or not, for the few files that hold such a finding: a check that
replays or updates a kept result stays equal to one from scratch whatever was edited.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tools.core.paths import folders_up
from tools.drift_check.extract.markdown import MARKDOWN
from tools.drift_check.selection import DOCUMENTS, HISTORY_CODES

if TYPE_CHECKING:
    from tools.drift_check.findings import Finding
    from tools.drift_check.source import SourceFile


def unkept(
    root: Path, findings: Iterable[Finding], paths: Callable[[], list[str]]
) -> list[Finding]:
    """The findings, less references to retired or unknown things in kept files. `paths`:
    the repository's files, as the check listed them."""
    findings = list(findings)
    if not any(f.code in HISTORY_CODES for f in findings):
        return findings
    kept = Kept(root, paths)
    return [
        f
        for f in findings
        if f.code not in HISTORY_CODES or not (kept(f.path) or kept.dated(f.path, f.line))
    ]


class Kept:
    def __init__(self, root: Path, paths: Callable[[], list[str]]) -> None:
        self._root = root
        self._paths = paths
        self._folders: dict[str, list[str]] = {}
        self._answers: dict[str, bool] = {}
        self._by_name: dict[str, list[str]] | None = None
        self._read: dict[str, SourceFile | None] = {}  # documents a finding's line is read in

    def __call__(self, path: str) -> bool:
        """Whether the file's header calls it legacy, or a document in its folder or a folder
        above it names it on a line, or under a heading, that does."""
        if path not in self._answers:
            self._answers[path] = self._kept(path)
        return self._answers[path]

    def dated(self, path: str, line: int) -> bool:
        """Whether a document's line is in a dated entry of a log (`### 2026-04-11 — ...`)."""
        if path.rsplit(".", 1)[-1].lower() not in MARKDOWN:
            return False
        from tools.drift_check.extract import legacy
        from tools.drift_check.files import TextFiles

        if path not in self._read:
            self._read[path] = TextFiles(self._root, [path]).get(path)
        source = self._read[path]
        return source is not None and legacy.under_a_dated_heading(source, line)

    def _kept(self, path: str) -> bool:
        # Read only for a finding to judge: a check that replays its kept result, and finds
        # nothing to judge, loads no parser.
        from tools.drift_check.extract import legacy
        from tools.drift_check.files import TextFiles

        here = path.rsplit("/", 1)[0] if "/" in path else ""
        documents = [d for folder in folders_up(here) for d in self._documents(folder)]
        files = TextFiles(self._root, [path, *documents])
        source = files.get(path)
        if source is not None and (
            legacy.header_says_legacy(source) or legacy.header_says_planned(source)
        ):
            return True
        name = path.rsplit("/", 1)[-1]
        naming = [d for d in files.read(documents) if name in d.text]
        namesakes = self._namesakes().get(name, []) if naming else []
        return any(legacy.names_as_legacy(d, path, namesakes) for d in naming)

    def _namesakes(self) -> dict[str, list[str]]:
        """The repository's files by name, indexed once, when a document names one."""
        if self._by_name is None:
            self._by_name = {}
            for listed in self._paths():
                self._by_name.setdefault(listed.rsplit("/", 1)[-1], []).append(listed)
        return self._by_name

    def _documents(self, folder: str) -> list[str]:
        """The documents in `folder` (relative; `""` is the root), as regular files."""
        if folder not in self._folders:
            try:
                entries = list(os.scandir(self._root / folder))
            except OSError:
                entries = []
            self._folders[folder] = sorted(
                f"{folder}/{entry.name}" if folder else entry.name
                for entry in entries
                if entry.name.rsplit(".", 1)[-1].lower() in DOCUMENTS
                and "." in entry.name
                and entry.is_file(follow_symlinks=False)
            )
        return self._folders[folder]
