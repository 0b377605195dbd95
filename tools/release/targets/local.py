"""The embedded local target: every app served on 127.0.0.1 from a snapshot of a commit.

A deploy takes `git archive` of the app and what it depends on (its folder, the modules it
imports, the paths its image mounts) into `.fleet/local/<env>/<app>/vN/`, starts the app's
HTTP layer there with the tiny backend on a free port, waits for `/health`, and only then
makes vN live and stops the old version (rolling). State lives in `state.json` beside it;
one lock file per app keeps two deploys of the same app from overlapping.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.core.fs import write_text_atomic
from tools.core.redact import scrub
from tools.core.registry.model import App, Registry
from tools.release.changed import CommitTree
from tools.release.dependencies import dependencies
from tools.release.targets.base import DeployResult, LiveApp, Log

HEALTH_TIMEOUT_S = 180.0
# One compute thread per server unless the environment says otherwise: the local target runs
# every app on one machine, and torch's default (a thread per core in each server) makes them
# spin against each other; with one each, all 21 endpoints answer a third sooner.
SERVER_THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
SERVER = (
    "import sys, uvicorn\n"
    "from apps._shared.local import create_local_app\n"
    "uvicorn.run(create_local_app(sys.argv[1], 'tiny'), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)


@dataclass
class Version:
    version: str
    commit: str
    tag: str
    folder: str
    port: int | None = None
    pid: int | None = None
    state: str = "starting"  # starting, live, stopped, failed

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class AppState:
    versions: list[Version] = field(default_factory=list)
    live: str | None = None

    def version(self, name: str | None) -> Version | None:
        return next((v for v in self.versions if v.version == name), None)


class LocalTarget:
    name = "local"

    def __init__(
        self,
        root: Path,
        env: str,
        state_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """The servers start with `environ` less its secrets (nothing of the caller's when
        None): a tiny pipeline needs no credentials, and a server's log or error page then
        cannot show one."""
        self.root = root
        self.env = env
        self.environ = scrub(environ or {})
        base = state_dir if state_dir is not None else root / ".fleet"
        self.home = base / "local" / env
        self.home.mkdir(parents=True, exist_ok=True)
        ignore = base / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n")

    # The Target protocol.

    def preflight(self, registry: Registry, apps: list[App]) -> None:
        """Nothing to check: the local target needs no credentials, secrets or volumes."""

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        with self._app_lock(app):
            state = self._load(app)
            live = state.version(state.live)
            if live is not None and live.commit == commit and _alive(live.pid):
                log(f"{live.version} already serves {commit[:12]}: nothing to deploy")
                return DeployResult(
                    app.name, "unchanged", live.version, "same commit", {"local": live.url}
                )
            version = Version(f"v{len(state.versions) + 1}", commit, tag, "")
            version.folder = str(self.home / app.name / version.version)
            state.versions.append(version)
            self._save(app, state)
            try:
                self._snapshot(app, commit, Path(version.folder), log)
                self._start(app, version, log)
            except _StartFailed as failure:
                version.state = "failed"
                self._save(app, state)
                return DeployResult(app.name, "failed", version.version, str(failure))
            return self._switch(app, state, version, log)

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        apps = []
        for path in sorted(self.home.glob("*/state.json")):
            if only is not None and path.parent.name not in only:
                continue
            state = _read_state(path)
            current = state.version(state.live)
            starting = any(v.state == "starting" and _alive(v.pid) for v in state.versions)
            if current is None:
                apps.append(LiveApp(path.parent.name, "starting" if starting else "stopped"))
                continue
            shown = (current.version, current.tag, current.commit)
            if not _alive(current.pid):
                status, detail = "degraded", f"pid {current.pid} is no longer running"
            elif not _healthy(current.url):
                status, detail = "degraded", f"{current.url}/health does not answer"
            else:
                status, detail = "starting" if starting else "deployed", ""
            apps.append(LiveApp(path.parent.name, status, *shown, detail=detail))
        return apps

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        with self._app_lock(app):
            state = self._load(app)
            target = state.version(version) if version else _previous(state)
            if target is None:
                return DeployResult(
                    app.name, "failed", version, "no earlier version to roll back to"
                )
            try:
                self._start(app, target, log)
            except _StartFailed as failure:
                return DeployResult(app.name, "failed", target.version, str(failure))
            return self._switch(app, state, target, log)

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        with self._app_lock(app):
            state = self._load(app)
            for version in state.versions:
                if version.state == "live" or _alive(version.pid):
                    _terminate(version.pid)
                    log(f"stopped {version.version} (pid {version.pid})")
                    version.state = "stopped"
            state.live = None
            self._save(app, state)
        return DeployResult(app.name, "stopped", detail="stopped")

    def base_url(self, registry: Registry, app: App) -> str | None:
        state = self._load(app)
        current = state.version(state.live)
        return current.url if current is not None else None

    # Steps.

    def _snapshot(self, app: App, commit: str, folder: Path, log: Log) -> None:
        deps = dependencies(app, CommitTree(self.root, commit))
        paths = sorted({app.dir, *deps.imports, *deps.mounts})
        archive = subprocess.run(
            ["git", "-C", str(self.root), "archive", "--format=tar", commit, "--", *paths],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise _StartFailed(
                f"git archive failed: {archive.stderr.decode(errors='replace')[:200]}"
            )
        source = folder / "src"
        source.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(source, filter="data")
        log(f"snapshot of {commit[:12]}: {len(paths)} paths in {folder}")

    def _start(self, app: App, version: Version, log: Log) -> None:
        folder = Path(version.folder)
        version.port = _free_port()
        output = (folder / "server.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, app.dir, str(version.port)],
            cwd=folder / "src",
            env={
                **SERVER_THREADS,
                **self.environ,
                "PYTHONPATH": str(folder / "src"),
                "HF_HUB_OFFLINE": "1",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        version.pid = process.pid
        log(f"{version.version} starting on {version.url} (pid {process.pid})")
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise _StartFailed(
                    f"{version.version} exited with {process.returncode}; see {folder}/server.log"
                )
            if _healthy(version.url):
                log(f"{version.version} healthy")
                return
            time.sleep(0.2)
        _terminate(process.pid)
        raise _StartFailed(
            f"{version.version} did not answer /health within {HEALTH_TIMEOUT_S:g} s"
        )

    def _switch(self, app: App, state: AppState, version: Version, log: Log) -> DeployResult:
        previous = state.version(state.live)
        version.state = "live"
        state.live = version.version
        self._save(app, state)
        if previous is not None and previous is not version:
            _terminate(previous.pid)
            previous.state = "stopped"
            self._save(app, state)
            log(f"{previous.version} stopped; {version.version} is live")
        return DeployResult(
            app.name, "deployed", version.version, f"tag {version.tag}", {"local": version.url}
        )

    # State.

    def _state_path(self, app: App) -> Path:
        return self.home / app.name / "state.json"

    def _load(self, app: App) -> AppState:
        path = self._state_path(app)
        return _read_state(path) if path.exists() else AppState()

    def _save(self, app: App, state: AppState) -> None:
        path = self._state_path(app)
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"live": state.live, "versions": [asdict(v) for v in state.versions]}
        write_text_atomic(path, json.dumps(document, indent=2) + "\n")

    @contextmanager
    def _app_lock(self, app: App) -> Iterator[None]:
        lock = self.home / f"{app.name}.lock"
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class _StartFailed(Exception):
    pass


def _read_state(path: Path) -> AppState:
    data: dict[str, Any] = json.loads(path.read_text())
    return AppState([Version(**v) for v in data.get("versions", [])], data.get("live"))


def _previous(state: AppState) -> Version | None:
    """The newest version before the live one that once served."""
    live = state.version(state.live)
    earlier = [v for v in state.versions if v is not live and v.state in ("live", "stopped")]
    if live is not None:
        earlier = [v for v in earlier if int(v.version[1:]) < int(live.version[1:])]
    return earlier[-1] if earlier else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int | None) -> bool:
    """Whether the process runs: a zombie (killed, not yet reaped) does not."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            return False
    except ChildProcessError:
        pass  # not our child
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _terminate(pid: int | None, grace_s: float = 10.0) -> None:
    if pid is None or not _alive(pid):
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
