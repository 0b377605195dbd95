"""A release: deploy the tag's apps, smoke-test every endpoint, roll back what fails.

For each app whose smoke tests fail, the version that was live before the release is made
live again (`modal app rollback <app> vN`; the local target's previous snapshot) and
smoke-tested once more; an app that had no earlier version is stopped instead (`gate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.core import git
from tools.core.registry.model import App
from tools.core.repository import Repository, Revision
from tools.release.changed import plan
from tools.release.deploy import deploy_apps
from tools.release.gate import Gated, HealthGate
from tools.release.ranges import previous_tag
from tools.release.release_tags import ReleaseTag
from tools.release.smoke import Connect
from tools.release.tags import modal_tag
from tools.release.targets.base import Target

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
class AppRelease(Gated):
    notes: dict[str, list[str]] = field(default_factory=dict)
    outcome: str = "released"  # or what the gate decided


@dataclass
class ReleaseReport:
    tag: str
    commit: str
    previous_tag: str | None
    target: str
    env: str
    apps: list[AppRelease]
    error: str | None = None  # why the release stopped before its apps were decided

    @property
    def ok(self) -> bool:
        return self.error is None and all(a.outcome == "released" for a in self.apps)

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "commit": self.commit,
            "previous_tag": self.previous_tag,
            "target": self.target,
            "env": self.env,
            "ok": self.ok,
            "error": self.error,
            "apps": [asdict(a) for a in self.apps],
        }

    def markdown(self) -> str:
        lines = [f"## Release {self.tag} ({self.commit[:12]}) to {self.target}/{self.env}", ""]
        if self.error is not None:
            lines += [f"The release stopped: {self.error}", ""]
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
        failing = [(app.app, app.failures()) for app in self.apps if app.failures()]
        if failing:
            lines += ["", "### What failed"]
            for name, problems in failing:
                lines += ["", f"**{name}**", *(f"- {p}" for p in problems)]
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
    """Where a release goes and how it reports: the repository, a target, endpoint callers.

    Once anything deploys, the health gate decides each app (`gate`): nothing that goes
    wrong escapes as an exception, and the report says what failed."""

    repo: Repository
    target: Target
    connect: Connect
    echo: Callable[[str], None]

    def run(self, tag: ReleaseTag, desired: Revision, report: ReleaseReport) -> ReleaseReport:
        """Release `tag` at `desired`, filling in `report` as it goes: what it holds when
        anything stops the release (an interrupt) is what had happened by then."""
        registry, commit = desired.registry, desired.commit
        report.commit, report.target, report.env = commit, self.target.name, self.target.env
        report.previous_tag = previous = previous_tag(self.repo.root, tag.text, commit)
        apps = release_apps(self.repo, tag, desired, previous)
        notes = {app.name: release_notes(self.repo.root, previous, commit, app) for app in apps}
        before = {live.name: live for live in self.target.live(registry, only=notes)}
        report.error = None
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
        report.apps = [
            AppRelease(app.name, result, notes=notes[app.name])
            for app, result in zip(apps, run.results, strict=True)
        ]
        gate = HealthGate(self.target, self.connect, self.echo)
        gate.check(registry, apps, list(report.apps), before)
        return report


def release_notes(root: Path, previous: str | None, commit: str, app: App) -> dict[str, list[str]]:
    """Commit subjects that touched the app since the previous release, by conventional type."""
    grouped: dict[str, list[str]] = {}
    for sha, subject in git.log_subjects(root, previous, commit, [app.own_path]):
        match = CONVENTIONAL.match(subject)
        kind = match["type"] if match and match["type"] in TYPE_TITLES else None
        title = TYPE_TITLES[kind] if kind else "Other changes"
        text = match["text"] if match and kind else subject
        grouped.setdefault(title, []).append(f"{text} ({sha[:7]})")
    order = [*TYPE_TITLES.values(), "Other changes"]
    return {title: grouped[title] for title in order if title in grouped}
