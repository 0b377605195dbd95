"""Smoke-testing all 21 endpoints concurrently on the local target, against the slowest one.

    python benchmarks/smoke_local.py

Deploys the seven apps to a scratch local target, smoke-tests each endpoint alone (cold and
warm calls), then all of them at once; prints the ratio of the concurrent run to the slowest
single endpoint, and the time the CPU work of that run needs on this machine's cores. Nothing
here asserts a time.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from server_cpu import cpu_seconds, live_pid

from tools.client import FleetClient
from tools.core import git
from tools.core.registry.load import load_registry
from tools.core.registry.model import Registry
from tools.release.deploy import deploy_apps
from tools.release.smoke import smoke_apps
from tools.release.targets.local import LocalTarget

REPO = Path(__file__).resolve().parent.parent


def connect(registry: Registry, env: str, base_url: str | None) -> FleetClient:
    return FleetClient(registry, env=env, base_url=base_url)


def main() -> None:
    registry = load_registry(REPO / "registry" / "fleet.yaml")
    apps = list(registry.apps.values())
    commit = git.resolve(REPO, "HEAD") or "HEAD"
    with tempfile.TemporaryDirectory() as folder:
        target = LocalTarget(REPO, "bench", state_dir=Path(folder))
        run = deploy_apps(
            target,
            registry,
            apps,
            commit=commit,
            tag="bench",
            jobs=4,
            fail_fast=False,
            echo=lambda _: None,
        )
        assert not run.failed, run.failed
        try:
            urls = {app.key: target.base_url(registry, app) for app in apps}
            singles = {}
            for app in apps:
                for path in app.endpoints:
                    started = time.perf_counter()
                    [result] = smoke_apps(
                        registry,
                        [app],
                        connect,
                        env="main",
                        base_url=lambda a: urls[a.key],
                        only=path,
                    )
                    singles[path] = time.perf_counter() - started
                    assert result.status == "ok", result
            pids = [live_pid(target, app) for app in apps]
            cpu_before = sum(cpu_seconds(pid) for pid in pids) + process_cpu()
            started = time.perf_counter()
            results = smoke_apps(
                registry, apps, connect, env="main", base_url=lambda a: urls[a.key]
            )
            together = time.perf_counter() - started
            cpu = sum(cpu_seconds(pid) for pid in pids) + process_cpu() - cpu_before
            assert all(r.status == "ok" for r in results)
        finally:
            for app in apps:
                target.stop(registry, app, log=lambda _: None)
    slowest = max(singles, key=singles.__getitem__)
    print(
        f"slowest single endpoint {slowest}: {singles[slowest]:.2f} s; sum of all "
        f"{sum(singles.values()):.2f} s"
    )
    print(
        f"all {len(singles)} concurrently: {together:.2f} s = {together / singles[slowest]:.2f}x "
        "the slowest"
    )
    cores = os.cpu_count() or 1
    floor = max(cpu / cores, singles[slowest])
    print(
        f"the servers and this client used {cpu:.2f} s of CPU meanwhile: on {cores} cores no "
        f"schedule beats {floor:.2f} s ({floor / singles[slowest]:.2f}x the slowest); this run "
        f"took {together / floor:.2f}x that"
    )


def process_cpu() -> float:
    return time.process_time()


if __name__ == "__main__":
    main()
