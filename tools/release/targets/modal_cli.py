"""The `modal` executable, run the one way fleet runs it.

No terminal and no colour (`TERM=dumb`, stdin from /dev/null, `FORCE_COLOR` removed, so
`--json` is JSON and nothing waits for an answer), lines wide enough not to wrap, UTF-8, no
bytecode written into the checkout (modal records a tree with new files as dirty), a time
limit on every call, and every line it prints masked of secrets. Before its first call the
API server must accept a connection: an unreachable server makes the CLI retry for about a
minute, and fleet says so at once instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from tools.core.errors import FleetError
from tools.core.redact import Redactor
from tools.release.targets import modal_output
from tools.release.targets.base import Log

DEFAULT_SERVER = "https://api.modal.com"
CONNECT_TIMEOUT_S = 10.0
QUERY_TIMEOUT_S = 120.0  # app list, history, secret list, rollback, stop
DEPLOY_TIMEOUT_S = 3600.0  # an image build of GPU packages can take many minutes
COLUMNS = "400"
_COLOUR = ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


class Completed(NamedTuple):
    code: int  # -1: killed at its time limit; -2: interrupted (`cancel`)
    lines: list[str]  # stdout and stderr as printed, masked

    @property
    def timed_out(self) -> bool:
        return self.code == -1

    @property
    def interrupted(self) -> bool:
        return self.code == -2


class ModalCli:
    def __init__(
        self, root: Path, environ: Mapping[str, str], executable: str | None = None
    ) -> None:
        """`environ` holds the CLI's token, PATH and settings; `root` is where it runs."""
        self.root = root
        self.environ = cli_environment(environ)
        found = executable or shutil.which("modal", path=self.environ.get("PATH"))
        if found is None:
            raise FleetError("the modal CLI is not installed: pip install fleet[release]")
        self.executable = found
        self.redact = Redactor(environ)
        self._reached = False
        self._reaching = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """End every call under way as Ctrl-C would (SIGINT to its process group): `modal
        deploy` publishes nothing it had not published, and each call returns at once."""
        self._cancelled.set()
        for process in list(self._running):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGINT)

    @property
    def server(self) -> str:
        return self.environ.get("MODAL_SERVER_URL") or DEFAULT_SERVER

    def stream(
        self, args: list[str], log: Log, *, timeout: float, cwd: Path | None = None
    ) -> Completed:
        """Run `modal ARGS`, passing each line to `log` as it comes."""
        self.reach()
        lines: list[str] = []
        with subprocess.Popen(
            [self.executable, *args],
            cwd=cwd or self.root,
            env=self.environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its own process group, ended whole at the time limit
        ) as process:
            self._running.add(process)
            if self._cancelled.is_set():
                os.killpg(process.pid, signal.SIGINT)
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                assert process.stdout is not None
                for raw in process.stdout:
                    line = self.redact(raw.rstrip("\n"))
                    lines.append(line)
                    log(line)
            finally:
                timer.cancel()
                self._running.discard(process)
        if self._cancelled.is_set():
            log(f"modal {args[0]}: interrupted")
            return Completed(-2, lines)
        if killed.is_set():
            log(f"modal {args[0]}: no answer within {timeout:g} s; stopped")
            return Completed(-1, lines)
        return Completed(process.returncode, lines)

    def json(self, args: list[str], *, timeout: float = QUERY_TIMEOUT_S) -> Any:
        """`modal ARGS --json`, read; a refusal is a FleetError with the CLI's own words."""
        self.reach()
        command = f"modal {' '.join(args[:2])}"
        try:
            done = subprocess.run(
                [self.executable, *args, "--json"],
                cwd=self.root,
                env=self.environ,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FleetError(f"{command}: no answer within {timeout:g} s") from None
        if done.returncode != 0:
            said = modal_output.error(self.redact(done.stderr).splitlines())
            raise FleetError(f"{command}: {said or f'exited {done.returncode}'}")
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            raise FleetError(f"{command}: the modal CLI printed no JSON") from None

    def reach(self) -> None:
        """Stop with one line when the API server takes no connection."""
        with self._reaching:
            if self._reached:
                return
            parts = urlsplit(self.server)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                socket.create_connection((parts.hostname or "", port), CONNECT_TIMEOUT_S).close()
            except OSError as error:
                reason = error.strerror or type(error).__name__
                raise FleetError(
                    f"Modal's API at {self.server} cannot be reached: {reason}"
                ) from None
            self._reached = True


def cli_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with what makes the CLI's output plain, whole and stable."""
    plain = {name: value for name, value in environ.items() if name not in _COLOUR}
    return {
        **plain,
        "TERM": "dumb",
        "NO_COLOR": "1",
        "COLUMNS": COLUMNS,
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
