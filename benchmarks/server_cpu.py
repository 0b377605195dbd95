"""CPU time of the local target's servers, read from /proc, for the benchmarks' floors."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tools.core.registry.model import App
from tools.release.targets.local import LocalTarget


def live_pid(target: LocalTarget, app: App) -> int:
    """The pid of the app's live version, from the target's state file."""
    state = json.loads((target.home / app.name / "state.json").read_text())
    return int(next(v["pid"] for v in state["versions"] if v["version"] == state["live"]))


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
