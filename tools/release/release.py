"""A release: deploy the tag's apps, smoke-test every endpoint, roll back what fails.

For each app whose smoke tests fail, the version that was live before the release is made
live again (`modal app rollback <app> vN`; the local target's previous snapshot) and
smoke-tested once more. An app that had no earlier version is stopped instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.core import git
from tools.core.registry.model import App, Registry
from tools.core.repository import Repository, Revision
from tools.release.changed import plan
from tools.release.deploy import deploy_apps
from tools.release.ranges import previous_tag
from tools.release.release_tags import ReleaseTag
from tools.release.smoke import Connect, SmokeResult, smoke_on_target
from tools.release.tags import modal_tag
from tools.release.targets.base import DeployResult, LiveApp, Target

CONVENTIONAL = re.compile(r"^(?P<type>[a-z]+)(?:\([^)]*\))?!?:\s*(?P<text>.+)$")
TYPE_TITLES = {
    "feat": "Features",
    "fix": "Fixes",
    "perf": "Performance",
    "refactor": "Refactoring",
    "docs": "Documentation",
    "test": "Tests",
    "build": "Build",
    "ci": "CI",
    "chore": "Chores",
}


@dataclass
class AppRelease:
    app: str
    deploy: DeployResult
    smoke: list[SmokeResult] = field(default_factory=list)
    rolled_back_to: str | None = None
    rollback_smoke: list[SmokeResult] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    # released, rolled-back, rollback-failed, stopped, stop-failed, deploy-failed
    outcome: str = "released"


@dataclass
class ReleaseReport:
    tag: str
    commit: str
    previous_tag: str | None
    target: str
    env: str
    apps: list[AppRelease]

    @property
    def ok(self) -> bool:
        return all(a.outcome == "released" for a in self.apps)

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "commit": self.commit,
            "previous_tag": self.previous_tag,
            "target": self.target,
            "env": self.env,
            "ok": self.ok,
            "apps": [asdict(a) for a in self.apps],
        }

    def markdown(self) -> str:
        lines = [f"## Release {self.tag} ({self.commit[:12]}) to {self.target}/{self.env}", ""]
        lines += [
            "| app | outcome | version | smoke | cold/warm (slowest endpoint) |",
            "|---|---|---|---|---|",
        ]
        for app in self.apps:
            passed = sum(r.status == "ok" for r in app.smoke)
            slowest = max(app.smoke, key=lambda r: r.cold_s or 0, default=None)
            timing = (
                f"{slowest.cold_s:.2f} s / {slowest.warm_s or 0:.2f} s"
                if slowest and slowest.cold_s
                else ""
            )
            lines.append(
                f"| {app.app} | {app.outcome} | {app.deploy.version or ''} | "
                f"{passed}/{len(app.smoke)} | {timing} |"
            )
        for app in self.apps:
            if app.notes:
                lines += ["", f"### {app.app}"]
                for title, subjects in app.notes.items():
                    lines += ["", f"**{title}**", *(f"- {s}" for s in subjects)]
        return "\n".join(lines) + "\n"


def release_apps(
    repo: Repository, tag: ReleaseTag, desired: Revision, previous: str | None
) -> list[App]:
    """The apps a tag releases: its app, or the fleet's apps changed since `previous`, the
    previous tag of its line (every app when there is none)."""
    registry = desired.registry
    if tag.app is not None:
        return [registry.apps[tag.app]]
    base = git.resolve(repo.root, previous) if previous is not None else None
    return plan(repo, base, desired).selected() if base else list(registry.apps.values())


@dataclass(frozen=True)
class Releaser:
    """Where a release goes and how it reports: the repository, a target, endpoint callers."""

    repo: Repository
    target: Target
    connect: Connect
    echo: Callable[[str], None]

    def run(self, tag: ReleaseTag, desired: Revision) -> ReleaseReport:
        registry, commit = desired.registry, desired.commit
        previous = previous_tag(self.repo.root, tag.text, commit)
        apps = release_apps(self.repo, tag, desired, previous)
        released = {app.name for app in apps}
        before = {live.name: live for live in self.target.live(registry, only=released)}
        run = deploy_apps(
            self.target,
            registry,
            apps,
            commit=commit,
            tag=modal_tag(tag.text),
            jobs=4,
            fail_fast=False,
            echo=self.echo,
        )
        releases = [AppRelease(a.name, r) for a, r in zip(apps, run.results, strict=True)]
        live = [a for a, r in zip(apps, releases, strict=True) if r.deploy.outcome != "failed"]
        smoke = self._smoke(registry, live)
        for app, entry in zip(apps, releases, strict=True):
            entry.notes = release_notes(self.repo.root, previous, commit, app)
            entry.smoke = [r for r in smoke if r.app == app.name]
            if entry.deploy.outcome == "failed":
                entry.outcome = "deploy-failed"
            elif any(r.status != "ok" for r in entry.smoke):
                self._roll_back(registry, app, entry, before.get(app.name))
        return ReleaseReport(
            tag.text, commit, previous, self.target.name, self.target.env, releases
        )

    def _smoke(self, registry: Registry, apps: list[App]) -> list[SmokeResult]:
        return smoke_on_target(registry, self.target, apps, self.connect)

    def _roll_back(
        self, registry: Registry, app: App, entry: AppRelease, was: LiveApp | None
    ) -> None:
        def log(line: str) -> None:
            self.echo(f"[{app.key}] {line}")

        if was is None or was.state != "deployed" or not was.version:
            stopped = self.target.stop(registry, app, log)
            if stopped.outcome == "stopped":
                entry.outcome = "stopped"
                log("smoke tests failed and no earlier version was live: stopped")
            else:
                entry.outcome = "stop-failed"
                log(f"smoke tests failed and the app could not be stopped: {stopped.detail}")
            return
        log(f"smoke tests failed: rolling back to {was.version}")
        result = self.target.rollback(registry, app, was.version, log)
        entry.rolled_back_to = was.version
        if result.outcome == "failed":
            entry.outcome = "rollback-failed"
            return
        entry.rollback_smoke = self._smoke(registry, [app])
        ok = all(r.status == "ok" for r in entry.rollback_smoke)
        entry.outcome = "rolled-back" if ok else "rollback-failed"


def release_notes(root: Path, previous: str | None, commit: str, app: App) -> dict[str, list[str]]:
    """Commit subjects that touched the app since the previous release, by conventional type."""
    grouped: dict[str, list[str]] = {}
    for sha, subject in git.log_subjects(root, previous, commit, [app.dir]):
        match = CONVENTIONAL.match(subject)
        kind = match["type"] if match and match["type"] in TYPE_TITLES else None
        title = TYPE_TITLES[kind] if kind else "Other changes"
        text = match["text"] if match and kind else subject
        grouped.setdefault(title, []).append(f"{text} ({sha[:7]})")
    order = [*TYPE_TITLES.values(), "Other changes"]
    return {title: grouped[title] for title in order if title in grouped}
