"""The emulator as users run it (`fleet emulate`), and the real `modal` CLI pointed at it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

MODAL = Path(sys.executable).with_name("modal")


@dataclass
class Emulator:
    folder: Path
    environ: dict[str, str]  # the variables `fleet emulate` printed, for the user `ci`

    def as_user(self, user: str) -> dict[str, str]:
        return {
            **self.environ,
            "MODAL_TOKEN_ID": f"ak-emulator-{user}",
            "MODAL_TOKEN_SECRET": f"as-emulator-{user}",
        }

    def modal(
        self, *args: str, cwd: Path = REPO, user: str = "ci"
    ) -> subprocess.CompletedProcess[str]:
        """The real `modal` CLI, as CI would run it: no terminal, no colour, wide lines."""
        environ = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.folder),
            "TERM": "dumb",
            "COLUMNS": "200",
            "PYTHONPATH": str(REPO),
            **self.as_user(user),
        }
        return subprocess.run(
            [str(MODAL), *args],
            cwd=cwd,
            env=environ,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )


def start_emulator(folder: Path, *extra: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`fleet emulate` in a subprocess, and the variables it printed once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fleet", "emulate", "--state", str(folder), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    environ = {}
    for line in process.stdout:
        name, _, value = line.strip().removeprefix("export ").partition("=")
        environ[name] = value.strip("'")
        if name == "MODAL_CONFIG_PATH":
            return process, environ
    process.kill()
    reason = process.stderr.read() if process.stderr else ""
    raise AssertionError(f"the emulator did not start: {reason}")


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    folder = tmp_path_factory.mktemp("emulator")
    process, environ = start_emulator(
        folder, "--workspace", "ryla", "--user", "ci", "--user", "alice"
    )
    try:
        yield Emulator(folder, environ)
    finally:
        process.terminate()
        process.wait(timeout=10)
