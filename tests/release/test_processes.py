"""The local target's servers are owned: recognised by pid and start time, found again by
their mark, and nothing else is ever signalled."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.release.targets import processes

SLEEP = "import time; time.sleep(120)"


@pytest.fixture
def spawn() -> Iterator:
    started: list[subprocess.Popen[bytes]] = []

    def run(*arguments: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-c", SLEEP, *arguments], start_new_session=True
        )
        started.append(process)
        return process

    yield run
    for process in started:
        process.kill()
        process.wait()


def test_a_server_is_its_pid_and_start_time(spawn) -> None:
    server = spawn()
    started = processes.start_time(server.pid)
    assert started is not None
    assert started.isdigit()
    assert processes.owned(server.pid, started)
    assert processes.stop(server.pid, started, grace_s=5)
    assert not processes.running(server.pid)  # ended (and reaped: it is this test's child)
    assert not processes.owned(server.pid, started)
    assert not processes.stop(server.pid, started)  # gone: nothing to signal


def test_a_process_that_has_a_recorded_pid_but_another_start_is_never_signalled(spawn) -> None:
    # What a state file's pid names after its server died and the system reused the pid.
    stranger = spawn()
    assert not processes.owned(stranger.pid, "1")
    assert not processes.stop(stranger.pid, "1", grace_s=0)
    assert not processes.stop(stranger.pid, None, grace_s=0)
    time.sleep(0.1)
    assert stranger.poll() is None


@pytest.mark.parametrize("pid", [None, 0, -1])
def test_no_pid_is_no_process(pid: int | None) -> None:
    # os.kill(0, ...) and os.kill(-1, ...) would signal a whole group or every process.
    assert not processes.running(pid)
    assert not processes.stop(pid, "1")


def test_servers_are_found_by_their_mark(spawn, tmp_path: Path) -> None:
    home = tmp_path / "local" / "main" / "ryla-flux"
    mine = spawn(processes.MARK + str(home / "v3"))
    spawn(processes.MARK + str(tmp_path / "local" / "main" / "ryla-flux-other" / "v1"))
    spawn("--fleet-server")
    assert processes.marked(home) == [processes.Found(mine.pid, str(home / "v3"))]
