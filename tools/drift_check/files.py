"""The files a check reads: git's view of the work tree, or every file outside a repository.

Binary, huge and undecodable files are skipped and counted, never read as text.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tools.drift_check.globs import GlobSet
from tools.drift_check.source import SourceFile
from tools.fleet import inputs
from tools.fleet.git import GitUnavailable, Pending, list_work_tree, work_tree_paths

MAX_FILE_BYTES = 1024 * 1024
BINARY_SNIFF_BYTES = 8192
# Outside git, these are never the repository's own text.
WALK_SKIP_DIRS = frozenset({".git", ".hg", "node_modules", ".venv", "venv", "__pycache__"})
# Defaults that hold in every repository: other tools' caches and vendored code.
DEFAULT_EXCLUDE = (
    "node_modules/",
    ".venv/",
    "**/__pycache__/",
    "*.lock",
    "package-lock.json",
)


@dataclass
class FileSet:
    files: list[SourceFile]
    skipped: Counter[str] = field(default_factory=Counter)


def list_paths(root: Path) -> list[str]:
    return Listing(root).paths


class Listing:
    """The files of `root` (`list_paths`): git lists them in the background until asked."""

    def __init__(self, root: Path) -> None:
        self._root = root
        try:
            self._pending: Pending | None = list_work_tree(root)
        except GitUnavailable:
            self._pending = None

    @cached_property
    def paths(self) -> list[str]:
        if self._pending is not None:
            try:
                return work_tree_paths(self._pending.output())
            except GitUnavailable:
                pass
        return _walk(self._root)


def _walk(root: Path) -> list[str]:
    paths = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in WALK_SKIP_DIRS)
        relative = Path(folder).relative_to(root)
        paths += [(relative / name).as_posix() for name in names]
    return sorted(paths)


def read_files(root: Path, paths: list[str], exclude: GlobSet, include: GlobSet) -> FileSet:
    result = FileSet(files=[])
    base = str(root)
    for path in paths:
        if exclude.match(path) or (include.patterns and not include.match(path)):
            continue
        source = _read(os.path.join(base, path), path, result.skipped)
        if source is not None:
            result.files.append(source)
    return result


def _read(full: str, path: str, skipped: Counter[str]) -> SourceFile | None:
    try:
        raw = inputs.read_bytes(full, MAX_FILE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        inputs.note_missing(full)
        return None  # deleted since git listed it, or a submodule
    except OSError:
        skipped["unreadable"] += 1
        return None
    if len(raw) > MAX_FILE_BYTES:
        skipped["huge"] += 1
        return None
    if b"\0" in raw[:BINARY_SNIFF_BYTES]:
        skipped["binary"] += 1
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        skipped["undecodable"] += 1
        return None
    return SourceFile(path=path, text=text)
