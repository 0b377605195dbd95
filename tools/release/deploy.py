"""Deploy several apps to one target: in parallel, one failure not stopping the others."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from tools.core.errors import said
from tools.core.registry.model import App, Registry
from tools.release.targets.base import DeployResult, Target


@dataclass(frozen=True)
class DeployRun:
    results: list[DeployResult]

    @property
    def failed(self) -> list[DeployResult]:
        return [r for r in self.results if r.outcome == "failed"]


def deploy_apps(
    target: Target,
    registry: Registry,
    apps: list[App],
    *,
    commit: str,
    tag: str,
    jobs: int,
    fail_fast: bool,
    echo: Callable[[str], None],
    preflight: bool = True,
) -> DeployRun:
    """Deploy `apps` at `commit`, `jobs` at a time; the target's preflight first, unless the
    caller ran it (a FleetError from it means nothing deployed)."""
    if preflight:
        target.preflight(registry, apps)
    printing = threading.Lock()
    stop = threading.Event()

    def log_for(app: App) -> Callable[[str], None]:
        def log(line: str) -> None:
            with printing:
                echo(f"[{app.key}] {line}")

        return log

    def one(app: App) -> DeployResult:
        if stop.is_set():
            return DeployResult(app.name, "failed", detail="not started: an earlier deploy failed")
        try:
            result = target.deploy(registry, app, commit=commit, tag=tag, log=log_for(app))
        except Exception as error:  # a target's bug must not hide the other apps' results
            result = DeployResult(app.name, "failed", detail=said(error))
        if result.outcome == "failed" and fail_fast:
            stop.set()
        return result

    results: dict[str, DeployResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, app): app for app in apps}
        try:
            for future in as_completed(futures):
                results[futures[future].name] = future.result()
        except BaseException:  # an interrupt: what started ends, and the pool's wait is short
            stop.set()
            target.cancel()
            raise
    return DeployRun([results[app.name] for app in apps])
