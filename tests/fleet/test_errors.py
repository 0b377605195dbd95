"""One error contract for every command: bad input is one line and exit 2, a failed call or
check exit 1, a bug one line naming the log of its traceback and exit 3; never a traceback on
the terminal."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, Repo, fleet_env, run_fleet


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """stderr, asserted to be one line and free of any traceback."""
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr.strip()


@pytest.fixture
def no_git(tmp_path: Path) -> Path:
    """A folder with a registry and no git repository anywhere above it."""
    root = tmp_path / "plain"
    (root / "registry").mkdir(parents=True)
    shutil.copy(FIXTURES / "registry" / "minimal.yaml", root / "registry" / "fleet.yaml")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["changed", "--base", "HEAD~1"],
        ["changed", "--since", "deployed"],
        ["deploy", "flux", "--dry-run"],
        ["status"],
        ["release", "v1.0.0"],
        ["pipeline"],
    ],
    ids=" ".join,
)
def test_outside_a_git_repository_is_one_line_and_exit_2(no_git: Path, args: list[str]) -> None:
    result = run_fleet(*args, cwd=no_git)
    assert result.returncode == 2, result.stderr
    assert re.fullmatch(
        f"fleet: git [a-z-]+ in {no_git}: not a git repository .*", one_line(result)
    )


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_call_to_a_refused_connection_is_a_failed_call(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    result = run_fleet("call", "/flux", "--url", url, "-d", "{}")
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"fleet: /flux ({url}/flux): no answer (")


def test_smoke_of_a_server_that_is_gone_is_a_failed_check(tmp_path: Path, closed_port: int) -> None:
    root = tmp_path / "clone"
    shutil.copytree(FIXTURES / "changed", root)
    state = root / ".fleet" / "local" / "main" / "acme-flux" / "state.json"
    state.parent.mkdir(parents=True)
    version = {"version": "v1", "commit": "0" * 40, "tag": "t", "folder": str(state.parent / "v1")}
    version |= {"port": closed_port, "pid": os.getpid(), "state": "live"}
    state.write_text(json.dumps({"live": "v1", "versions": [version]}))
    result = run_fleet("smoke", "flux", "--json", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [entry] = json.loads(result.stdout)["results"]
    assert (entry["endpoint"], entry["status"]) == ("/flux", "connection-error")
    assert entry["detail"].startswith(f"/flux (http://127.0.0.1:{closed_port}/flux): no answer (")


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield int(listener.getsockname()[1])


def test_serve_on_a_taken_port_is_a_usage_error(taken_port: int) -> None:
    result = run_fleet("serve", "flux", "--port", str(taken_port))
    assert result.returncode == 2
    assert one_line(result).startswith(
        f"fleet: --port {taken_port}: 127.0.0.1:{taken_port} is taken ("
    )


def test_serve_on_a_port_out_of_range_is_a_usage_error() -> None:
    result = run_fleet("serve", "flux", "--port", "99999")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "99999 is not in the range 0<=x<=65535" in result.stderr


def test_an_app_the_head_commit_adds_deploys_from_the_head_registry(repo: Repo) -> None:
    """The desired state is the commit's registry, not the working tree's."""
    registry = repo.root / "registry" / "fleet.yaml"
    before = registry.read_text()
    flux = before.split("  flux:\n", 1)[1].split("  seedvr2:\n", 1)[0]
    flux2 = flux.replace("acme-flux", "acme-flux2").replace("/flux", "/flux2")
    added = f"{before}  flux2:\n{flux2}"
    repo.commit("flux2", {"registry/fleet.yaml": added, "apps/flux2/app.py": "import modal\n"})
    registry.write_text(before)  # the working tree has not caught up
    result = run_fleet("deploy", "flux2", "--dry-run", cwd=repo.root)
    assert (result.returncode, result.stderr) == (0, "")
    assert "  would deploy acme-flux2 (apps/flux2/app.py)" in result.stdout.splitlines()


def test_an_unexpected_error_is_one_line_naming_its_log(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from tools.core.registry import views\n"
        "def broken(*args):\n"
        "    raise ZeroDivisionError('a bug')\n"
        "views.describe = broken\n"
        "sys.argv = ['fleet', 'registry', 'show']\n"
        "from tools.fleet.cli import main\n"
        "main()\n"
    )
    cache = tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**fleet_env(), "FLEET_CACHE_DIR": str(cache)},
    )
    assert result.returncode == 3
    log = cache / "fleet.log"
    assert one_line(result) == (
        f"fleet: internal error (ZeroDivisionError); the traceback is in {log}"
    )
    text = log.read_text()
    assert "args: ['registry', 'show']" in text
    assert text.rstrip().endswith("ZeroDivisionError: a bug")
    assert "Traceback (most recent call last)" in text


COMMAND_ARGS = {
    "registry": ["registry", "validate"],
    "init": ["init", "--stdout"],
    "check": ["check"],
    "render": ["render", "--check"],
    "changed": ["changed", "--base", "HEAD"],
    "deploy": ["deploy", "--all", "--dry-run"],
    "smoke": ["smoke"],
    "status": ["status"],
    "release": ["release", "v1.0.0"],
    "pipeline": ["pipeline"],
    "serve": ["serve", "flux"],
    "call": ["call", "/flux"],
    "down": ["down"],
    "emulate": ["emulate", "--registry", "nowhere.yaml"],
}
# emulate serves without one; init writes one
NEEDS_A_REGISTRY = sorted(set(COMMAND_ARGS) - {"emulate", "init"})


def test_the_table_names_every_command() -> None:
    from tools.fleet.cli import COMMANDS

    assert sorted(COMMAND_ARGS) == sorted(COMMANDS)


@pytest.mark.parametrize("command", NEEDS_A_REGISTRY)
def test_every_command_without_a_registry_is_one_line_and_exit_2(
    tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_fleet(*COMMAND_ARGS[command], cwd=empty)
    assert (result.returncode, one_line(result)) == (
        2,
        f"fleet: no registry/fleet.yaml in {empty} or its parents; pass --registry",
    )


@pytest.mark.parametrize("command", sorted(COMMAND_ARGS))
def test_every_command_takes_root_and_registry(command: str) -> None:
    words = COMMAND_ARGS[command][:2] if command == "registry" else [command]
    result = run_fleet(*words, "--help")
    assert result.returncode == 0
    assert "--root" in result.stdout
    assert "--registry" in result.stdout


def test_the_emulator_with_a_registry_that_is_missing_is_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    result = run_fleet(*COMMAND_ARGS["emulate"], "--state", str(tmp_path), cwd=tmp_path)
    assert (result.returncode, one_line(result)) == (2, "nowhere.yaml: registry file not found")


def test_the_emulator_on_a_taken_port_is_a_usage_error(taken_port: int, tmp_path: Path) -> None:
    result = run_fleet("emulate", "--port", str(taken_port), "--state", str(tmp_path))
    assert (result.returncode, one_line(result)) == (
        2,
        f"fleet: --port {taken_port}: 127.0.0.1:{taken_port} is taken (Address already in use)",
    )


def test_the_emulator_state_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run_fleet("emulate", "--state", str(tmp_path / "file"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        f"Invalid value for '--state': Directory '{tmp_path / 'file'}' is a file" in result.stderr
    )


def test_a_usage_error_is_one_line_naming_the_command() -> None:
    result = run_fleet("check", "--bogus")
    assert (result.returncode, result.stderr) == (
        2,
        "fleet check: No such option: --bogus (see fleet check --help)\n",
    )


def test_a_path_the_system_refuses_is_exit_2_naming_it() -> None:
    name = "a" * 300  # longer than any file name may be
    result = run_fleet("check", name)
    assert (result.returncode, result.stderr) == (2, f"{name}: File name too long\n")


def test_deploy_jobs_out_of_range_is_a_usage_error() -> None:
    result = run_fleet("deploy", "flux", "--jobs", "1000")
    assert (result.returncode, result.stderr) == (
        2,
        "fleet deploy: Invalid value for '--jobs' / '-j': 1000 is not in the range 1<=x<=64. "
        "(see fleet deploy --help)\n",
    )
