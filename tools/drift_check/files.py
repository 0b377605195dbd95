"""The files a check reads: git's view of the work tree, or every file outside a repository.

Binary, huge and undecodable files are skipped and counted, never read as text.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from tools.core import inputs
from tools.core.git import GitError, Pending, list_work_tree, work_tree_paths
from tools.core.globs import GlobSet
from tools.drift_check.source import SourceFile

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
    # Copies an editor or a person set aside (`Dockerfile.flyio.bak`): nothing runs them.
    "*.bak",
    "*.orig",
    "*~",
    # A second copy a browser or a file manager made (`README (1).md`).
    "* (?).*",
    "* (??).*",
)


def list_paths(root: Path) -> list[str]:
    return Listing(root).paths


class Listing:
    """The files of `root` (`list_paths`): git lists them in the background until asked,
    from any thread."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._paths: list[str] | None = None
        try:
            self._pending: Pending | None = list_work_tree(root)
        except GitError:
            self._pending = None

    @property
    def paths(self) -> list[str]:
        with self._lock:
            if self._paths is None:
                self._paths = self._listed()
            return self._paths

    def _listed(self) -> list[str]:
        if self._pending is not None:
            try:
                return work_tree_paths(self._pending.output())
            except GitError:
                pass
        return _walk(self._root)


def _walk(root: Path) -> list[str]:
    paths = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in WALK_SKIP_DIRS)
        relative = Path(folder).relative_to(root)
        paths += [(relative / name).as_posix() for name in names]
    return sorted(paths)


class TextFiles:
    """The files a check may read (`candidates`), each read once, when a rule first asks.

    A check of every file reads them all; a check of named files reads those, and the few that
    registry-wide rules look at (an app's folder, a generated file).
    """

    def __init__(self, root: Path, candidates: list[str]) -> None:
        self._base = str(root)
        self.candidates = candidates
        self._known = frozenset(candidates)
        self._read: dict[str, SourceFile | None] = {}
        self.skipped: dict[str, str] = {}  # path -> binary, huge, undecodable or unreadable

    def get(self, path: str) -> SourceFile | None:
        """The text of a candidate; None for any other path and for a skipped file."""
        if path in self._read:
            return self._read[path]
        if path not in self._known:
            return None
        source = _read(self._base, path, self.skipped)
        self._read[path] = source
        return source

    def read(self, paths: Iterable[str]) -> Iterator[SourceFile]:
        for path in paths:
            source = self.get(path)
            if source is not None:
                yield source


def candidates(paths: list[str], exclude: GlobSet, include: GlobSet) -> list[str]:
    """The listed paths a check reads: not excluded, and included when globs are given."""
    excluded = exclude.matching(paths)
    kept = [path for path in paths if path not in excluded]
    if include.patterns:
        included = include.matching(kept)
        kept = [path for path in kept if path in included]
    return kept


def _raw(base: str, full: str) -> bytes | None:
    """The file's first bytes; None for a symlink that leads outside the repository."""
    try:
        return inputs.read_bytes(full, MAX_FILE_BYTES + 1, follow=False)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
    # A symlink: read where it leads only when that is inside the repository.
    if not os.path.realpath(full).startswith(os.path.realpath(base) + os.sep):
        return None
    return inputs.read_bytes(full, MAX_FILE_BYTES + 1)


def _read(base: str, path: str, skipped: dict[str, str]) -> SourceFile | None:
    full = os.path.join(base, path)
    try:
        raw = _raw(base, full)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        inputs.note_missing(full)
        return None  # deleted since git listed it, or a submodule
    except OSError:
        raw, why = None, "unreadable"
    else:
        why = LINKS_OUT
    if raw is None:
        inputs.note_unread(full)
        skipped[path] = why
        return None
    text = _text(raw)
    if isinstance(text, SkipReason):
        skipped[path] = text.why
        return None
    return SourceFile(path=path, text=text)


LINKS_OUT = "links outside the repository"


class SkipReason(NamedTuple):
    why: str


def _text(raw: bytes) -> str | SkipReason:
    if len(raw) > MAX_FILE_BYTES:
        return SkipReason("huge")
    if b"\0" in raw[:BINARY_SNIFF_BYTES]:
        return SkipReason("binary")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return SkipReason("undecodable")
