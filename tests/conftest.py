from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_fleet(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess: exit codes, stdout and stderr as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "tools.fleet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
    )


@pytest.fixture
def minimal_registry_text() -> str:
    return (FIXTURES / "registry" / "minimal.yaml").read_text()
