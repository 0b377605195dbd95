from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def fleet(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI of this checkout (never the one in `root`), run in `root` as a user would."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "tools.fleet", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
    )


class Repo:
    """A real git repository in a temporary folder, started from the `changed` fixture tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
