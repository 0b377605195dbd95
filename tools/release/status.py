"""Live drift in Argo CD's terms: what a target runs, against the desired state at a commit.

Each app of the registry has two statuses, as an Argo CD application does:

    sync    Synced     the live commit's version of the app is the desired one
            OutOfSync  something the app depends on changed since the live commit, or it is
                       not deployed
            Unknown    the live commit cannot be compared (not recorded, not in this history)
    health  Healthy    deployed and serving
            Progressing  a new version is starting
            Degraded   deployed, but not serving (local: the process is gone)
            Missing    not deployed, or stopped
            Suspended  deployed and disabled

Apps the target runs that the registry does not name are orphaned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from tools.core import git
from tools.core.registry.model import App
from tools.core.repository import Repository, Revision
from tools.release.changed import plan
from tools.release.targets.base import LiveApp, Target

Sync = Literal["Synced", "OutOfSync", "Unknown"]
Health = Literal["Healthy", "Progressing", "Degraded", "Missing", "Suspended"]

_HEALTH: dict[str, Health] = {
    "deployed": "Healthy",
    "starting": "Progressing",
    "initializing": "Progressing",
    "stopping": "Progressing",
    "degraded": "Degraded",
    "stopped": "Missing",
    "disabled": "Suspended",
}


@dataclass(frozen=True)
class AppStatus:
    app: str
    sync: Sync
    health: Health
    version: str | None
    tag: str | None
    commit: str | None
    detail: tuple[str, ...] = ()  # why it is out of sync or unknown, or what its state is

    @property
    def ok(self) -> bool:
        return self.sync == "Synced" and self.health == "Healthy"


@dataclass(frozen=True)
class FleetStatus:
    target: str
    env: str
    commit: str
    apps: tuple[AppStatus, ...]
    orphaned: tuple[LiveApp, ...]  # running, and not in the registry
    removed: tuple[str, ...]  # in the registry at a live commit, gone since

    @property
    def ok(self) -> bool:
        return all(status.ok for status in self.apps) and not self.orphaned

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "env": self.env,
            "commit": self.commit,
            "ok": self.ok,
            "apps": [asdict(status) for status in self.apps],
            "orphaned": [asdict(live) for live in self.orphaned],
        }


def fleet_status(repo: Repository, desired: Revision, target: Target) -> FleetStatus:
    """Every app of the desired registry compared with what `target` runs."""
    registry = desired.registry
    live = {app.name: app for app in target.live(registry)}
    commits: dict[str, str] = {}  # live commit as recorded -> the commit it resolves to
    unknown: dict[str, str] = {}  # app key -> why its live commit cannot be compared
    for app in registry.apps.values():
        running = live.get(app.name)
        if running is None or _health(running) == "Missing":
            continue
        if not running.commit:
            unknown[app.key] = "the live version records no commit"
        elif (resolved := git.resolve(repo.root, running.commit.rstrip("*"))) is None:
            unknown[app.key] = f"live commit {running.commit} is not in this history"
        else:
            commits[app.key] = resolved
    plans = {c: plan(repo, c, desired) for c in set(commits.values())}
    statuses = []
    for app in registry.apps.values():
        running = live.pop(app.name, None)
        reasons: tuple[str, ...] = ()
        if app.key in commits:
            changed = {change.key: change for change in plans[commits[app.key]].apps}
            if app.key in changed:
                reasons = tuple(
                    f"{why} since live {commits[app.key][:12]}" for why in changed[app.key].reasons
                )
        statuses.append(_status(app, running, target, reasons, unknown.get(app.key)))
    orphaned = tuple(
        running for _, running in sorted(live.items()) if _health(running) != "Missing"
    )
    removed = tuple(dict.fromkeys(name for p in plans.values() for name in p.removed))
    return FleetStatus(target.name, target.env, desired.commit, tuple(statuses), orphaned, removed)


def _status(
    app: App, running: LiveApp | None, target: Target, reasons: tuple[str, ...], unknown: str | None
) -> AppStatus:
    if running is None:
        return AppStatus(
            app.name, "OutOfSync", "Missing", None, None, None, (f"not deployed on {target.name}",)
        )
    health = _health(running)
    live = (running.version, running.tag, running.commit)
    state = () if health == "Healthy" else (f"live state {running.state}",)
    if health == "Missing":
        return AppStatus(app.name, "OutOfSync", health, *live, state)
    if unknown is not None:
        return AppStatus(app.name, "Unknown", health, *live, (unknown, *state))
    if reasons:
        return AppStatus(app.name, "OutOfSync", health, *live, (*reasons, *state))
    return AppStatus(app.name, "Synced", health, *live, state)


def _health(running: LiveApp) -> Health:
    return _HEALTH.get(running.state.rstrip(". "), "Degraded")
