"""Everything a rule reads: the registry, its index, the files, and what the user selected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tools.drift_check.config import CheckConfig
from tools.drift_check.files import TextFiles
from tools.drift_check.index import RegistryIndex
from tools.drift_check.source import SourceFile
from tools.fleet import inputs
from tools.fleet.registry.model import Registry
from tools.fleet.yaml_lines import LocatedYaml


@dataclass
class Project:
    root: Path
    registry: Registry
    registry_path: str  # relative to root
    registry_lines: LocatedYaml
    config: CheckConfig
    files: TextFiles
    # Files named on the command line (as pre-commit passes them); None checks every file.
    selected: frozenset[str] | None = None
    index: RegistryIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = RegistryIndex(self.registry)

    def registry_line(self, *loc: str | int) -> int:
        return self.registry_lines.line_of(loc)

    @cached_property
    def _by_folder(self) -> dict[str, list[str]]:
        by_folder: dict[str, list[str]] = {}
        for path in self.files.candidates:
            parts = path.split("/")
            for depth in range(1, len(parts)):
                by_folder.setdefault("/".join(parts[:depth]), []).append(path)
        return by_folder

    def files_under(self, folder: str) -> list[SourceFile]:
        """The text files below `folder`."""
        return list(self.files.read(self._by_folder.get(folder.rstrip("/"), [])))

    def file(self, path: str) -> SourceFile | None:
        return self.files.get(path)

    def exists(self, path: str) -> bool:
        return self.files.get(path) is not None or inputs.is_file(str(self.root / path))

    def scanned(self, *suffixes: str) -> Iterator[SourceFile]:
        """The files per-file rules look at: the selection, else all; optionally by suffix."""
        paths = self.files.candidates
        if self.selected is not None:
            paths = [p for p in paths if p in self.selected]
        for source in self.files.read(paths):
            if not suffixes or source.suffix in suffixes:
                yield source
