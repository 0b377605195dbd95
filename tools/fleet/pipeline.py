"""The whole flow on one target: check -> changed (since deployed) -> deploy -> smoke -> status."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tools.core.registry.model import App, Registry
from tools.drift_check.runner import check
from tools.fleet.options import Repository
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
    target: Target
    connect: Connect
    head: str
    echo: Callable[[str], None]
    progress: Progress | None = None
    planned: list[App] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.repo.root

    @property
    def registry(self) -> Registry:
        return self.repo.registry

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

    @property
    def _relative(self) -> str:
        return self.repo.relative_registry

    def check(self) -> tuple[bool, str]:
        result = check(self.root, self.repo.registry_path)
        for f in result.findings:
            self.echo(f"   {f.path}:{f.line}:{f.col}: {f.code} {f.message}")
        return result.errors == 0, f"{len(result.findings)} problems in {result.files} files"

    def changed(self) -> tuple[bool, str]:
        selection = plan_since_deployed(
            self.root, self._relative, self.registry, self.target, self.head
        )
        self.planned = [self.registry.apps[a.key] for a in selection.apps]
        for app in selection.apps:
            self.echo(f"   {app.name}: {app.reasons[0]}")
        return True, f"{len(selection.apps)} of {len(self.registry.apps)} apps to deploy"

    def deploy(self) -> tuple[bool, str]:
        if not self.planned:
            return True, "nothing changed: nothing deployed"
        run = deploy_apps(
            self.target,
            self.registry,
            self.planned,
            commit=self.head,
            tag=modal_tag(self.head[:12]),
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
            if r.status != "ok":
                self.echo(f"   {r.endpoint}: {r.status} {r.detail}")
        passed = sum(r.status == "ok" for r in results)
        slowest = max((r.cold_s or 0 for r in results), default=0)
        summary = f"{passed} of {len(results)} endpoints ok (slowest cold {slowest:.2f} s)"
        return passed == len(results), summary

    def status(self) -> tuple[bool, str]:
        statuses = fleet_status(self.root, self._relative, self.registry, self.target, self.head)
        for entry in statuses:
            self.echo(f"   {entry.app:<20} {entry.status:<10} {entry.version or ''}")
        synced = sum(s.status == "Synced" for s in statuses)
        return synced == len(statuses), f"{synced} of {len(statuses)} apps Synced"
