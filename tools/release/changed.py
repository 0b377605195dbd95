"""Which apps a range of commits changes, each with its reasons; which apps it removes.

An app is selected when a changed file (either side of a rename) is in its folder, is a
repository module it imports (transitively), or lies under a path its image mounts; when its
own registry entry differs between base and head; or when a registry trigger matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tools.core import git
from tools.core.errors import FleetError
from tools.core.globs import GlobSet
from tools.core.registry.model import App, Registry
from tools.core.repository import Repository, Revision
from tools.release.dependencies import DependencyIndex


@dataclass(frozen=True)
class AppChange:
    key: str
    name: str
    dir: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ChangePlan:
    base: str
    head: str
    apps: tuple[AppChange, ...]
    removed: tuple[str, ...]
    all: bool
    registry: Registry  # the registry at `head`: what the selected apps deploy as

    def selected(self) -> list[App]:
        return [self.registry.apps[change.key] for change in self.apps]

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "apps": [{"name": a.name, "dir": a.dir, "reasons": list(a.reasons)} for a in self.apps],
            "removed": list(self.removed),
            "all": self.all,
        }


class CommitTree:
    """The files of one commit, read through git."""

    def __init__(self, root: Path, commit: str) -> None:
        self.root = root
        self.commit = commit

    @cached_property
    def _files(self) -> frozenset[str]:
        return frozenset(git.files_at(self.root, self.commit))

    def files(self) -> frozenset[str]:
        return self._files

    def read(self, paths: list[str]) -> dict[str, str]:
        """Texts of the paths that exist, read once each and in one git process a call."""
        cache = self._texts
        missing = [p for p in paths if p not in cache and p in self._files]
        cache.update(git.read_at(self.root, self.commit, missing))
        return {p: cache[p] for p in paths if p in cache}

    @cached_property
    def _texts(self) -> dict[str, str]:
        return {}


def plan(repo: Repository, base: str, head: str | Revision) -> ChangePlan:
    """The change plan from `base` to `head` (commits, or the head's desired state)."""
    revision = head if isinstance(head, Revision) else repo.revision(head)
    root, registry_path, registry = repo.root, repo.relative_registry, revision.registry
    head = revision.commit
    tree = CommitTree(root, head)
    changes = git.changed_files(root, base, head)
    paths = sorted({p for _, path, old_path in changes for p in (path, old_path) if p})
    old: Registry | None = registry
    if registry_path in paths:  # else base and head hold the same registry: nothing to diff
        old_texts = CommitTree(root, base).read([registry_path])
        old = _registry_or_none(old_texts.get(registry_path), registry_path, base)

    reasons: dict[str, list[str]] = {key: [] for key in registry.apps}
    triggered = _triggers(registry, paths)
    for key in reasons:
        reasons[key] += triggered
    if old is not registry:
        for key, why in _registry_changes(old, registry).items():
            reasons[key].append(why)
    by_folder = {app.dir: key for key, app in registry.apps.items()}
    outside = []
    for path in paths:
        owner = _owner(path, by_folder)
        if owner is None:
            outside.append(path)
        else:
            reasons[owner].append(f"changed {path}")
    # Only a change outside every app folder can reach an app through imports or mounts.
    if outside:
        for key, deps in DependencyIndex(tree).of_apps(registry.apps.values()).items():
            if deps.imports or deps.mounts:
                reasons[key] += [why for p in outside if (why := deps.reason(p)) is not None]

    files = tree.files()
    removed = [
        app.name for app in (old.apps.values() if old else []) if app.key not in registry.apps
    ]
    gone = {k for k, app in registry.apps.items() if app.entry_path not in files}
    removed += [registry.apps[k].name for k in sorted(gone)]
    selected = tuple(
        AppChange(key, app.name, app.dir, tuple(dict.fromkeys(reasons[key])))
        for key, app in registry.apps.items()
        if reasons[key] and key not in gone
    )
    return ChangePlan(
        base=base,
        head=head,
        apps=selected,
        removed=tuple(removed),
        all=bool(selected) and len(selected) == len(registry.apps) - len(gone),
        registry=registry,
    )


def _registry_or_none(text: str | None, path: str, commit: str) -> Registry | None:
    from tools.core.registry.load import parse_registry

    if text is None:
        return None
    try:
        return parse_registry(text, f"{path}@{commit[:12]}")
    except FleetError:
        return None  # an invalid registry at base: every app counts as changed


def _registry_changes(old: Registry | None, new: Registry) -> dict[str, str]:
    """Apps whose own entry differs: a semantic diff, not "the registry file changed"."""
    changed = {}
    for key, app in new.apps.items():
        before = old.apps.get(key) if old else None
        if before is None:
            changed[key] = "new in the registry"
            continue
        fields = [
            name
            for name, value in app.model_dump().items()
            if before.model_dump().get(name) != value
        ]
        if fields:
            changed[key] = f"registry entry changed: {', '.join(fields)}"
    if old is not None:
        for field in ("workspace", "environments", "policy"):
            if getattr(old, field) != getattr(new, field):
                changed.update({key: f"registry {field} changed" for key in new.apps})
    return changed


def _owner(path: str, by_folder: dict[str, str]) -> str | None:
    """The app whose folder holds `path`: a lookup per parent folder, not a scan of the apps."""
    parts = path.split("/")
    for depth in range(len(parts) - 1, 0, -1):
        owner = by_folder.get("/".join(parts[:depth]))
        if owner is not None:
            return owner
    return None


def _triggers(registry: Registry, paths: list[str]) -> list[str]:
    reasons = []
    for pattern in registry.triggers:
        globs = GlobSet([pattern])
        reasons += [f"global trigger {pattern}: {p} changed" for p in paths if globs.match(p)]
    return reasons
