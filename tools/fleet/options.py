"""Options that several commands share, declared once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tools.core.calls import Caller
    from tools.core.registry.model import Registry
    from tools.release.smoke import SmokeResult
    from tools.release.targets.base import Target

RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        help="The registry file. Default: registry/fleet.yaml here or in a parent folder.",
        envvar="FLEET_REGISTRY",
        dir_okay=False,
        show_default=False,
    ),
]
EnvOption = Annotated[
    str | None,
    typer.Option("--env", "-e", help="Modal environment. Default: the registry's default."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def root_of(registry_path: Path) -> Path:
    """The repository a registry belongs to: the folder that holds `registry/`."""
    return registry_path.resolve().parent.parent


def resolve_registry_path(path: Path | None) -> Path:
    from tools.core.registry.locate import find_registry

    return path if path is not None else find_registry(Path.cwd())


@dataclass(frozen=True)
class Repository:
    """The registry and the repository it belongs to (the folder above `registry/`)."""

    registry: Registry
    registry_path: Path  # absolute

    @property
    def root(self) -> Path:
        return root_of(self.registry_path)

    @property
    def relative_registry(self) -> str:
        return self.registry_path.relative_to(self.root).as_posix()

    def target(self, kind: str, env: str | None) -> tuple[str, Target]:
        """The environment's name (the registry's default when `env` is None) and the deploy
        target of that kind for it."""
        env_name, _ = self.registry.environment(env)
        return env_name, build_target(kind, self.root, env_name)


def open_repository(path: Path | None) -> Repository:
    registry, registry_path = open_registry(path)
    return Repository(registry, registry_path.resolve())


def open_registry(path: Path | None) -> tuple[Registry, Path]:
    """Load and validate the registry the user named, or the one this folder belongs to."""
    from tools.core.registry.load import load_registry

    resolved = resolve_registry_path(path)
    return load_registry(resolved), resolved


def connect(registry: Registry, env: str, base_url: str | None) -> Caller:
    """The client that smoke tests call endpoints with; proxy-auth keys from the environment."""
    from tools.client import FleetClient

    return FleetClient(registry, env=env, base_url=base_url, environ=os.environ)


def smoke_progress(result: SmokeResult, done: int, total: int) -> None:
    cold = f"{result.cold_s:.2f} s" if result.cold_s is not None else "-"
    typer.echo(f"[{done}/{total}] {result.status:<16} {result.endpoint:<26} cold {cold}", err=True)


def build_target(kind: str, root: Path, env: str) -> Target:
    """The one place a deploy target is made; commands pass it down."""
    if kind == "modal":
        from tools.release.targets.modal import ModalTarget

        return ModalTarget(root, env, os.environ)
    from tools.release.targets.local import LocalTarget

    return LocalTarget(root, env, environ=os.environ)
