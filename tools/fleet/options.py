"""Options that several commands share, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tools.fleet.registry.model import Registry
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
    from tools.fleet.registry.locate import find_registry

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
        from tools.release.targets.select import make_target

        env_name, _ = self.registry.environment(env)
        return env_name, make_target(kind, self.root, env_name)


def open_repository(path: Path | None) -> Repository:
    registry, registry_path = open_registry(path)
    return Repository(registry, registry_path.resolve())


def open_registry(path: Path | None) -> tuple[Registry, Path]:
    """Load and validate the registry the user named, or the one this folder belongs to."""
    from tools.fleet.registry.load import load_registry

    resolved = resolve_registry_path(path)
    return load_registry(resolved), resolved
