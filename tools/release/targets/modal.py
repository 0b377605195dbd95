"""The Modal target: the `modal` CLI, its output read line by line.

    modal deploy apps/flux/app.py --env main --tag <tag> --strategy rolling

Every `Created web function NAME => URL` line is checked against the registry's URL (a
deploy-time drift check); `Deployment skipped: no changes detected!` is a success.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.core.errors import FleetError
from tools.core.redact import Redactor
from tools.core.registry.model import App, Registry
from tools.release.targets.base import DeployResult, LiveApp, Log

CREATED = re.compile(
    r"Created web function (?P<function>\S+) => (?P<url>https?://\S+)(?:\s+\((?P<note>[^)]*)\))?"
)
SKIPPED = "Deployment skipped: no changes detected!"
VERSION = re.compile(r"^v\d+$")


class ModalTarget:
    name = "modal"

    def __init__(
        self, root: Path, env: str, environ: Mapping[str, str], executable: str | None = None
    ) -> None:
        """`environ` is the environment `modal` runs with: its token, PATH and settings."""
        self.root = root
        self.env = env
        self.environ = dict(environ)
        found = executable or shutil.which("modal", path=self.environ.get("PATH"))
        if found is None:
            raise FleetError("the modal CLI is not installed: pip install modal")
        self.executable = found
        self.redact = Redactor(self.environ)

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        command = [
            self.executable,
            "deploy",
            app.entry_path,
            "--env",
            self.env,
            "--tag",
            tag,
            "--strategy",
            "rolling",
        ]
        code, lines = self._stream(command, log)
        wanted = registry.url(app, env=self.env)
        urls = {m["function"]: m["url"] for m in (CREATED.search(line) for line in lines) if m}
        notes = [m["note"] for m in (CREATED.search(line) for line in lines) if m and m["note"]]
        if code != 0:
            return DeployResult(app.name, "failed", detail=f"modal deploy exited {code}")
        if any(SKIPPED in line for line in lines):
            return DeployResult(app.name, "unchanged", detail="no changes detected")
        wrong = {f: u for f, u in urls.items() if u.rstrip("/") != wanted}
        if notes or wrong or not urls:
            said = ", ".join(f"{f} => {u}" for f, u in (wrong or urls).items()) or "no web function"
            return DeployResult(
                app.name,
                "failed",
                urls=urls,
                detail=f"Modal assigned {said}{' (' + ', '.join(notes) + ')' if notes else ''}; "
                f"the registry says {wanted}",
            )
        return DeployResult(app.name, "deployed", urls=urls, detail=f"tag {tag}")

    def base_url(self, registry: Registry, app: App) -> str | None:
        return registry.url(app, env=self.env)

    def live(self, registry: Registry) -> list[LiveApp]:
        listed = self._json([self.executable, "app", "list", "--json", "--env", self.env])
        apps = []
        for row in listed if isinstance(listed, list) else []:
            name = _field(row, "description", "Description")
            state = _field(row, "state", "State") or "unknown"
            if not name or state.startswith("ephemeral"):
                continue
            latest: dict[str, Any] = {}
            if state == "deployed":
                history = self._json(
                    [self.executable, "app", "history", name, "--json", "--env", self.env]
                )
                latest = history[0] if isinstance(history, list) and history else {}
            apps.append(
                LiveApp(
                    name=name,
                    state=state,
                    version=latest.get("version"),
                    tag=latest.get("tag"),
                    commit=(latest.get("commit") or None),
                )
            )
        return apps

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        if version is not None and not VERSION.match(version):
            raise FleetError(f"rollback version {version!r}: Modal wants the form v3")
        command = [
            self.executable,
            "app",
            "rollback",
            app.name,
            *([version] if version else []),
            "--env",
            self.env,
        ]
        code, _ = self._stream(command, log)
        outcome = "deployed" if code == 0 else "failed"
        return DeployResult(app.name, outcome, version=version, detail=f"rollback exited {code}")

    def stop(self, registry: Registry, app: App, log: Log) -> None:
        self._stream([self.executable, "app", "stop", app.name, "--env", self.env], log)

    def _stream(self, command: list[str], log: Log) -> tuple[int, list[str]]:
        lines = []
        with subprocess.Popen(
            command,
            cwd=self.root,
            env=self.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            assert process.stdout is not None
            for raw in process.stdout:
                line = self.redact(raw.rstrip("\n"))
                lines.append(line)
                log(line)
        return process.returncode, lines

    def _json(self, command: list[str]) -> Any:
        result = subprocess.run(
            command, cwd=self.root, env=self.environ, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise FleetError(
                f"{' '.join(command[1:4])}: {self.redact(result.stderr.strip())[:300]}"
            )
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            raise FleetError(f"{' '.join(command[1:4])}: the modal CLI printed no JSON") from None


def _field(row: dict[str, Any], key: str, display: str) -> str | None:
    """modal >= 1.5 prints snake_case keys; before, display names. Accept both."""
    value = row.get(key, row.get(display))
    return str(value) if value is not None else None
