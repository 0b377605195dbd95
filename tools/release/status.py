"""Live drift, Argo style: what a target runs against what the repository says it should.

Synced     the live commit's version of the app is the repository's
OutOfSync  something the app depends on changed since the live commit (the files listed)
Missing    in the registry, not deployed
Unknown    deployed, but not in the registry (a retired app, say)
Degraded   deployed, but not answering (local: the process is gone)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.core import git
from tools.core.registry.model import Registry
from tools.release.changed import plan
from tools.release.targets.base import Target

Health = Literal["Synced", "OutOfSync", "Missing", "Unknown", "Degraded"]


@dataclass(frozen=True)
class AppStatus:
    app: str
    status: Health
    version: str | None
    tag: str | None
    commit: str | None
    detail: tuple[str, ...] = ()


def fleet_status(
    root: Path, registry_path: str, registry: Registry, target: Target, head: str
) -> list[AppStatus]:
    live = {app.name: app for app in target.live(registry)}
    statuses = []
    for app in registry.apps.values():
        running = live.pop(app.name, None)
        if running is None or running.state in ("stopped", "disabled"):
            statuses.append(AppStatus(app.name, "Missing", None, None, None))
            continue
        base = (running.version, running.tag, running.commit)
        if running.state != "deployed":
            statuses.append(AppStatus(app.name, "Degraded", *base, (f"state {running.state}",)))
            continue
        commit = git.resolve(root, (running.commit or "").rstrip("*")) if running.commit else None
        if commit is None:
            detail = f"live commit {running.commit} is not in this history"
            statuses.append(AppStatus(app.name, "OutOfSync", *base, (detail,)))
            continue
        changes = {c.key: c for c in plan(root, registry_path, commit, head).apps}
        if app.key in changes:
            statuses.append(AppStatus(app.name, "OutOfSync", *base, changes[app.key].reasons))
        else:
            statuses.append(AppStatus(app.name, "Synced", *base))
    for name, running in sorted(live.items()):
        if running.state == "deployed":
            statuses.append(
                AppStatus(
                    name,
                    "Unknown",
                    running.version,
                    running.tag,
                    running.commit,
                    ("deployed but not in the registry",),
                )
            )
    return statuses
