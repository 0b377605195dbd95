"""The local target end to end on 127.0.0.1, on one deployment shared by the module's tests.

The README's main job deploys all seven apps once; the tests after it run in order against
that fleet, each starting from what the one before left: a second main job, the same commit
again, changes since what is live, a version that does not start, two deploys at once (one
a rolling update), a release that rolls itself back (its server drops the connection, the
snapshot to roll back to is gone), the commit it rolled back held back, an interrupted
deploy, and a server that dies. One deployment instead of one per test: the servers'
start-up is most of this module's time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import GIT_ENV, REPO
from tests.release.conftest import fleet
from tools.core.registry.load import load_registry
from tools.release.smoke_request import smoke_request
from tools.release.targets import processes

pytestmark = pytest.mark.slow

SEEDVR2 = "ryla-seedvr2"


@dataclass
class Fleet:
    root: Path
    first_run: subprocess.CompletedProcess[str]

    def state(self, app: str = SEEDVR2) -> dict:
        return json.loads(
            (self.root / ".fleet" / "local" / "main" / app / "state.json").read_text()
        )

    def live(self, app: str = SEEDVR2) -> dict:
        state = self.state(app)
        return next(v for v in state["versions"] if v["version"] == state["live"])

    def commit(self, message: str, path: str, text: str) -> str:
        (self.root / path).write_text(text)
        for args in (["commit", "-qam", message], ["rev-parse", "HEAD"]):
            done = subprocess.run(
                ["git", "-C", str(self.root), *args],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, **GIT_ENV},
            )
        return done.stdout.strip()

    def read(self, path: str) -> str:
        return (self.root / path).read_text()


@pytest.fixture(scope="module")
def local_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("local-fleet") / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    try:
        # Credentials in the environment, as in a CI job that holds them: the servers must
        # start without them.
        credentials = {"MODAL_TOKEN_SECRET": "as-ci-secret", "HF_TOKEN": "hf_0123456789"}
        yield Fleet(root, fleet(root, "pipeline", "--target", "local", **credentials))
    finally:
        fleet(root, "down")


def stage_results(output: str) -> list[str]:
    """The closing report's result column: one entry per stage, then ok or FAILED."""
    lines = output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("stage ")))
    return [
        line.split(None, 2)[2] if line.split()[0] != "total" else line.split()[-1]
        for line in lines[start + 1 :]
    ]


def test_the_main_job_deploys_seven_apps_and_passes_21_smoke_tests(local_fleet: Fleet) -> None:
    first = local_fleet.first_run
    assert first.returncode == 0, first.stdout + first.stderr
    results = stage_results(first.stdout)
    assert results[1:3] == ["7 of 7 apps to deploy", "7 of 7 apps deployed"]
    assert results[3].startswith("21 of 21 endpoints ok")
    assert results[4:] == ["7 of 7 apps Synced and Healthy", "ok"]


def test_a_second_main_job_deploys_nothing_and_smoke_tests_everything(local_fleet: Fleet) -> None:
    second = fleet(local_fleet.root, "pipeline", "--target", "local")
    assert second.returncode == 0, second.stdout + second.stderr
    results = stage_results(second.stdout)
    assert results[1:3] == ["0 of 7 apps to deploy", "nothing changed: nothing deployed"]
    assert results[3].startswith("21 of 21 endpoints ok")


def test_each_server_runs_one_compute_thread_without_credentials(local_fleet: Fleet) -> None:
    environment = Path(f"/proc/{local_fleet.live()['pid']}/environ").read_bytes().split(b"\0")
    threads = os.environ.get("OMP_NUM_THREADS", "1")
    assert f"OMP_NUM_THREADS={threads}".encode() in environment
    names = {entry.partition(b"=")[0] for entry in environment}
    assert names.isdisjoint({b"MODAL_TOKEN_SECRET", b"HF_TOKEN"})


def test_deploying_the_live_commit_again_changes_nothing(local_fleet: Fleet) -> None:
    results = local_fleet.root / "results.json"
    again = fleet(local_fleet.root, "deploy", "seedvr2", "--results", str(results))
    assert again.returncode == 0, again.stdout + again.stderr
    [result] = json.loads(results.read_text())["results"]
    assert (result["app"], result["outcome"], result["version"]) == (SEEDVR2, "unchanged", "v1")
    assert result["urls"] == {"local": f"http://127.0.0.1:{local_fleet.live()['port']}"}


def test_changed_since_deployed_compares_each_app_with_its_live_commit(local_fleet: Fleet) -> None:
    def reasons() -> dict[str, list[str]]:
        result = fleet(local_fleet.root, "changed", "--since", "deployed", "--json")
        return {app["name"]: app["reasons"] for app in json.loads(result.stdout)["apps"]}

    assert reasons() == {}
    live = local_fleet.live()["commit"]
    readme = "apps/seedvr2/README.md"
    local_fleet.commit("seedvr2: docs", readme, local_fleet.read(readme) + "\nMore.\n")
    assert reasons() == {SEEDVR2: [f"changed {readme} since live {live[:12]}"]}


def test_a_version_that_does_not_start_fails_and_the_old_one_keeps_serving(
    local_fleet: Fleet,
) -> None:
    service = "apps/seedvr2/service.py"
    working = local_fleet.read(service)
    local_fleet.commit("break", service, working + "\nraise RuntimeError('broken at import')\n")
    broken = fleet(local_fleet.root, "deploy", "seedvr2")
    assert broken.returncode == 1
    assert f"  {SEEDVR2:<20} failed     v2    v2 exited with 1; see " in broken.stdout
    state = local_fleet.state()
    assert (state["live"], state["versions"][1]["state"]) == ("v1", "failed")
    url = f"http://127.0.0.1:{local_fleet.live()['port']}"
    assert httpx.get(f"{url}/health", timeout=5).status_code == 200
    local_fleet.commit("unbreak", service, working)


def test_two_deploys_of_one_app_never_overlap_and_the_new_version_is_healthy_first(
    local_fleet: Fleet,
) -> None:
    before = local_fleet.live()
    readme = "apps/seedvr2/README.md"
    local_fleet.commit("seedvr2: more docs", readme, local_fleet.read(readme) + "\nAgain.\n")
    command = [sys.executable, "-P", "-m", "tools.fleet", "deploy", "seedvr2"]
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    runs = [
        subprocess.Popen(
            command, cwd=local_fleet.root, env=environment, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    outcomes = sorted(
        line.split()[1]
        for output in outputs
        for line in output.splitlines()
        if line.startswith(f"  {SEEDVR2}")
    )
    assert outcomes == ["deployed", "unchanged"]
    state = local_fleet.state()
    assert [(v["version"], v["state"]) for v in state["versions"]] == [
        ("v1", "stopped"),
        ("v2", "failed"),
        ("v3", "live"),
    ]
    # Rolling: the new version answered /health before the old one stopped.
    [deployed] = [output for output in outputs if f"  {SEEDVR2:<20} deployed" in output]
    lines = [line for line in deployed.splitlines() if line.startswith("[seedvr2]")]
    assert lines[-2:] == ["[seedvr2] v3 healthy", "[seedvr2] v1 stopped; v3 is live"]
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{before['port']}/health", timeout=2)
    url = f"http://127.0.0.1:{local_fleet.live()['port']}"
    assert httpx.get(f"{url}/health", timeout=5).json()["backend"] == "tiny"
    registry = load_registry(local_fleet.root / "registry" / "fleet.yaml")
    body = smoke_request(registry.apps["seedvr2"].endpoints["/seedvr2"])
    answer = httpx.post(f"{url}/seedvr2", json=body, timeout=60)
    assert (answer.status_code, answer.json()["width"]) == (200, 64)


def test_a_failing_release_is_rolled_back_and_the_previous_version_serves(
    local_fleet: Fleet,
) -> None:
    root = local_fleet.root
    subprocess.run(["git", "-C", str(root), "tag", "seedvr2/v1.0.0"], check=True)
    first = fleet(root, "release", "seedvr2/v1.0.0", "--report", str(root / "r1.json"))
    assert first.returncode == 0, first.stdout + first.stderr
    report = json.loads((root / "r1.json").read_text())
    [entry] = report["apps"]
    assert (report["ok"], entry["outcome"], entry["deploy"]["outcome"]) == (
        True,
        "released",
        "unchanged",
    )
    assert [s["status"] for s in entry["smoke"]] == ["ok"]

    # The new version's server dies in the middle of a request (the connection drops with
    # no answer), and the snapshot of the version to roll back to is gone.
    service = "apps/seedvr2/service.py"
    marker = "    def seedvr2(request: Upscale) -> MediaResponse:\n"
    text = local_fleet.read(service)
    broken = text.replace(marker, marker + "        import os\n\n        os._exit(1)\n")
    local_fleet.commit("fix(seedvr2): faster upscaling", service, broken)
    subprocess.run(["git", "-C", str(root), "tag", "seedvr2/v1.1.0"], check=True)
    shutil.rmtree(Path(local_fleet.live()["folder"]))
    second = fleet(root, "release", "seedvr2/v1.1.0", "--report", str(root / "r2.json"))
    assert second.returncode == 1
    assert "[seedvr2] v3's snapshot is gone: taking it again" in second.stdout
    report = json.loads((root / "r2.json").read_text())
    [entry] = report["apps"]
    assert (report["previous_tag"], entry["deploy"]["version"], entry["outcome"]) == (
        "seedvr2/v1.0.0",
        "v4",
        "rolled-back",
    )
    assert entry["rolled_back_to"] == "v3"
    [failed] = entry["smoke"]
    assert (failed["status"], failed["http_status"]) == ("connection-error", None)
    assert failed["detail"].startswith("/seedvr2 (http://127.0.0.1:")
    assert "): no answer (" in failed["detail"]
    assert [s["status"] for s in entry["rollback_smoke"]] == ["ok"]
    assert f"**{SEEDVR2}**\n- `/seedvr2` connection-error: {failed['detail']}" in second.stdout
    assert list(entry["notes"]) == ["Fixes"]
    assert entry["notes"]["Fixes"][0].startswith("faster upscaling (")
    assert local_fleet.state()["live"] == "v3"
    url = f"http://127.0.0.1:{local_fleet.live()['port']}"
    assert httpx.get(f"{url}/health", timeout=5).status_code == 200

    status = fleet(root, "status", "--json")
    statuses = {s["app"]: (s["sync"], s["health"]) for s in json.loads(status.stdout)["apps"]}
    assert statuses[SEEDVR2] == ("OutOfSync", "Healthy")
    assert statuses["ryla-flux"] == ("Synced", "Healthy")
    assert status.returncode == 1


def test_a_rolled_back_commit_is_held_back(local_fleet: Fleet) -> None:
    root = local_fleet.root
    broken = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    held = f"rolled back from {broken[:12]}: deployed again once a commit changes the app"
    changed = json.loads(fleet(root, "changed", "--since", "deployed", "--json").stdout)
    assert (changed["apps"], [a["name"] for a in changed["held"]]) == ([], [SEEDVR2])
    assert changed["held"][0]["reasons"][-1] == held
    status = json.loads(fleet(root, "status", "--json").stdout)
    [seedvr2] = [s for s in status["apps"] if s["app"] == SEEDVR2]
    assert (seedvr2["sync"], seedvr2["held_at"], seedvr2["detail"][-1]) == (
        "OutOfSync",
        broken,
        held,
    )


def test_an_interrupted_deploy_stops_the_server_it_started(local_fleet: Fleet) -> None:
    readme = "apps/seedvr2/README.md"
    local_fleet.commit("seedvr2: a note", readme, local_fleet.read(readme) + "\nA note.\n")
    changed = json.loads(fleet(local_fleet.root, "changed", "--since", "deployed", "--json").stdout)
    assert ([a["name"] for a in changed["apps"]], changed["held"]) == ([SEEDVR2], [])
    command = [sys.executable, "-P", "-m", "tools.fleet", "deploy", "seedvr2"]
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    deploy = subprocess.Popen(
        command, cwd=local_fleet.root, env=environment, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until its server is recorded, starting
        starting = [v for v in local_fleet.state()["versions"] if v["state"] == "starting"]
        if starting and starting[0]["pid"]:
            break
        time.sleep(0.05)
    [version] = starting
    deploy.send_signal(signal.SIGTERM)
    output, _ = deploy.communicate(timeout=60)
    assert deploy.returncode == 143
    assert output.endswith(
        f"[seedvr2] {version['version']} interrupted: its server (pid {version['pid']}) stopped\n"
    )
    assert not processes.running(version["pid"])
    state = local_fleet.state()
    assert (state["live"], state["versions"][-1]["state"]) == ("v3", "failed")


def test_a_server_that_died_is_degraded_and_down_reports_it(local_fleet: Fleet) -> None:
    pid = local_fleet.live()["pid"]
    os.killpg(pid, 9)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # a signal is delivered, not obeyed, when kill returns
        status = json.loads(fleet(local_fleet.root, "status", "--json").stdout)
        [seedvr2] = [s for s in status["apps"] if s["app"] == SEEDVR2]
        if seedvr2["health"] == "Degraded":
            break
        time.sleep(0.2)
    assert seedvr2["health"] == "Degraded"
    assert seedvr2["detail"][-1] == f"live state degraded: pid {pid} is no longer running"
    down = fleet(local_fleet.root, "down")
    assert f"stale: {SEEDVR2} v3 (pid {pid} is no longer running)" in down.stdout
    assert down.stdout.endswith("local target stopped\n")
