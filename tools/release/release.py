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
    detail: str = ""  # why, when the outcome is not `released`: one line

    def failures(self) -> list[str]:
        """What went wrong, a line each: failing endpoints, then the rollback."""
        lines = [f"`{r.endpoint}` {r.status}: {r.detail}" for r in self.smoke if r.status != "ok"]
        if self.outcome == "deploy-failed":
            lines.append(f"deploy failed: {self.deploy.detail}")
        lines += [
            f"after rollback, `{r.endpoint}` {r.status}: {r.detail}"
            for r in self.rollback_smoke
            if r.status != "ok"
        ]
        if self.detail:
            lines.append(self.detail)
        return lines


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

    Once anything deploys, nothing that goes wrong escapes as an exception: a crash while
    smoke-testing is a failed smoke test, a crash while rolling back is a failed rollback,
    and the report says which."""

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
        report.apps = releases = [
            AppRelease(app.name, result, notes=notes[app.name])
            for app, result in zip(apps, run.results, strict=True)
        ]
        started = self._started(registry, apps, releases, before)
        smoke = self._smoke(registry, [app for app in apps if app.name in started])
        for app, entry in zip(apps, releases, strict=True):
            entry.smoke = [r for r in smoke if r.app == app.name]
            if app.name not in started:
                entry.outcome = "deploy-failed"
            elif any(r.status != "ok" for r in entry.smoke) or entry.deploy.outcome == "failed":
                self._roll_back(registry, app, entry, before.get(app.name))
        return report

    def _started(
        self,
        registry: Registry,
        apps: list[App],
        releases: list[AppRelease],
        before: dict[str, LiveApp],
    ) -> set[str]:
        """The apps a new version may serve: each deployed, and each whose deploy failed
        after the target made a new version live (it must be smoke-tested and rolled back
        like any other)."""
        started = {r.app for r in releases if r.deploy.outcome != "failed"}
        failed = [r.app for r in releases if r.deploy.outcome == "failed"]
        if not failed:
            return started
        try:
            now = {live.name: live for live in self.target.live(registry, only=failed)}
        except Exception as error:
            self.echo(f"the live state after the failed deploys cannot be read ({error})")
            return started | set(failed)  # unknown: smoke them, roll back what fails
        for name in failed:
            was, live = before.get(name), now.get(name)
            if live is not None and live.version and (was is None or was.version != live.version):
                key = next(app.key for app in apps if app.name == name)
                self.echo(f"[{key}] the deploy failed after {live.version} went live")
                started.add(name)
        return started

    def _smoke(self, registry: Registry, apps: list[App]) -> list[SmokeResult]:
        return smoke_on_target(registry, self.target, apps, self.connect)

    def _roll_back(
        self, registry: Registry, app: App, entry: AppRelease, was: LiveApp | None
    ) -> None:
        def log(line: str) -> None:
            self.echo(f"[{app.key}] {line}")

        if was is None or was.state != "deployed" or not was.version:
            try:
                stopped = self.target.stop(registry, app, log)
            except Exception as error:
                stopped = DeployResult(app.name, "failed", detail=_said(error))
            if stopped.outcome == "stopped":
                entry.outcome = "stopped"
                entry.detail = "no earlier version was live: stopped"
            else:
                entry.outcome = "stop-failed"
                entry.detail = f"the app could not be stopped: {stopped.detail}"
            log(f"smoke tests failed; {entry.detail}")
            return
        log(f"smoke tests failed: rolling back to {was.version}")
        entry.rolled_back_to = was.version
        try:
            result = self.target.rollback(registry, app, was.version, log)
        except Exception as error:
            result = DeployResult(app.name, "failed", was.version, _said(error))
        if result.outcome == "failed":
            entry.outcome = "rollback-failed"
            entry.detail = (
                f"rollback to {was.version} impossible: {result.detail}; "
                f"{self._serving(registry, app)}"
            )
            log(entry.detail)
            return
        entry.rollback_smoke = self._smoke(registry, [app])
        ok = all(r.status == "ok" for r in entry.rollback_smoke)
        entry.outcome = "rolled-back" if ok else "rollback-failed"

    def _serving(self, registry: Registry, app: App) -> str:
        """What serves the app now that it could not be rolled back: the newest version that
        answered /health is left as it is."""
        try:
            live = next(iter(self.target.live(registry, only=[app.name])), None)
        except Exception as error:
            return f"what serves it cannot be read ({_said(error)})"
        if live is None or not live.version:
            return "no version of it serves"
        health = "" if live.state == "deployed" else f" ({live.state}: {live.detail})"
        return f"{live.version}, the newest version that answered /health, still serves{health}"


def _said(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


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
