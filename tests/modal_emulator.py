"""`fleet emulate` as users run it, the real `modal` CLI pointed at it, and copies of this
repository's fleet to deploy from: what every test of a Modal code path stands on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.conftest import REPO, Repo
from tools.emulator.state import App, load

MODAL = Path(sys.executable).with_name("modal")
USERS = ("ci", "alice")  # the first is the identity CI deploys as
FLEET_FILES = ("apps", "registry", "pyproject.toml", ".gitignore")


@dataclass
class Emulator:
    folder: Path
    environ: dict[str, str]  # the variables `fleet emulate` printed, for the user `ci`

    def as_user(self, user: str) -> dict[str, str]:
        """What a process needs to reach the emulator as `user`, on a bare PATH."""
        return {
            **self.environ,
            "PATH": f"{MODAL.parent}:/usr/bin:/bin",
            "HOME": str(self.folder),
            "MODAL_TOKEN_ID": f"ak-emulator-{user}",
            "MODAL_TOKEN_SECRET": f"as-emulator-{user}",
        }

    def history(self, name: str, env: str = "main") -> list[dict[str, str | None]]:
        """An app's history as `modal app history --json` prints it (newest first), read
        from the emulator's state file: what a test checks, without a CLI call's second of
        start-up (`tests/emulator` checks that the CLI is told exactly this)."""
        [app] = [a for a in self._apps(env) if a.name == name][-1:]
        return [
            {
                "version": f"v{v.version}",
                "tag": v.tag or None,
                "commit": f"{v.commit[:7]}{'*' if v.dirty else ''}" if v.commit else None,
                "deployed_by": v.deployed_by,
            }
            for v in reversed(app.versions)
        ]

    def states(self, env: str = "main") -> dict[str, str]:
        """Each app's state as `modal app list --json` shows it, from the state file."""
        return {app.name: app.state for app in self._apps(env)}

    def _apps(self, env: str) -> list[App]:
        state = load(self.folder)
        assert state is not None
        return [a for a in state.apps.values() if a.environment == env and a.versions]

    def modal(
        self, *args: str, cwd: Path = REPO, user: str = "ci", columns: int = 200
    ) -> subprocess.CompletedProcess[str]:
        """The real `modal` CLI, as CI would run it: no terminal, no colour."""
        environ = {**self.as_user(user), "TERM": "dumb", "COLUMNS": str(columns)}
        return subprocess.run(
            [str(MODAL), *args],
            cwd=cwd,
            env={**environ, "PYTHONDONTWRITEBYTECODE": "1"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def ok(self, *args: str, cwd: Path = REPO, user: str = "ci") -> str:
        """`modal ARGS`, which must succeed; its stdout."""
        done = self.modal(*args, cwd=cwd, user=user)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def start_emulator(
    folder: Path, *extra: str, environ: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`fleet emulate` in a subprocess (with `environ` added to this one's), and the
    variables it printed once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fleet", "emulate", "--state", str(folder), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(environ or {}), "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    printed = {}
    for line in process.stdout:
        name, _, value = line.strip().removeprefix("export ").partition("=")
        printed[name] = value.strip("'")
        if name == "MODAL_CONFIG_PATH":
            return process, printed
    process.kill()
    reason = process.stderr.read() if process.stderr else ""
    raise AssertionError(f"the emulator did not start: {reason}")


def running_emulator(folder: Path, *extra: str) -> Iterator[Emulator]:
    """An emulator for the ryla workspace with the users `ci` and `alice`, until the end."""
    users = [option for user in USERS for option in ("--user", user)]
    process, environ = start_emulator(folder, "--workspace", "ryla", *users, *extra)
    try:
        yield Emulator(folder, environ)
    finally:
        process.terminate()
        process.wait(timeout=10)


def fleet_copy(
    root: Path, apps: Collection[str] | None = None, deployers: list[str] | None = None
) -> Repo:
    """A git repository holding this checkout's fleet as it is on disk (apps, registry,
    configuration), committed on `main`; with `apps`, only those apps (by key), and with
    `deployers`, a policy that names who deploys."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--", *FLEET_FILES],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for path in filter(None, listed.split("\0")):
        if (REPO / path).is_file():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / path, root / path)
    if apps is not None or deployers is not None:
        registry = root / "registry" / "fleet.yaml"
        data = yaml.safe_load(registry.read_text())
        if deployers is not None:
            data["policy"]["deployers"] = deployers
        for key in set(data["apps"]) - set(apps if apps is not None else data["apps"]):
            shutil.rmtree(root / data["apps"].pop(key)["dir"])
        for retired in data["retired"]["apps"]:
            retired["replaced_by"] = [k for k in retired["replaced_by"] if k in data["apps"]]
        served = {path for app in data["apps"].values() for path in app["endpoints"]}
        for endpoint in data["retired"]["endpoints"]:
            if endpoint.get("replaced_by") not in served:
                endpoint.pop("replaced_by", None)
        registry.write_text(yaml.safe_dump(data, sort_keys=False))
        # The generated files follow the smaller registry.
        subprocess.run(
            [sys.executable, "-m", "tools.fleet", "check", "--fix"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(REPO), "FLEET_NO_CACHE": "1"},
            capture_output=True,
            check=True,
        )
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("the fleet")
    return repo
