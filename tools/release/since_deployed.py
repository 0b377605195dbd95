"""Changes since what a target runs: each app compared with the commit that is live for it.

An app whose last deploy failed, or that was never deployed, is selected again; an app whose
live commit this history lacks is selected with that reason.
"""

from __future__ import annotations

from pathlib import Path

from tools.core import git
from tools.core.registry.model import Registry
from tools.release.changed import AppChange, ChangePlan, plan
from tools.release.targets.base import Target


def plan_since_deployed(
    root: Path, registry_path: str, registry: Registry, target: Target, head: str
) -> ChangePlan:
    live = {app.name: app for app in target.live(registry)}
    chosen: dict[str, AppChange] = {}
    by_commit: dict[str, list[str]] = {}
    for key, app in registry.apps.items():
        running = live.get(app.name)
        if running is None or running.state != "deployed" or not running.commit:
            state = "not deployed" if running is None else f"live state {running.state}"
            chosen[key] = AppChange(key, app.name, app.dir, (f"{state} on {target.name}",))
            continue
        commit = git.resolve(root, running.commit.rstrip("*"))
        if commit is None:
            reason = f"live commit {running.commit} is not in this history"
            chosen[key] = AppChange(key, app.name, app.dir, (reason,))
            continue
        by_commit.setdefault(commit, []).append(key)
    removed: list[str] = []
    for commit, keys in by_commit.items():
        partial = plan(root, registry_path, commit, head)
        removed += partial.removed
        for change in partial.apps:
            if change.key in keys:
                reasons = tuple(f"{r} since live {commit[:12]}" for r in change.reasons)
                chosen[change.key] = AppChange(change.key, change.name, change.dir, reasons)
    apps = tuple(chosen[key] for key in registry.apps if key in chosen)
    return ChangePlan(
        base="deployed",
        head=head,
        apps=apps,
        removed=tuple(dict.fromkeys(removed)),
        all=len(apps) == len(registry.apps),
    )
