from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import chdir, redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest

from tools.core import cache
from tools.core.repository import Repository, open_repository

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


def run_main(root: Path, argv: list[str], **env: str) -> tuple[int, str, str]:
    """The CLI in this process, through `cli.main` and its error handler, run in `root`: the
    exit code, stdout and stderr. No cache, unless `env` names one."""
    from tools.fleet import cli

    out, err = io.StringIO(), io.StringIO()
    environment = {
        "FLEET_NO_CACHE": "1",
        "NO_COLOR": "1",
        "FLEET_CACHE_DIR": str(root / ".log"),
        **env,
    }
    with (
        mock.patch.dict(os.environ, environment),
        mock.patch.object(sys, "argv", ["fleet", *argv]),
        chdir(root),
        redirect_stdout(out),
        redirect_stderr(err),
        pytest.raises(SystemExit) as ended,
    ):
        cli.main()
    code = ended.value.code
    return code if isinstance(code, int) else 0, out.getvalue(), err.getvalue()


def fleet_env(**extra: str) -> dict[str, str]:
    """A bare environment for the CLI: only what a test names, and the test cache folder."""
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "FLEET_CACHE_DIR": os.environ["FLEET_CACHE_DIR"],
        **extra,
    }


def run_fleet(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess: exit codes, stdout and stderr as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "tools.fleet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(NO_COLOR="1", **env),
        timeout=300,
    )


@pytest.fixture
def minimal_registry_text() -> str:
    return (FIXTURES / "registry" / "minimal.yaml").read_text()


def client_registry_with_websocket() -> str:
    """The client fixture registry, its `other` app (web function `serve`) given a WebSocket
    route beside its health check."""
    return (
        (FIXTURES / "client" / "fleet.yaml")
        .read_text()
        .replace(
            "    web: {function: serve}\n    endpoints:\n",
            "    web: {function: serve}\n    endpoints:\n"
            "      /socket: {kind: audio, method: WEBSOCKET, client_timeout_s: 30}\n",
        )
    )


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    """A real git repository in a temporary folder, started from the `changed` fixture tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def repository(self) -> Repository:
        return open_repository(self.root)

    def git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **GIT_ENV},
        )
        return result.stdout.strip()

    def write(self, path: str, text: str | None) -> None:
        target = self.root / path
        if text is None:
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message: str, changes: dict[str, str | None] | None = None) -> str:
        for path, text in (changes or {}).items():
            self.write(path, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "changed", root)
    made = Repo(root)
    made.git("init", "-q", "-b", "main")
    made.commit("initial")
    return made


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow end-to-end tests first: with two workers, the rest runs beside them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
