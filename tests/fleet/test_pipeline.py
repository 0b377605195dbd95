"""The README's main job on the local target: a first run deploys all seven apps and passes
all 21 smoke tests; a second run with no change deploys nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import REPO
from tests.release.conftest import fleet


def report(output: str) -> list[str]:
    lines = output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("stage ")))
    return [
        line.split(None, 2)[2] if line.split()[0] != "total" else line.split()[-1]
        for line in lines[start + 1 :]
    ]


def test_main_job_twice(tmp_path: Path) -> None:
    root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    try:
        first = fleet(root, "pipeline", "--target", "local")
        assert first.returncode == 0, first.stdout + first.stderr
        summaries = report(first.stdout)
        assert summaries[1:3] == ["7 of 7 apps to deploy", "7 of 7 apps deployed"]
        assert summaries[3].startswith("21 of 21 endpoints ok")
        assert summaries[4:] == ["7 of 7 apps Synced and Healthy", "ok"]
        second = fleet(root, "pipeline", "--target", "local")
        assert second.returncode == 0, second.stdout + second.stderr
        summaries = report(second.stdout)
        assert summaries[1:3] == ["0 of 7 apps to deploy", "nothing changed: nothing deployed"]
        assert summaries[3].startswith("21 of 21 endpoints ok")
    finally:
        fleet(root, "down")
