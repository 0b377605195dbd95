"""A release always ends with a version that serves, whatever fails after the new version
starts: a dropped connection, a crash while smoke-testing, a rollback that cannot be done.

The target is a `Versions` one: each version is a real HTTP server on 127.0.0.1 that
answers as it is told (with media of the requested size, or by dropping the connection);
endpoints are called through the real client, on a real git repository.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import Repo, run_fleet
from tests.modal_emulator import fleet_copy
from tools.client import FleetClient
from tools.core.registry.model import App, Registry
from tools.release.release import Releaser, ReleaseReport
from tools.release.release_tags import parse_tag
from tools.release.targets.base import DeployResult, LiveApp, Log

SEEDVR2 = "ryla-seedvr2"


class Version(ThreadingHTTPServer):
    """One version of seedvr2: it answers with a 64x64 image, or drops every connection."""

    daemon_threads = True

    def __init__(self, answers: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = answers
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Version

    def log_message(self, *_: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if not self.server.answers:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        png = io.BytesIO()
        Image.new("RGB", (64, 64)).save(png, format="PNG")
        body = json.dumps({"output": base64.b64encode(png.getvalue()).decode()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@dataclass
class Versions:
    """A target whose versions are `Version` servers: v1 serves before the release, a
    deploy makes the next one live."""

    servers: list[Version]
    live_version: int | None = 1
    deploy_fails_after_going_live: bool = False
    rollback_raises: Exception | None = None
    log: list[str] = field(default_factory=list)
    name: str = "versions"
    env: str = "main"

    def preflight(self, registry: Registry, apps: list[App]) -> None:
        pass

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        self.live_version = len(self.servers)
        version = f"v{self.live_version}"
        if self.deploy_fails_after_going_live:
            return DeployResult(app.name, "failed", detail="Modal printed no URL for web")
        return DeployResult(app.name, "deployed", version)

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        if self.live_version is None:
            return []
        return [LiveApp(SEEDVR2, "deployed", f"v{self.live_version}", "t", "c")]

    def base_url(self, registry: Registry, app: App) -> str | None:
        return None if self.live_version is None else self.servers[self.live_version - 1].url

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        if self.rollback_raises is not None:
            raise self.rollback_raises
        assert version is not None
        self.live_version = int(version[1:])
        return DeployResult(app.name, "deployed", version)

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        self.live_version = None
        return DeployResult(app.name, "stopped")

    def cancel(self) -> None:
        pass


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fleet_copy(tmp_path_factory.mktemp("fleet"), apps=["flux", "seedvr2"])
    repo.git("tag", "seedvr2/v1.0.0")
    return repo


@pytest.fixture
def servers() -> Iterator[list[Version]]:
    started = [Version(answers=True), Version(answers=False)]
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


def release(fleet: Repo, target: Versions, connect=None) -> ReleaseReport:
    repository = fleet.repository()
    desired = repository.revision(fleet.git("rev-parse", "seedvr2/v1.0.0"))
    report = ReleaseReport("seedvr2/v1.0.0", "", None, target.name, target.env, [])

    def client(registry: Registry, env: str, base_url: str | None) -> FleetClient:
        return FleetClient(registry, env=env, base_url=base_url, environ={})

    releaser = Releaser(repository, target, connect or client, target.log.append)
    return releaser.run(parse_tag("seedvr2/v1.0.0", desired.registry), desired, report)


def test_a_version_that_drops_the_connection_is_rolled_back(fleet: Repo, servers) -> None:
    target = Versions(servers)
    report = release(fleet, target)
    [app] = report.apps
    assert (report.ok, app.outcome, app.rolled_back_to, target.live_version) == (
        False,
        "rolled-back",
        "v1",
        1,
    )
    assert [(r.status, r.detail) for r in app.smoke] == [
        (
            "connection-error",
            f"/seedvr2 ({servers[1].url}/seedvr2): no answer "
            "(Server disconnected without sending a response.)",
        )
    ]
    assert [r.status for r in app.rollback_smoke] == ["ok"]
    assert target.log == ["[seedvr2] smoke tests failed: rolling back to v1"]
    assert (
        f"**{SEEDVR2}**\n- `/seedvr2` connection-error: /seedvr2 ({servers[1].url}/seedvr2)"
        in report.markdown()
    )


def test_a_crash_while_smoke_testing_is_a_failed_smoke_test(fleet: Repo, servers) -> None:
    target = Versions(servers)

    def crashing(registry: Registry, env: str, base_url: str | None) -> FleetClient:
        if base_url == servers[1].url:
            raise RuntimeError("the caller broke")
        return FleetClient(registry, env=env, base_url=base_url, environ={})

    [app] = release(fleet, target, crashing).apps
    assert [(r.status, r.detail) for r in app.smoke] == [
        ("error", "RuntimeError: the caller broke")
    ]
    assert (app.outcome, [r.status for r in app.rollback_smoke]) == ("rolled-back", ["ok"])


def test_a_rollback_that_cannot_be_done_leaves_the_newest_healthy_version(
    fleet: Repo, servers
) -> None:
    target = Versions(servers, rollback_raises=FileNotFoundError(2, "No such file", "v1/src"))
    report = release(fleet, target)
    [app] = report.apps
    said = (
        "rollback to v1 impossible: FileNotFoundError: [Errno 2] No such file: 'v1/src'; "
        "v2, the newest version that answered /health, still serves"
    )
    assert (app.outcome, app.detail, target.live_version) == ("rollback-failed", said, 2)
    assert target.log[-1] == f"[seedvr2] {said}"
    assert f"- {said}" in report.markdown()


def test_a_deploy_that_failed_after_its_version_went_live_is_smoked_and_rolled_back(
    fleet: Repo, servers
) -> None:
    target = Versions(servers, deploy_fails_after_going_live=True)
    [app] = release(fleet, target).apps
    assert (app.deploy.outcome, app.outcome, target.live_version) == ("failed", "rolled-back", 1)
    assert target.log[0] == "[seedvr2] the deploy failed after v2 went live"


def test_the_report_is_written_when_the_release_cannot_start(tmp_path: Path) -> None:
    report = tmp_path / "release.json"
    result = run_fleet("release", "seedvr2/v9.9.9", "--report", str(report))
    assert result.returncode == 2
    written = json.loads(report.read_text())
    assert (written["ok"], written["apps"]) == (False, [])
    assert written["error"] == result.stderr.removeprefix("fleet: ").rstrip("\n")
    folder = run_fleet("release", "seedvr2/v9.9.9", "--report", str(tmp_path))
    assert (folder.returncode, folder.stderr) == (2, f"{tmp_path}: is a folder, not a file\n")
