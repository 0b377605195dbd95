"""The main job on one target: check -> changed (since deployed) -> deploy -> smoke -> status.

The stages share one desired state: the registry at the head commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tools.core.registry.model import App, Registry
from tools.core.repository import Repository, Revision
from tools.drift_check.runner import check
from tools.release.deploy import deploy_apps
from tools.release.since_deployed import plan_since_deployed
from tools.release.smoke import Connect, Progress, smoke_on_target
from tools.release.status import fleet_status
from tools.release.tags import modal_tag
from tools.release.targets.base import Target


@dataclass(frozen=True)
class StageResult:
    name: str
    ok: bool
    summary: str
    seconds: float


@dataclass
class Pipeline:
    repo: Repository
    desired: Revision
    target: Target
    connect: Connect
    echo: Callable[[str], None]
    progress: Progress | None = None
    planned: list[App] = field(default_factory=list)

    @property
    def registry(self) -> Registry:
        return self.desired.registry

    def run(self) -> list[StageResult]:
        stages = [
            ("check", self.check),
            ("changed", self.changed),
            ("deploy", self.deploy),
            ("smoke", self.smoke),
            ("status", self.status),
        ]
        results = []
        for name, work in stages:
            self.echo(f"== {name}")
            started = time.perf_counter()
            ok, summary = work()
            results.append(StageResult(name, ok, summary, time.perf_counter() - started))
            self.echo(f"   {'ok' if ok else 'FAILED'}: {summary}")
        return results

    def check(self) -> tuple[bool, str]:
        result = check(self.repo)
        for f in result.findings:
            self.echo(f"   {f.path}:{f.line}:{f.col}: {f.code} {f.message}")
        return not result.findings, f"{len(result.findings)} problems in {result.files} files"

    def changed(self) -> tuple[bool, str]:
        selection = plan_since_deployed(self.repo, self.desired, self.target)
        self.planned = selection.selected()
        for app in selection.apps:
            self.echo(f"   {app.name}: {app.reasons[0]}")
        return True, f"{len(selection.apps)} of {len(self.registry.apps)} apps to deploy"

    def deploy(self) -> tuple[bool, str]:
        if not self.planned:
            return True, "nothing changed: nothing deployed"
        head = self.desired.commit
        run = deploy_apps(
            self.target,
            self.registry,
            self.planned,
            commit=head,
            tag=modal_tag(head[:12]),
            jobs=4,
            fail_fast=False,
            echo=lambda line: self.echo(f"   {line}"),
        )
        deployed = sum(r.outcome != "failed" for r in run.results)
        return not run.failed, f"{deployed} of {len(self.planned)} apps deployed"

    def smoke(self) -> tuple[bool, str]:
        apps = list(self.registry.apps.values())
        results = smoke_on_target(
            self.registry, self.target, apps, self.connect, progress=self.progress
        )
        for r in results:
            if r.failed:
                self.echo(f"   {r.endpoint}: {r.status} {r.detail}")
        passed = sum(r.status == "ok" for r in results)
        slowest = max((r.cold_s or 0 for r in results), default=0)
        summary = f"{passed} of {len(results)} endpoints ok (slowest cold {slowest:.2f} s)"
        return passed == len(results), summary

    def status(self) -> tuple[bool, str]:
        status = fleet_status(self.repo, self.desired, self.target)
        for entry in status.apps:
            version = entry.version or ""
            self.echo(f"   {entry.app:<20} {entry.sync:<10} {entry.health:<12} {version}")
        for orphan in status.orphaned:
            self.echo(f"   {orphan.name:<20} orphaned: not in the registry")
        healthy = sum(s.ok for s in status.apps)
        summary = f"{healthy} of {len(status.apps)} apps Synced and Healthy"
        if status.orphaned:
            summary += f", {len(status.orphaned)} orphaned"
        return status.ok, summary
