"""What commands share: their options, declared once, and the one way each opens its
repository, builds its deploy target, finds apps and calls endpoints."""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tools.core.calls import Caller
    from tools.core.registry.model import App, Registry
    from tools.core.repository import Repository
    from tools.release.changed import ChangePlan
    from tools.release.smoke import SmokeResult
    from tools.release.targets.base import Target


class TargetKind(enum.StrEnum):
    local = "local"
    modal = "modal"


RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        help="The registry file. Default: [tool.fleet] registry, else registry/fleet.yaml.",
        envvar="FLEET_REGISTRY",
        dir_okay=False,
        show_default=False,
    ),
]
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="The repository. Default: the nearest folder up from the registry (or from here) "
        "with [tool.fleet], registry/fleet.yaml or .git.",
        file_okay=False,
        show_default=False,
    ),
]
EnvOption = Annotated[
    str | None,
    typer.Option("--env", "-e", help="Modal environment. Default: the registry's default."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TargetOption = Annotated[
    TargetKind, typer.Option("--target", "-t", help="Where apps run: local or modal.")
]


def repository(root: Path | None, registry: Path | None) -> Repository:
    """The repository every command works on, from `--root` and `--registry`."""
    from tools.core.repository import open_repository

    return open_repository(Path.cwd(), root=root, registry=registry)


def build_target(repo: Repository, registry: Registry, kind: TargetKind, env: str | None) -> Target:
    """The one place a deploy target is made, for `env` (None: the registry's default)."""
    env_name, _ = registry.environment(env)
    if kind is TargetKind.modal:
        from tools.release.targets.modal import ModalTarget

        return ModalTarget(repo.root, env_name, os.environ)
    from tools.release.targets.local import LocalTarget

    return LocalTarget(repo.root, env_name, environ=os.environ)


def plan_range(
    repo: Repository, base: str | None, head: str, *, github: bool
) -> tuple[ChangePlan, str]:
    """The change plan for `--base`/`--head` or `--github`, and how its range was chosen."""
    from tools.core.errors import FleetError
    from tools.release.changed import plan, plan_every_app
    from tools.release.ranges import explicit_range, github_range

    if github:
        commits = github_range(repo.root, os.environ)
    elif base is None:
        raise FleetError("name the range: --base REF [--head REF], or --github")
    else:
        commits = explicit_range(repo.root, base, head)
    if commits.base is None:
        return plan_every_app(repo, commits.head, commits.why), f"{commits.why}: every app"
    result = plan(repo, commits.base, commits.head)
    return result, f"{commits.why}: {commits.base[:12]}..{commits.head[:12]}"


def find_apps(registry: Registry, refs: list[str]) -> list[App]:
    """Apps by short name, Modal name or folder; an unknown one is a usage error."""
    from tools.core.errors import FleetError

    found = []
    for ref in refs:
        app = registry.find_app(ref)
        if app is None:
            raise FleetError(f"unknown app {ref!r} (known: {', '.join(registry.apps)})")
        found.append(app)
    return found


def connect(registry: Registry, env: str, base_url: str | None) -> Caller:
    """The client endpoints are called with; proxy-auth keys come from the environment."""
    from tools.client import FleetClient

    return FleetClient(registry, env=env, base_url=base_url, environ=os.environ)


def smoke_progress(result: SmokeResult, done: int, total: int) -> None:
    cold = f"{result.cold_s:.2f} s" if result.cold_s is not None else "-"
    typer.echo(f"[{done}/{total}] {result.status:<16} {result.endpoint:<26} cold {cold}", err=True)
