"""The local target's servers as processes it owns: recognised by pid and start time, found
again by the mark on their command line, signalled only when they are its own.

A pid alone names whatever process has it now: after a server dies and the system reuses
its pid, a state file's pid may be a shell, an editor or another user's job. A server is
therefore recorded with its start time (`/proc/PID/stat` where there is a /proc, `ps`
elsewhere), and signalled only while the process of that pid has that start time. Each
server also carries `--fleet-server=FOLDER` in its arguments, so that the servers of a lost
or corrupt state file can still be found and stopped.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

MARK = "--fleet-server="
_PROC = Path("/proc")
_PS_LINE = re.compile(r" *(\d+) (.*)")


@dataclass(frozen=True)
class Found:
    pid: int
    folder: str  # the version folder its mark names


def start_time(pid: int) -> str | None:
    """When the process `pid` started, as the system tells it; None when there is none."""
    stat = _PROC / str(pid) / "stat"
    if _PROC.is_dir():
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return fields[19] if len(fields) > 19 else None  # field 22: start time in ticks
    done = subprocess.run(
        ["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def running(pid: int | None) -> bool:
    """Whether `pid` runs: a zombie (ended, not yet reaped) does not."""
    if pid is None or pid <= 0:
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
        state = (_PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def owned(pid: int | None, started: str | None) -> bool:
    """Whether `pid` is still the process that started at `started`."""
    return pid is not None and started is not None and running(pid) and start_time(pid) == started


def stop(pid: int | None, started: str | None, grace_s: float = 10.0) -> bool:
    """Stop the process group of a server this target started (SIGTERM, then SIGKILL after
    `grace_s`); a process that is not that server is never signalled. Whether it was ours
    and running."""
    if not owned(pid, started):
        return False
    assert pid is not None
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and running(pid):
        time.sleep(0.1)
    if owned(pid, started):
        _signal_group(pid, signal.SIGKILL)
    return True


def _signal_group(pid: int, number: signal.Signals) -> None:
    # Each server leads its own session (start_new_session): its group is its pid, and
    # uvicorn's children go with it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, number)


def marked(under: Path) -> list[Found]:
    """The running servers whose mark names a folder under `under`: the servers of a state
    file that is lost or cannot be read."""
    prefix = f"{MARK}{under}{os.sep}"
    found = []
    for pid, arguments in _command_lines():
        for argument in arguments:
            if argument.startswith(prefix) and running(pid):
                found.append(Found(pid, argument.removeprefix(MARK)))
    return sorted(found, key=lambda f: f.pid)


def _command_lines() -> list[tuple[int, list[str]]]:
    if _PROC.is_dir():
        lines = []
        for entry in _PROC.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if MARK.encode() in raw:
                lines.append((int(entry.name), raw.decode(errors="replace").split("\0")))
        return lines
    done = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, check=False)
    return [
        (int(match[1]), match[2].split())
        for line in done.stdout.splitlines()
        if MARK in line and (match := _PS_LINE.match(line))
    ]
