"""Which apps a range of commits changes, each with its reasons; which apps it removes.

An app is selected when a changed file (either side of a rename) is in its folder, is a
repository module it imports (transitively), or lies under a path its image mounts; when its
own registry entry differs between base and head; or when a registry trigger matched.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tools.core import git
from tools.core.errors import FleetError
from tools.core.globs import GlobSet
from tools.core.registry.outline import RegistryOutline
from tools.core.repository import Repository, Revision
from tools.release.dependencies import DependencyIndex, Owners

if TYPE_CHECKING:
    from tools.core.registry.model import App


class AppChange(NamedTuple):
    key: str
    name: str
    dir: str
    reasons: tuple[str, ...]


class ChangePlan(NamedTuple):
    base: str
    head: str
    apps: tuple[AppChange, ...]
    removed: tuple[str, ...]
    all: bool
    desired: Revision  # the desired state at `head`: what the selected apps deploy as
    held: tuple[AppChange, ...] = ()  # changed, and held back (rolled back from that change)
    # Registry apps whose entry file exists at neither end: nothing to deploy or to remove.
    missing: tuple[str, ...] = ()

    def selected(self) -> list[App]:
        return [self.desired.registry.apps[change.key] for change in self.apps]

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "apps": [{"name": a.name, "dir": a.dir, "reasons": list(a.reasons)} for a in self.apps],
            "removed": list(self.removed),
            "all": self.all,
            "held": [{"name": a.name, "dir": a.dir, "reasons": list(a.reasons)} for a in self.held],
            "missing": list(self.missing),
        }


class CommitTree:
    """The files of one commit, read through git; listed in the background from the start."""

    def __init__(self, root: Path, commit: str) -> None:
        self.root = root
        self.commit = commit
        self._listing = git.list_files_at(root, commit)

    @cached_property
    def _files(self) -> frozenset[str]:
        return frozenset(git.paths(self._listing.output()))

    def files(self) -> frozenset[str]:
        return self._files

    def grep(self, words: list[str], suffix: str) -> set[str]:
        """The files ending in `suffix` that hold any of `words` as a whole word."""
        return git.grep_files(self.root, self.commit, words, f"*{suffix}")

    def read(self, paths: list[str]) -> dict[str, str]:
        """Texts of the paths that exist, read once each and in one git process a call."""
        cache = self._texts
        missing = [p for p in paths if p not in cache and p in self._files]
        cache.update(git.read_at(self.root, self.commit, missing))
        unread = [p for p in missing if p not in cache]
        if unread:  # listed in the commit's tree, yet git has not its object
            raise FleetError(
                f"git cannot read {unread[0]} at {self.commit[:12]}: its object is missing "
                "(a partial or damaged clone); fetch the commit's files and run again"
            )
        return {p: cache[p] for p in paths if p in cache}

    @cached_property
    def _texts(self) -> dict[str, str]:
        return {}


def plan(repo: Repository, base: str, head: str | Revision) -> ChangePlan:
    """The change plan from `base` to `head` (commits, or the head's desired state). The
    registry is read as an outline (no pydantic once a text has validated)."""
    root, registry_path = repo.root, repo.relative_registry
    head_commit = head.commit if isinstance(head, Revision) else head
    # The files and the changes are listed while both ends' registries are read.
    tree = CommitTree(root, head_commit)
    diff = git.diff_names(root, base, head_commit)
    ends = repo.revisions([base] if isinstance(head, Revision) else [base, head_commit])
    desired = head if isinstance(head, Revision) else ends[head_commit]
    if desired is None:
        raise FleetError(f"{registry_path} does not exist at {head_commit[:12]}")
    registry = desired.outline
    changes = git.changes(diff.output())
    paths = sorted({p for _, path, old_path in changes for p in (path, old_path) if p})
    old: RegistryOutline | None = registry
    if registry_path in paths:  # else base and head hold the same registry: nothing to diff
        old = _outline_or_none(ends[base])

    reasons: dict[str, list[str]] = {key: [] for key in registry.apps}
    triggered = _triggers(registry.triggers, paths)
    for key in reasons:
        reasons[key] += triggered
    if old is not registry:
        for key, why in _registry_changes(old, registry).items():
            reasons[key].append(why)
    owners = Owners(registry.apps.values())
    outside = []
    for path in paths:
        found = owners.of(path)
        if not found:
            outside.append(path)
        for owner in found:
            reasons[owner].append(f"changed {path}")
    # Only a change outside every app folder can reach an app through imports or mounts.
    if outside:
        for key, why in DependencyIndex(tree).reaching(registry.apps.values(), outside).items():
            reasons[key] += why

    files = tree.files()
    removed = [
        app.name for app in (old.apps.values() if old else []) if app.key not in registry.apps
    ]
    gone = {k for k, app in registry.apps.items() if app.entry_path not in files}
    # An entry file deleted in the range removes its app; one that never existed removes none.
    before = CommitTree(root, base).files() if gone else frozenset()
    deleted = {k for k in gone if registry.apps[k].entry_path in before}
    removed += [registry.apps[k].name for k in sorted(deleted)]
    missing = tuple(registry.apps[k].name for k in sorted(gone - deleted))
    selected = tuple(
        AppChange(key, app.name, app.dir, tuple(dict.fromkeys(reasons[key])))
        for key, app in registry.apps.items()
        if reasons[key] and key not in gone and not app.legacy
    )
    deployable = [k for k, app in registry.apps.items() if k not in gone and not app.legacy]
    return ChangePlan(
        base=base,
        head=desired.commit,
        apps=selected,
        removed=tuple(removed),
        all=bool(selected) and len(selected) == len(deployable),
        desired=desired,
        missing=missing,
    )


def plan_every_app(repo: Repository, head: str, why: str) -> ChangePlan:
    """Every app of the registry at `head`, each for `why`: the plan when the base is not
    known (a forced push whose old head is gone), never "no app changed"."""
    desired = repo.revision(head)
    registry = desired.outline
    files = CommitTree(repo.root, head).files()
    apps = tuple(
        AppChange(key, app.name, app.dir, (why,))
        for key, app in registry.apps.items()
        if app.entry_path in files and not app.legacy
    )
    return ChangePlan(
        base="unknown", head=head, apps=apps, removed=(), all=bool(apps), desired=desired
    )


def _outline_or_none(revision: Revision | None) -> RegistryOutline | None:
    """None when there is no registry at the base, or an invalid one: every app changed."""
    try:
        return revision.outline if revision is not None else None
    except FleetError:
        return None


def _registry_changes(old: RegistryOutline | None, new: RegistryOutline) -> dict[str, str]:
    """Apps whose own entry differs: a semantic diff, not "the registry file changed"."""
    changed = {}
    for key, app in new.apps.items():
        before = old.apps.get(key) if old else None
        if before is None:
            changed[key] = "new in the registry"
            continue
        written, was = app.written, before.written
        if written == was:
            continue
        fields = [name for name in {**written, **was} if written.get(name) != was.get(name)]
        changed[key] = f"registry entry changed: {', '.join(fields)}"
    if old is not None:
        for field in ("workspace", "environments", "policy"):
            if old.fleet_wide.get(field) != new.fleet_wide.get(field):
                changed.update({key: f"registry {field} changed" for key in new.apps})
    return changed


def _triggers(triggers: tuple[str, ...], paths: list[str]) -> list[str]:
    reasons = []
    for pattern in triggers:
        globs = GlobSet([pattern])
        reasons += [f"global trigger {pattern}: {p} changed" for p in paths if globs.match(p)]
    return reasons
