"""Deploying the seven apps to the local target with --jobs 4, against the ideal schedule.

    python benchmarks/deploy_local.py [--jobs 4]

Each app is first deployed alone (and stopped) to learn its time; then all deploy at once.
The ideal is the slowest app's time multiplied by the number of waves (apps / jobs, rounded
up). Prints both and their ratio, and, on a machine with fewer cores than jobs, how long the
servers' measured CPU time takes spread over its cores. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

from server_cpu import cpu_seconds, live_pid

from tools.core import git
from tools.core.registry.load import load_registry
from tools.release.deploy import deploy_apps
from tools.release.targets.local import LocalTarget

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=4)
    jobs = parser.parse_args().jobs
    registry = load_registry(REPO / "registry" / "fleet.yaml")
    commit = git.resolve(REPO, "HEAD") or "HEAD"
    apps = list(registry.apps.values())
    singles: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        target = LocalTarget(REPO, "bench", state_dir=Path(folder) / "alone")
        for app in apps:
            started = time.perf_counter()
            result = target.deploy(registry, app, commit=commit, tag="bench", log=lambda _: None)
            singles[app.name] = time.perf_counter() - started
            cpu[app.name] = cpu_seconds(live_pid(target, app))  # its start-up, once healthy
            target.stop(registry, app, log=lambda _: None)
            assert result.outcome == "deployed", result
        together = LocalTarget(REPO, "bench", state_dir=Path(folder) / "together")
        started = time.perf_counter()
        run = deploy_apps(
            together,
            registry,
            apps,
            commit=commit,
            tag="bench",
            jobs=jobs,
            fail_fast=False,
            echo=lambda _: None,
        )
        parallel = time.perf_counter() - started
        for app in apps:
            together.stop(registry, app, log=lambda _: None)
    assert not run.failed, run.failed
    waves = math.ceil(len(apps) / jobs)
    ideal = max(singles.values()) * waves
    for name, seconds in singles.items():
        print(f"  {name:<18} {seconds:5.1f} s alone, its server used {cpu[name]:4.1f} s of CPU")
    print(
        f"{len(apps)} apps, --jobs {jobs}: {parallel:.1f} s; ideal {ideal:.1f} s "
        f"(slowest {max(singles.values()):.1f} s x {waves} waves): {parallel / ideal:.2f}x"
    )
    cores = os.cpu_count() or 1
    if cores < jobs:
        floor = max(sum(cpu.values()) / cores, ideal)
        print(
            f"{cores} cores for {jobs} jobs: the servers' CPU time alone, spread over the cores, "
            f"takes {floor:.1f} s ({floor / ideal:.2f}x the ideal); this run took "
            f"{parallel / floor:.2f}x that"
        )


if __name__ == "__main__":
    main()
