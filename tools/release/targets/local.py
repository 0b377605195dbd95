"""The embedded local target: every app served on 127.0.0.1 from a snapshot of a commit.

A deploy takes `git archive` of the app and what it depends on (its folder, the modules it
imports, the paths its image mounts) into `.fleet/local/<env>/<app>/vN/`, starts the app's
HTTP layer there with the tiny backend on a free port, waits for `/health`, and only then
makes vN live and stops the old version (rolling). State lives in `state.json` beside it;
one lock file per app keeps two deploys of the same app from overlapping.

Servers are owned (`processes`): each is recorded with its start time and signalled only
while its pid is still that process; a deploy interrupted before its version is live stops
the server it started; a state file that cannot be read is reported, its servers are found
by their mark and stopped, and it is set aside.
"""

from __future__ import annotations

import fcntl
import io
import json
import re
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from tools.core.errors import FleetError
from tools.core.fs import read_document, write_text_atomic
from tools.core.redact import scrub
from tools.core.registry.model import App, Registry
from tools.release.changed import CommitTree
from tools.release.dependencies import dependencies
from tools.release.targets import processes
from tools.release.targets.base import DeployResult, LiveApp, Log

HEALTH_TIMEOUT_S = 180.0
# One compute thread per server unless the environment says otherwise: the local target runs
# every app on one machine, and torch's default (a thread per core in each server) makes them
# spin against each other; with one each, all 21 endpoints answer a third sooner.
SERVER_THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# The server serves on a socket this process bound and hands over (its descriptor, argv[2]):
# no other process can take the port between choosing it and listening on it.
SERVER = (
    "import socket, sys, uvicorn\n"
    "from apps._shared.local import create_local_app\n"
    "config = uvicorn.Config(create_local_app(sys.argv[1], 'tiny'), log_level='warning')\n"
    "uvicorn.Server(config).run(sockets=[socket.socket(fileno=int(sys.argv[2]))])\n"
)


@dataclass
class Version:
    version: str
    commit: str
    tag: str
    folder: str
    port: int | None = None
    pid: int | None = None
    state: Literal["starting", "live", "stopped", "failed"] = "starting"
    started: str | None = None  # the server's start time: with pid, what makes it ours

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def number(self) -> int:
        return int(self.version[1:])

    def running(self) -> bool:
        """Whether this version's own server runs (not whatever process has its pid now)."""
        return processes.owned(self.pid, self.started)


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
        self._cancelled = threading.Event()
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
            state = self._load(app, log)
            live = state.version(state.live)
            if live is not None and live.commit == commit and live.running():
                log(f"{live.version} already serves {commit[:12]}: nothing to deploy")
                return DeployResult(
                    app.name, "unchanged", live.version, "same commit", {"local": live.url}
                )
            number = max([v.number for v in state.versions] + self._folders(app)) + 1
            version = Version(f"v{number}", commit, tag, str(self.home / app.name / f"v{number}"))
            state.versions.append(version)
            self._save(app, state)
            try:
                self._snapshot(app, commit, Path(version.folder), log)
                self._start(app, version, log, lambda: self._save(app, state))
            except _StartFailed as failure:
                version.state = "failed"
                self._save(app, state)
                return DeployResult(app.name, "failed", version.version, str(failure))
            return self._switch(app, state, version, log)

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        apps = []
        for path in sorted(self.home.glob("*/state.json")):
            name = path.parent.name
            if only is not None and name not in only:
                continue
            try:
                state = _read_state(path)
            except CorruptState as corrupt:
                servers = processes.marked(path.parent)
                detail = f"{corrupt}; {len(servers)} of its servers run (fleet down stops them)"
                apps.append(LiveApp(name, "degraded", detail=detail))
                continue
            current = state.version(state.live)
            starting = any(v.state == "starting" and v.running() for v in state.versions)
            if current is None:
                apps.append(LiveApp(name, "starting" if starting else "stopped"))
                continue
            shown = (current.version, current.tag, current.commit)
            rolled_back = _rolled_back_from(state, current)
            if not current.running():
                status, detail = "degraded", f"pid {current.pid} is no longer running"
            elif not _healthy(current.url):
                status, detail = "degraded", f"{current.url}/health does not answer"
            else:
                status, detail = "starting" if starting else "deployed", ""
            apps.append(LiveApp(name, status, *shown, detail=detail, rolled_back_from=rolled_back))
        return apps

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        with self._app_lock(app):
            state = self._load(app, log)
            target = state.version(version) if version else _previous(state)
            if target is None:
                return DeployResult(
                    app.name, "failed", version, "no earlier version to roll back to"
                )
            try:
                if not (Path(target.folder) / "src").is_dir():
                    log(f"{target.version}'s snapshot is gone: taking it again")
                    self._snapshot(app, target.commit, Path(target.folder), log)
                self._start(app, target, log, lambda: self._save(app, state))
            except _StartFailed as failure:
                return DeployResult(app.name, "failed", target.version, str(failure))
            return self._switch(app, state, target, log)

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        with self._app_lock(app):
            state = self._load(app, log)
            for version in state.versions:
                if processes.stop(version.pid, version.started):
                    log(f"stopped {version.version} (pid {version.pid})")
                if version.state in ("live", "starting"):
                    version.state = "stopped"
            state.live = None
            self._save(app, state)
        return DeployResult(app.name, "stopped", detail="stopped")

    def cancel(self) -> None:
        self._cancelled.set()

    def base_url(self, registry: Registry, app: App) -> str | None:
        path = self._state_path(app)
        try:
            state = _read_state(path) if path.exists() else AppState()
        except CorruptState as corrupt:
            raise FleetError(str(corrupt)) from None
        current = state.version(state.live)
        return current.url if current is not None else None

    # Steps.

    def _snapshot(self, app: App, commit: str, folder: Path, log: Log) -> None:
        try:
            deps = dependencies(app, CommitTree(self.root, commit))
        except Exception as error:  # the commit is gone, or its tree cannot be read
            raise _StartFailed(f"{commit[:12]} cannot be read: {error}") from None
        paths = sorted({app.own_path, *deps.imports, *deps.mounts})
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

    def _start(self, app: App, version: Version, log: Log, save: Callable[[], None]) -> None:
        """Start the version's server and wait for its /health. The server is recorded (pid
        and start time, saved at once) before the wait; if the wait ends any other way than
        healthy (a failure, an interrupt), the server is stopped."""
        folder = Path(version.folder)
        with _listening() as listener, (folder / "server.log").open("ab") as output:
            version.port = int(listener.getsockname()[1])
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    SERVER,
                    app.dir,
                    str(listener.fileno()),
                    processes.MARK + str(folder),
                ],
                pass_fds=(listener.fileno(),),
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
        healthy = False
        try:
            version.pid, version.started = process.pid, processes.start_time(process.pid)
            save()
            log(f"{version.version} starting on {version.url} (pid {process.pid})")
            healthy = _wait_healthy(process, version, folder, self._cancelled)
            log(f"{version.version} healthy")
        finally:
            if not healthy:
                if version.started is None:  # it ended before its start time could be read
                    process.kill()
                else:
                    processes.stop(process.pid, version.started)
                process.wait()
                if self._cancelled.is_set():
                    log(f"{version.version} interrupted: its server (pid {process.pid}) stopped")
                if version.state == "starting":
                    version.state = "failed"
                save()

    def _switch(self, app: App, state: AppState, version: Version, log: Log) -> DeployResult:
        previous = state.version(state.live)
        version.state = "live"
        state.live = version.version
        self._save(app, state)
        if previous is not None and previous is not version:
            processes.stop(previous.pid, previous.started)
            previous.state = "stopped"
            self._save(app, state)
            log(f"{previous.version} stopped; {version.version} is live")
        return DeployResult(
            app.name, "deployed", version.version, f"tag {version.tag}", {"local": version.url}
        )

    # State.

    def _state_path(self, app: App) -> Path:
        return self.home / app.name / "state.json"

    def _folders(self, app: App) -> list[int]:
        """The numbers of the version folders on disk (a lost state's included)."""
        folder = self.home / app.name
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        return [0, *(int(n[1:]) for n in names if VERSION.fullmatch(n))]

    def _load(self, app: App, log: Log) -> AppState:
        """The app's state; one that cannot be read is reported, the servers it named are
        found by their mark and stopped, and it is set aside for a fresh one."""
        path = self._state_path(app)
        if not path.exists():
            return AppState()
        try:
            return _read_state(path)
        except CorruptState as corrupt:
            kept = path.with_name(f"state.json.corrupt-{int(time.time())}")
            path.replace(kept)
            log(f"{corrupt}: set aside as {kept.name}")
            for server in processes.marked(path.parent):
                processes.stop(server.pid, processes.start_time(server.pid))
                log(f"stopped pid {server.pid}, a server of {Path(server.folder).name}")
            return AppState()

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


class CorruptState(Exception):
    """A state file that is not what this target writes; the message says where and why."""


VERSION = re.compile(r"v[1-9][0-9]{0,8}")
_COMMIT = re.compile(r"[0-9a-f]{7,64}")
# The fields a version must have (the others have defaults).
_REQUIRED = frozenset({"version", "commit", "tag", "folder"})
_FIELDS = {
    "version": str,
    "commit": str,
    "tag": str,
    "folder": str,
    "port": (int, type(None)),
    "pid": (int, type(None)),
    "state": str,
    "started": (str, type(None)),
}


def _read_state(path: Path) -> AppState:
    """A state file, every field checked: its folders must be this app's own, its numbers in
    range, its live version one of its versions."""
    shown = f"{path}"
    try:
        text = read_document(path, shown)
    except FleetError as error:  # not a regular file, too large, not UTF-8
        raise CorruptState(str(error)) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CorruptState(f"{shown}: cannot be read ({type(error).__name__})") from None
    if not isinstance(data, dict) or set(data) != {"live", "versions"}:
        raise CorruptState(f"{shown}: not a state file (keys live and versions)")
    if not isinstance(data["versions"], list):
        raise CorruptState(f"{shown}: versions is not a list")
    versions = [_read_version(path, n, v) for n, v in enumerate(data["versions"])]
    names = [v.version for v in versions]
    if len(set(names)) != len(names):
        raise CorruptState(f"{shown}: a version is listed twice")
    live = data["live"]
    if live is not None and live not in names:
        raise CorruptState(f"{shown}: live {str(live)[:40]!r} is none of its versions")
    return AppState(versions, live)


def _read_version(path: Path, index: int, entry: object) -> Version:
    where = f"{path}: versions[{index}]"
    if not isinstance(entry, dict) or not _REQUIRED <= set(entry) <= set(_FIELDS):
        raise CorruptState(f"{where}: not a version")
    for key, value in entry.items():
        if not isinstance(value, _FIELDS[key]) or isinstance(value, bool):
            raise CorruptState(f"{where}: {key} has the wrong type")
    version = Version(**entry)
    problems = [
        (not VERSION.fullmatch(version.version), "version is not vN"),
        (not _COMMIT.fullmatch(version.commit), "commit is not a commit id"),
        (len(version.tag) > 256, "tag is too long"),
        (version.folder != str(path.parent / version.version), "folder is not its own"),
        (version.port is not None and not 0 < version.port < 65536, "port is out of range"),
        (version.pid is not None and not 0 < version.pid < 2**31, "pid is out of range"),
        (version.state not in ("starting", "live", "stopped", "failed"), "state is unknown"),
        (version.started is not None and len(version.started) > 64, "started is too long"),
    ]
    for wrong, reason in problems:
        if wrong:
            raise CorruptState(f"{where}: {reason}")
    return version


def _rolled_back_from(state: AppState, live: Version) -> str | None:
    """The commit of the newest version after the live one that served and was stopped: the
    live version was made live again in its place."""
    later = [v for v in state.versions if v.number > live.number and v.state == "stopped"]
    commit = later[-1].commit if later else None
    return commit if commit != live.commit else None


def _previous(state: AppState) -> Version | None:
    """The newest version before the live one that once served."""
    live = state.version(state.live)
    earlier = [v for v in state.versions if v is not live and v.state in ("live", "stopped")]
    if live is not None:
        earlier = [v for v in earlier if v.number < live.number]
    return earlier[-1] if earlier else None


def _listening() -> socket.socket:
    """A socket listening on a free port of 127.0.0.1, for a server to serve on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    return listener


def _wait_healthy(
    process: subprocess.Popen[bytes], version: Version, folder: Path, cancelled: threading.Event
) -> bool:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if cancelled.is_set():
            raise _StartFailed(f"{version.version} interrupted before it answered /health")
        if process.poll() is not None:
            raise _StartFailed(
                f"{version.version} exited with {process.returncode}; see {folder}/server.log"
            )
        if _healthy(version.url):
            return True
        time.sleep(0.2)
    raise _StartFailed(f"{version.version} did not answer /health within {HEALTH_TIMEOUT_S:g} s")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
