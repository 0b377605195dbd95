"""`fleet down`: stop every app the local target runs."""

from __future__ import annotations

import typer

from tools.fleet.options import EnvOption, RegistryOption


def down(registry: RegistryOption = None, env: EnvOption = None) -> None:
    """Stop every locally deployed app; report versions whose process had already gone."""
    from tools.fleet.options import open_repository
    from tools.release.targets.local import LocalTarget

    repo = open_repository(registry)
    loaded = repo.registry
    env_name, _ = loaded.environment(env)
    target = LocalTarget(repo.root, env_name)
    for stale in target.stale():
        typer.echo(f"stale: {stale} was no longer running")
    for app in loaded.apps.values():
        target.stop(loaded, app, log=lambda line, key=app.key: typer.echo(f"[{key}] {line}"))
    typer.echo("local target stopped")
