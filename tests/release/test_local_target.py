"""The local target end to end on 127.0.0.1: parallel deploys, calls, a rolling update, down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import GIT_ENV, REPO
from tests.release.conftest import fleet
from tools.core.registry.load import load_registry
from tools.release.smoke_request import smoke_request
from tools.release.targets.base import LiveApp
from tools.release.targets.local import LocalTarget


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """This repository at HEAD, cloned, so a test can commit a new version of an app."""
    root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    yield root
    subprocess.run(
        [sys.executable, "-P", "-m", "tools.fleet", "down"],
        cwd=root,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def state(root: Path, app: str) -> dict:
    return json.loads((root / ".fleet" / "local" / "main" / app / "state.json").read_text())


def test_deploy_call_roll_and_stop(clone: Path) -> None:
    registry = load_registry(clone / "registry" / "fleet.yaml")
    first = fleet(
        clone,
        "deploy",
        "seedvr2",
        "z-image",
        "--target",
        "local",
        "--jobs",
        "2",
        "--results",
        str(clone / "results.json"),
    )
    assert first.returncode == 0, first.stdout + first.stderr
    results = json.loads((clone / "results.json").read_text())
    assert [(r["app"], r["outcome"], r["version"]) for r in results["results"]] == [
        ("ryla-seedvr2", "deployed", "v1"),
        ("ryla-z-image", "deployed", "v1"),
    ]
    for key, path in (("seedvr2", "/seedvr2"), ("z-image", "/z-image-simple")):
        url = results["results"][0 if key == "seedvr2" else 1]["urls"]["local"]
        endpoint = registry.apps[key].endpoints[path]
        answer = httpx.post(f"{url}{path}", json=smoke_request(endpoint), timeout=60)
        assert (answer.status_code, answer.json()["width"]) == (200, 64)

    # One compute thread per server, unless the environment chose otherwise.
    server = state(clone, "ryla-z-image")["versions"][0]["pid"]
    environment = Path(f"/proc/{server}/environ").read_bytes().split(b"\0")
    threads = os.environ.get("OMP_NUM_THREADS", "1")
    assert f"OMP_NUM_THREADS={threads}".encode() in environment

    again = fleet(clone, "deploy", "seedvr2", "--target", "local")
    assert "ryla-seedvr2         unchanged  v1" in again.stdout

    v1 = state(clone, "ryla-seedvr2")["versions"][0]
    readme = clone / "apps" / "seedvr2" / "README.md"
    readme.write_text(readme.read_text() + "\nA new version.\n")
    subprocess.run(
        ["git", "-C", str(clone), "commit", "-qam", "seedvr2: docs"],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    rolled = fleet(clone, "deploy", "seedvr2", "--target", "local")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    lines = [line for line in rolled.stdout.splitlines() if line.startswith("[seedvr2]")]
    assert lines[-2:] == ["[seedvr2] v2 healthy", "[seedvr2] v1 stopped; v2 is live"]
    after = state(clone, "ryla-seedvr2")
    assert (after["live"], [v["state"] for v in after["versions"]]) == ("v2", ["stopped", "live"])
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{v1['port']}/health", timeout=2)
    v2_url = f"http://127.0.0.1:{after['versions'][1]['port']}"
    assert httpx.get(f"{v2_url}/health", timeout=5).json()["backend"] == "tiny"

    down = fleet(clone, "down")
    assert down.returncode == 0
    assert "[seedvr2] stopped v2" in down.stdout
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{v2_url}/health", timeout=2)


def test_a_version_that_does_not_start_is_failed_and_the_old_one_keeps_serving(
    clone: Path,
) -> None:
    assert fleet(clone, "deploy", "seedvr2", "--target", "local").returncode == 0
    live = state(clone, "ryla-seedvr2")["versions"][0]
    service = clone / "apps" / "seedvr2" / "service.py"
    service.write_text(service.read_text() + "\nraise RuntimeError('broken at import')\n")
    subprocess.run(
        ["git", "-C", str(clone), "commit", "-qam", "break"],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    broken = fleet(clone, "deploy", "seedvr2", "--target", "local")
    assert broken.returncode == 1
    assert "ryla-seedvr2         failed     v2" in broken.stdout
    after = state(clone, "ryla-seedvr2")
    assert (after["live"], after["versions"][1]["state"]) == ("v1", "failed")
    assert httpx.get(f"http://127.0.0.1:{live['port']}/health", timeout=5).status_code == 200


def test_stale_processes_are_reported(clone: Path) -> None:
    assert fleet(clone, "deploy", "seedvr2", "--target", "local").returncode == 0
    pid = state(clone, "ryla-seedvr2")["versions"][0]["pid"]
    os.killpg(pid, 9)
    target = LocalTarget(clone, "main")
    registry = load_registry(clone / "registry" / "fleet.yaml")

    def seedvr2() -> LiveApp:
        [app] = [a for a in target.live(registry) if a.name == "ryla-seedvr2"]
        return app

    deadline = time.monotonic() + 10
    while seedvr2().state != "degraded" and time.monotonic() < deadline:
        time.sleep(0.1)  # a signal is delivered, not obeyed, when kill returns
    assert (seedvr2().state, seedvr2().detail) == (
        "degraded",
        f"pid {pid} is no longer running",
    )
    down = fleet(clone, "down")
    assert f"stale: ryla-seedvr2 v1 (pid {pid} is no longer running)" in down.stdout


def test_nothing_deploys_without_naming_what() -> None:
    result = fleet(REPO, "deploy", "--target", "local")
    assert (result.returncode, result.stderr) == (
        2,
        "fleet: name what to deploy: APP..., --all, or --changed (nothing deploys by default)\n",
    )


def test_changed_since_deployed_compares_each_app_with_its_live_commit(clone: Path) -> None:
    assert fleet(clone, "deploy", "seedvr2", "--target", "local").returncode == 0
    live = state(clone, "ryla-seedvr2")["versions"][0]["commit"]
    result = fleet(clone, "changed", "--since", "deployed", "--target", "local", "--json")
    document = json.loads(result.stdout)
    reasons = {a["name"]: a["reasons"] for a in document["apps"]}
    assert "ryla-seedvr2" not in reasons
    assert reasons["ryla-flux"] == ["not deployed on local"]
    assert len(reasons) == 6
    readme = clone / "apps" / "seedvr2" / "README.md"
    readme.write_text(readme.read_text() + "\nMore.\n")
    subprocess.run(
        ["git", "-C", str(clone), "commit", "-qam", "docs"],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    result = fleet(clone, "changed", "--since", "deployed", "--target", "local", "--json")
    reasons = {a["name"]: a["reasons"] for a in json.loads(result.stdout)["apps"]}
    assert reasons["ryla-seedvr2"] == [f"changed apps/seedvr2/README.md since live {live[:12]}"]


def test_two_deploys_of_one_app_never_overlap(clone: Path) -> None:
    command = [sys.executable, "-P", "-m", "tools.fleet", "deploy", "seedvr2", "--target", "local"]
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    runs = [
        subprocess.Popen(command, cwd=clone, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    outcomes = sorted(
        line.split()[1]
        for output in outputs
        for line in output.splitlines()
        if line.startswith("  ryla-seedvr2")
    )
    assert outcomes == ["deployed", "unchanged"]
    assert [v["version"] for v in state(clone, "ryla-seedvr2")["versions"]] == ["v1"]
