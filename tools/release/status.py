"""Live drift in Argo CD's terms: what a target runs, against the desired state at a commit.

Each app of the registry has two statuses, as an Argo CD application does:

    sync    Synced     the live commit's version of the app is the desired one
            OutOfSync  something the app depends on changed since the live commit, or it is
                       not deployed, or the live version did not come from fleet: deployed
                       from a dirty tree (Modal's `*`), by someone the policy's deployers
                       do not name, without fleet's tag, or at a commit other than the one
                       its tag names in git
            Unknown    the live commit cannot be compared (not recorded, not in this history)
    health  Healthy    deployed and serving
            Progressing  a new version is starting
            Degraded   deployed, but not serving (local: the process is gone)
            Missing    not deployed, or stopped
            Suspended  deployed and disabled

Apps the target runs that the registry does not name are orphaned.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from tools.core import git
from tools.core.registry.model import App
from tools.core.repository import Repository, Revision
from tools.release.changed import ChangePlan, plan
from tools.release.tags import modal_tag
from tools.release.targets.base import LiveApp, Target

_COMMIT = re.compile(r"[0-9a-f]{7,40}")

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
    # The commit it was rolled back from, when no commit since has changed the app: it is not
    # deployed again until one does (`fleet changed --since deployed` holds it back).
    held_at: str | None = None

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

    def markdown(self) -> str:
        """The report for a GitHub step summary: every app, and why each is not in sync."""
        verdict = (
            "every app is Synced and Healthy"
            if self.ok
            else f"{sum(not s.ok for s in self.apps) + len(self.orphaned)} out of sync"
        )
        lines = [
            f"## fleet status: {self.target}/{self.env} at {self.commit[:12]}: {verdict}",
            "",
            "| app | sync | health | live | why |",
            "|---|---|---|---|---|",
        ]
        for status in self.apps:
            live = " ".join(x for x in (status.version, status.tag, status.commit) if x)
            why = "<br>".join(_cell(reason) for reason in status.detail)
            lines.append(
                f"| {status.app} | {status.sync} | {status.health} | {_cell(live)} | {why} |"
            )
        for orphan in self.orphaned:
            live = " ".join(x for x in (orphan.version, orphan.tag, orphan.commit) if x)
            lines.append(
                f"| {orphan.name} | orphaned | | {_cell(live)} | {orphan.state}, "
                "not in the registry |"
            )
        return "\n".join(lines) + "\n"

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
        if running is None or _health(running) == "Missing" or not running.version:
            continue
        if not running.commit:
            unknown[app.key] = "the live version records no commit"
        elif (resolved := git.resolve(repo.root, running.commit.rstrip("*"))) is None:
            unknown[app.key] = f"live commit {running.commit} is not in this history"
        else:
            commits[app.key] = resolved
    plans = {c: plan(repo, c, desired) for c in set(commits.values())}
    removed = tuple(dict.fromkeys(name for p in plans.values() for name in p.removed))
    provenance = _Provenance(repo, registry.policy.deployers)
    statuses = []
    for app in registry.apps.values():
        running = live.pop(app.name, None)
        reasons: tuple[str, ...] = ()
        if running is not None and _health(running) != "Missing" and running.version:
            reasons = provenance.problems(running)
        if app.key in commits:
            changed = {change.key: change for change in plans[commits[app.key]].apps}
            if app.key in changed:
                reasons += tuple(
                    f"{why} since live {commits[app.key][:12]}" for why in changed[app.key].reasons
                )
        status = _status(app, running, target, reasons, unknown.get(app.key))
        held = _held_at(repo, desired, app, running, plans) if status.sync == "OutOfSync" else None
        if held is not None:
            why = f"rolled back from {held[:12]}: deployed again once a commit changes the app"
            status = replace(status, detail=(*status.detail, why), held_at=held)
        statuses.append(status)
    orphaned = tuple(
        running for _, running in sorted(live.items()) if _health(running) != "Missing"
    )
    return FleetStatus(target.name, target.env, desired.commit, tuple(statuses), orphaned, removed)


def _held_at(
    repo: Repository,
    desired: Revision,
    app: App,
    running: LiveApp | None,
    plans: dict[str, ChangePlan],
) -> str | None:
    """The commit the app was rolled back from, when the desired state has not changed the
    app since it: deploying it again would deploy what failed. `plans` holds the plans from
    each commit already made, and gains this one's."""
    if running is None or running.rolled_back_from is None:
        return None
    failed = git.resolve(repo.root, running.rolled_back_from.rstrip("*"))
    if failed is None:
        return None  # not in this history: whatever is desired now is something else
    if failed == desired.commit:
        return failed
    if failed not in plans:
        plans[failed] = plan(repo, failed, desired)
    return failed if app.key not in {c.key for c in plans[failed].apps} else None


def _status(
    app: App, running: LiveApp | None, target: Target, reasons: tuple[str, ...], unknown: str | None
) -> AppStatus:
    if running is None:
        return AppStatus(
            app.name, "OutOfSync", "Missing", None, None, None, (f"not deployed on {target.name}",)
        )
    health = _health(running)
    live = (running.version, running.tag, running.commit)
    said = f"live state {running.state}" + (f": {running.detail}" if running.detail else "")
    state = () if health == "Healthy" else (said,)
    if health == "Missing":
        return AppStatus(app.name, "OutOfSync", health, *live, state)
    if running.version is None:  # the target cannot tell which version serves
        return AppStatus(app.name, "Unknown", health, *live, state)
    if reasons:
        known = (unknown,) if unknown is not None else ()
        return AppStatus(app.name, "OutOfSync", health, *live, (*reasons, *known, *state))
    if unknown is not None:
        return AppStatus(app.name, "Unknown", health, *live, (unknown, *state))
    return AppStatus(app.name, "Synced", health, *live, state)


class _Provenance:
    """Whether a live version came from fleet: a clean tree, a deployer the policy names,
    fleet's tag (a release tag or the commit, as `tags.modal_tag` writes them), and the
    commit that tag names in git."""

    def __init__(self, repo: Repository, deployers: list[str]) -> None:
        self.repo = repo
        self.deployers = deployers
        self._release_tags: dict[str, str] | None = None  # Modal's form -> commit

    def problems(self, running: LiveApp) -> tuple[str, ...]:
        found = []
        recorded = running.commit
        if recorded is not None and recorded.endswith("*"):
            found.append(f"deployed from a dirty tree (commit {recorded})")
        by = running.deployed_by
        if self.deployers and by is not None and by not in self.deployers:
            found.append(f"deployed by {by}, not by {' or '.join(self.deployers)}")
        if not running.tag:
            found.append("deployed without fleet's tag")
            return tuple(found)
        named = self._commit_of(running.tag)
        if named is None:
            found.append(f"tag {running.tag} is not fleet's: it names no commit or release tag")
        elif recorded is not None and not named.startswith(recorded.rstrip("*")):
            found.append(f"tag {running.tag} is commit {named[:12]} in git, not {recorded}")
        return tuple(found)

    def _commit_of(self, tag: str) -> str | None:
        """The commit a deploy tag names: a commit prefix, or a release tag in Modal's form."""
        if _COMMIT.fullmatch(tag):
            commit = git.resolve(self.repo.root, tag)
            if commit is not None:
                return commit
        if self._release_tags is None:
            self._release_tags = {
                modal_tag(name): commit for name, commit in git.tags_at(self.repo.root).items()
            }
        return self._release_tags.get(tag)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _health(running: LiveApp) -> Health:
    return _HEALTH.get(running.state.rstrip(". "), "Degraded")
