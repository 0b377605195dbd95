"""The Modal target: the `modal` CLI (`modal_cli.py`), its deploy output read back
(`modal_output.py`).

    modal deploy apps/flux/app.py -e main --tag <tag> --strategy rolling

A deploy runs at the commit it is asked for: in the checkout when that is the commit and
clean, else in a worktree of it, so that Modal records the commit without `*`. The URL Modal
prints for the registry's web function must be the registry's, with the registry's proxy
auth (a deploy-time drift check); `Deployment skipped: no changes detected!` is a success.
Before anything deploys, `preflight` checks the token, the environment, and each app's
secrets and volumes.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.core import git
from tools.core.errors import FleetError
from tools.core.registry.model import App, Registry, WebFunction
from tools.release.targets import modal_output
from tools.release.targets.base import DeployResult, LiveApp, Log
from tools.release.targets.modal_cli import DEPLOY_TIMEOUT_S, QUERY_TIMEOUT_S, ModalCli
from tools.release.targets.modal_output import WebUrl

VERSION = re.compile(r"v[0-9]+")
_WORKTREES = threading.Lock()  # git adds and removes worktrees one at a time


class ModalTarget:
    name = "modal"

    def __init__(
        self, root: Path, env: str, environ: Mapping[str, str], executable: str | None = None
    ) -> None:
        """`environ` is the environment `modal` runs with: its token, PATH and settings."""
        self.root = root
        self.env = env
        self.cli = ModalCli(root, environ, executable)

    def preflight(self, registry: Registry, apps: list[App]) -> None:
        """Stop, deploying nothing, when the token or environment is refused or an app's
        secret or volume is missing: one line each. Each list Modal is asked for proves the
        token and the environment too."""
        wanted = {
            kind: {app.key: getattr(app, f"{kind}s") for app in apps if getattr(app, f"{kind}s")}
            for kind in ("secret", "volume")
        }
        asked = [kind for kind, needs in wanted.items() if needs] or ["app"]
        with ThreadPoolExecutor(max_workers=len(asked)) as pool:
            answers = dict(
                zip(
                    asked,
                    pool.map(lambda kind: self.cli.json([kind, "list", "-e", self.env]), asked),
                    strict=True,
                )
            )
        problems = []
        for kind in ("secret", "volume"):
            existing = {
                str(row.get("name")) for row in answers.get(kind, []) if isinstance(row, dict)
            }
            problems += [
                f"{key}: {kind} {name!r} does not exist in Modal environment {self.env!r}"
                for key, names in wanted[kind].items()
                for name in names
                if name not in existing
            ]
        if problems:
            raise FleetError(*problems)

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        command = ["deploy", app.deploy_target, "-e", self.env, "--tag", tag]
        with self._checkout(commit, log) as folder:
            done = self.cli.stream(
                [*command, "--strategy", "rolling"], log, timeout=DEPLOY_TIMEOUT_S, cwd=folder
            )
        if done.code != 0:
            said = modal_output.error(done.lines)
            detail = (
                f"no answer within {DEPLOY_TIMEOUT_S:g} s"
                if done.timed_out
                else "interrupted"
                if done.interrupted
                else said or f"modal deploy exited {done.code}"
            )
            return DeployResult(app.name, "failed", detail=detail)
        printed = {web.function: web for web in modal_output.web_urls(done.lines)}
        urls = {function: shown.url for function, shown in printed.items()}
        stolen = False
        for function in app.webs:  # none for an app without a web function: no URL to compare
            web = printed.get(function.shown)
            problem = _url_problem(registry.url(app, env=self.env, web=function), function, web)
            if problem is not None:
                return DeployResult(app.name, "failed", urls=urls, detail=problem)
            stolen = stolen or (web is not None and web.label_stolen)
        notes = ["took the label from another app"] if stolen else []
        return self._deployed(app, done.lines, tag, urls, notes)

    def _deployed(
        self, app: App, lines: list[str], tag: str, urls: dict[str, str], notes: list[str]
    ) -> DeployResult:
        version = self._latest(app.name).get("version")
        if modal_output.skipped(lines):
            return DeployResult(
                app.name, "unchanged", version, "; ".join(["no changes", *notes]), urls
            )
        return DeployResult(app.name, "deployed", version, "; ".join([f"tag {tag}", *notes]), urls)

    def base_url(self, registry: Registry, app: App) -> str | None:
        """The first web function's URL: smoke calls each endpoint at the registry's URL."""
        return registry.url(app, env=self.env) if app.web is not None else None

    def cancel(self) -> None:
        self.cli.cancel()

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        rows = [
            row
            for row in self.cli.json(["app", "list", "-e", self.env])
            if isinstance(row, dict)
            and row.get("description")
            and (only is None or row["description"] in only)
        ]
        rows = [row for row in rows if not str(row.get("state", "")).startswith("ephemeral")]
        deployed = [str(row["description"]) for row in rows if row.get("state") == "deployed"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            histories = dict(zip(deployed, pool.map(self._history, deployed), strict=True))
        apps = []
        for row in sorted(rows, key=lambda row: str(row["description"])):
            name = str(row["description"])
            history = histories.get(name, [])
            last = history[0] if history else {}
            apps.append(
                LiveApp(
                    name=name,
                    state=str(row.get("state") or "unknown"),
                    version=last.get("version"),
                    tag=last.get("tag") or None,
                    commit=last.get("commit") or None,
                    deployed_by=last.get("deployed_by") or None,
                    rolled_back_from=rolled_back_from(history),
                )
            )
        return apps

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        if version is not None and not VERSION.fullmatch(version):
            raise FleetError(f"rollback version {version!r}: Modal wants the form v3")
        done = self.cli.stream(
            ["app", "rollback", app.name, *([version] if version else []), "-e", self.env],
            log,
            timeout=QUERY_TIMEOUT_S,
        )
        if done.code != 0:
            said = modal_output.error(done.lines) or f"modal app rollback exited {done.code}"
            return DeployResult(app.name, "failed", version=version, detail=said)
        now = self._latest(app.name).get("version")
        return DeployResult(
            app.name, "deployed", now, f"rolled back to {version or 'the previous version'}"
        )

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        done = self.cli.stream(
            ["app", "stop", app.name, "-e", self.env, "--yes"], log, timeout=QUERY_TIMEOUT_S
        )
        if done.code != 0:
            said = modal_output.error(done.lines) or f"modal app stop exited {done.code}"
            return DeployResult(app.name, "failed", detail=said)
        return DeployResult(app.name, "stopped", detail="stopped")

    def _latest(self, name: str) -> dict[str, Any]:
        """The newest entry of the app's history: version, tag, commit, deployed_by."""
        history = self._history(name)
        return history[0] if history else {}

    def _history(self, name: str) -> list[dict[str, Any]]:
        """The app's history, newest first."""
        history = self.cli.json(["app", "history", name, "-e", self.env])
        return [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []

    @contextmanager
    def _checkout(self, commit: str, log: Log) -> Iterator[Path]:
        """A folder holding exactly `commit`, clean: the checkout itself when it is one."""
        if git.resolve(self.root, "HEAD") == commit and git.is_clean(self.root):
            yield self.root
            return
        with tempfile.TemporaryDirectory(prefix="fleet-deploy-") as temporary:
            folder = Path(temporary) / "tree"
            with _WORKTREES:
                git.add_worktree(self.root, folder, commit)
            log(f"deploying {commit[:12]} from a worktree: the checkout is not that commit, clean")
            try:
                yield folder / git.prefix(self.root)
            finally:
                with _WORKTREES:
                    git.remove_worktree(self.root, folder)


def rolled_back_from(history: list[dict[str, Any]]) -> str | None:
    """The commit a rollback left, read from a history (newest first): Modal records a
    rollback as a new version that repeats an older one's commit, so when the live version's
    commit is an older version's and the version before it had another commit, that other
    commit was rolled back from."""
    commits = [h.get("commit") or None for h in history]
    if len(commits) < 3 or commits[0] is None or commits[1] in (None, commits[0]):
        return None
    return commits[1] if commits[0] in commits[2:] else None


def _url_problem(wanted: str, function: WebFunction, web: WebUrl | None) -> str | None:
    """What is wrong with the URL Modal printed for a web function, or None."""
    if web is None:
        return f"Modal printed no URL for {function.shown}; the registry says {wanted}"
    if web.url.rstrip("/") != wanted:
        return f"Modal assigned {web.url} to {function.shown}; the registry says {wanted}"
    if web.proxy_auth != function.requires_proxy_auth:
        said = "with" if web.proxy_auth else "without"
        return (
            f"Modal serves {function.shown} {said} proxy auth; the registry says "
            f"requires_proxy_auth: {str(function.requires_proxy_auth).lower()}"
        )
    return None
