"""The repository a command works on: its root, its registry file and its `[tool.fleet]`
settings, found one way for every command; and the desired state at a commit.

The root is `--root` when given; else the nearest folder, from the registry's folder (with
`--registry`) or the working directory upwards, that holds a `pyproject.toml` with a
`[tool.fleet]` table, a `registry/fleet.yaml`, or `.git`. The registry is `--registry` when
given; else `[tool.fleet] registry`; else `registry/fleet.yaml` under the root.

No pydantic here: a replayed `fleet check` needs only the paths.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tools.core.config import ProjectConfig, fleet_table, load_config
from tools.core.errors import FleetError

if TYPE_CHECKING:
    from tools.core.registry.model import Registry
    from tools.core.registry.outline import RegistryOutline

REGISTRY_FILE = "registry/fleet.yaml"
SCHEMA_NAME = "fleet.schema.json"


class Repository:
    """A repository fleet works on: its root, its registry file, its `[tool.fleet]` settings."""

    def __init__(self, root: Path, registry_path: Path, config: ProjectConfig) -> None:
        self.root = root  # absolute
        self.registry_path = registry_path  # absolute
        self.config = config

    @property
    def relative_registry(self) -> str:
        """The registry's path from the root; the registry must lie inside the repository."""
        try:
            return self.registry_path.relative_to(self.root).as_posix()
        except ValueError:
            raise FleetError(
                f"registry {self.registry_path} is outside the repository {self.root}: "
                "plans read it at each commit, so it must be committed there"
            ) from None

    @property
    def schema_path(self) -> Path:
        return schema_path(self.registry_path)

    @cached_property
    def registry(self) -> Registry:
        """The registry as the working tree has it, validated."""
        from tools.core.registry.load import load_registry

        return load_registry(self.registry_path)

    def revision(self, commit: str) -> Revision:
        """The desired state at `commit`: the registry that commit holds."""
        found = self.revisions([commit])[commit]
        if found is None:
            raise FleetError(f"{self.relative_registry} does not exist at {commit[:12]}")
        return found

    def revisions(self, commits: list[str]) -> dict[str, Revision | None]:
        """The desired state at each commit (None where it has no registry), read at once."""
        from tools.core import git

        path = self.relative_registry
        texts = git.read_blobs(self.root, [(commit, path) for commit in commits])
        return {
            commit: Revision(commit, texts[(commit, path)], f"{path}@{commit[:12]}")
            if (commit, path) in texts
            else None
            for commit in commits
        }


class Revision:
    """The desired state of one run: a commit, and the registry it holds. A plan, a deploy, its
    URL check and its smoke tests all read this one registry."""

    def __init__(self, commit: str, text: str, source: str) -> None:
        self.commit = commit
        self.text = text  # the registry's text at the commit
        self.source = source  # how messages name it: path@commit

    @cached_property
    def registry(self) -> Registry:
        from tools.core.registry.load import parse_registry

        return parse_registry(self.text, self.source)

    @cached_property
    def outline(self) -> RegistryOutline:
        """The registry without pydantic: what change detection reads."""
        from tools.core.registry.outline import outline

        return outline(self.text, self.source)


def open_repository(
    cwd: Path, *, root: Path | None = None, registry: Path | None = None
) -> Repository:
    """The repository for a command run in `cwd` with `--root` and `--registry` as given."""
    given = _absolute(cwd, registry) if registry is not None else None
    if root is not None:
        found = _absolute(cwd, root).resolve()
        if not found.is_dir():
            raise FleetError(f"--root {root}: not a directory")
    else:
        found = _find_root(given.parent if given is not None else cwd)
        if found is None and given is not None:  # a registry kept outside any repository
            found = _find_root(cwd) or _conventional_root(given)
        if found is None:
            raise FleetError(
                f"no {REGISTRY_FILE} in {cwd.resolve()} or its parents; pass --registry"
            )
    config = load_config(found)
    if given is not None:
        registry_path = given
    elif config.registry is not None:
        registry_path = found / config.registry
    else:
        registry_path = found / REGISTRY_FILE
    if given is None and not registry_path.is_file():
        if config.registry is not None:
            raise FleetError(
                f"no registry at {display_path(registry_path)} (from [tool.fleet] registry)"
            )
        raise FleetError(
            f"no {REGISTRY_FILE} in {found}; set [tool.fleet] registry or pass --registry"
        )
    if given is None and not registry_path.resolve().is_relative_to(found):
        # Named by the repository itself, it must be the repository's own: a link out of it
        # is read only when asked for (--registry).
        shown = display_path(registry_path)
        raise FleetError(f"{shown}: links outside the repository; pass --registry to read it")
    return Repository(found, registry_path, config)


def _absolute(cwd: Path, path: Path) -> Path:
    return path if path.is_absolute() else cwd / path


def _find_root(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        if _has_fleet_table(folder / "pyproject.toml"):
            return folder
        if (folder / REGISTRY_FILE).is_file() or (folder / ".git").exists():
            return folder
    return None


def _conventional_root(registry: Path) -> Path:
    """Outside any repository: the folder that holds `registry/`, else the registry's own."""
    folder = registry.resolve().parent
    return folder.parent if folder.name == "registry" else folder


def _has_fleet_table(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    try:
        return fleet_table(pyproject.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False
    except FleetError:
        return True  # it names fleet: load_config reports the error


def schema_path(registry_path: Path) -> Path:
    return registry_path.with_name(SCHEMA_NAME)


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory, or absolute when
    that is shorter."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return min(relative, path.as_posix(), key=len)
