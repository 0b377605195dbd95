"""The health gate after a deploy: smoke-test what started, roll back what fails.

Whatever goes wrong once a new version may serve (a dropped connection, a crash while
smoke-testing, a deploy that failed after its version went live) is a failed smoke test;
the version that was live before is made live again and smoke-tested once more, or the app
is stopped when none was. A rollback that cannot be done is said in one line, and the
newest version that answered /health is left serving. Nothing escapes as an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tools.core.errors import said
from tools.core.registry.model import App, Registry
from tools.release.smoke import Connect, SmokeResult, smoke_on_target
from tools.release.targets.base import DeployResult, LiveApp, Target


@dataclass
class Gated:
    """One app through the gate: its deploy, its smoke tests, and what was done about them."""

    app: str
    deploy: DeployResult
    smoke: list[SmokeResult] = field(default_factory=list)
    rolled_back_to: str | None = None
    rollback_smoke: list[SmokeResult] = field(default_factory=list)
    # passed (`released` in a release), rolled-back, rollback-failed, stopped, stop-failed,
    # deploy-failed
    outcome: str = "passed"
    detail: str = ""  # why, when it did not pass: one line

    def failures(self) -> list[str]:
        """What went wrong, a line each: failing endpoints, then the rollback."""
        lines = [f"`{r.endpoint}` {r.status}: {r.detail}" for r in self.smoke if r.failed]
        if self.outcome == "deploy-failed":
            lines.append(f"deploy failed: {self.deploy.detail}")
        lines += [
            f"after rollback, `{r.endpoint}` {r.status}: {r.detail}"
            for r in self.rollback_smoke
            if r.failed
        ]
        if self.detail:
            lines.append(self.detail)
        return lines


@dataclass(frozen=True)
class HealthGate:
    target: Target
    connect: Connect
    echo: Callable[[str], None]

    def check(
        self, registry: Registry, apps: list[App], entries: list[Gated], before: dict[str, LiveApp]
    ) -> None:
        """Decide each entry (one per app, its deploy done): `before` is what was live before
        the deploy, by app name."""
        started = self._started(registry, apps, entries, before)
        smoke = self._smoke(registry, [app for app in apps if app.name in started])
        for app, entry in zip(apps, entries, strict=True):
            entry.smoke = [r for r in smoke if r.app == app.name]
            if app.name not in started:
                entry.outcome = "deploy-failed"
            elif any(r.failed for r in entry.smoke) or entry.deploy.outcome == "failed":
                self._roll_back(registry, app, entry, before.get(app.name))

    def _started(
        self,
        registry: Registry,
        apps: list[App],
        entries: list[Gated],
        before: dict[str, LiveApp],
    ) -> set[str]:
        """The apps a new version may serve: each deployed, and each whose deploy failed
        after the target made a new version live (it must be smoke-tested and rolled back
        like any other)."""
        started = {e.app for e in entries if e.deploy.outcome != "failed"}
        failed = [e.app for e in entries if e.deploy.outcome == "failed"]
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

    def _roll_back(self, registry: Registry, app: App, entry: Gated, was: LiveApp | None) -> None:
        def log(line: str) -> None:
            self.echo(f"[{app.key}] {line}")

        if was is None or was.state != "deployed" or not was.version:
            try:
                stopped = self.target.stop(registry, app, log)
            except Exception as error:
                stopped = DeployResult(app.name, "failed", detail=said(error))
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
            result = DeployResult(app.name, "failed", was.version, said(error))
        if result.outcome == "failed":
            entry.outcome = "rollback-failed"
            entry.detail = (
                f"rollback to {was.version} impossible: {result.detail}; "
                f"{self._serving(registry, app)}"
            )
            log(entry.detail)
            return
        entry.rollback_smoke = self._smoke(registry, [app])
        ok = not any(r.failed for r in entry.rollback_smoke)
        entry.outcome = "rolled-back" if ok else "rollback-failed"

    def _serving(self, registry: Registry, app: App) -> str:
        """What serves the app now that it could not be rolled back: the newest version that
        answered /health is left as it is."""
        try:
            live = next(iter(self.target.live(registry, only=[app.name])), None)
        except Exception as error:
            return f"what serves it cannot be read ({said(error)})"
        if live is None or not live.version:
            return "no version of it serves"
        health = "" if live.state == "deployed" else f" ({live.state}: {live.detail})"
        return f"{live.version}, the newest version that answered /health, still serves{health}"
