from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.core import cache

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Runs share one throwaway cache folder, never the user's (subprocesses inherit it)."""
    previous = os.environ.get("FLEET_CACHE_DIR")
    os.environ["FLEET_CACHE_DIR"] = str(tmp_path_factory.mktemp("fleet-cache"))
    yield
    if previous is None:
        del os.environ["FLEET_CACHE_DIR"]
    else:
        os.environ["FLEET_CACHE_DIR"] = previous


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own, in use in this process and in the CLI it starts."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLEET_CACHE_DIR", str(folder))
    monkeypatch.delenv("FLEET_NO_CACHE", raising=False)
    cache.use(folder)
    yield folder
    cache.use(None)


def fleet_env(**extra: str) -> dict[str, str]:
    """A bare environment for the CLI: only what a test names, and the test cache folder."""
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "FLEET_CACHE_DIR": os.environ["FLEET_CACHE_DIR"],
        **extra,
    }


def run_fleet(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess: exit codes, stdout and stderr as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "tools.fleet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(NO_COLOR="1"),
    )


@pytest.fixture
def minimal_registry_text() -> str:
    return (FIXTURES / "registry" / "minimal.yaml").read_text()
