"""`fleet down`: stop every app the local target runs."""

from __future__ import annotations

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.options import EnvOption, RegistryOption, RootOption, TargetKind


def down(registry: RegistryOption = None, root: RootOption = None, env: EnvOption = None) -> None:
    """Stop every locally deployed app; report versions whose process had already gone."""
    from tools.fleet.options import build_target, repository

    repo = repository(root, registry)
    loaded = repo.registry
    target = build_target(repo, loaded, TargetKind.local, env)
    for live in target.live(loaded):
        if live.state == "degraded":
            typer.echo(
                f"stale: {' '.join(filter(None, (live.name, live.version)))} ({live.detail})"
            )
    failed = []
    for app in loaded.apps.values():
        result = target.stop(
            loaded, app, log=lambda line, key=app.key: typer.echo(f"[{key}] {line}")
        )
        if result.outcome == "failed":
            failed.append(f"{app.key}: {result.detail}")
    if failed:
        typer.echo("\n".join(["not stopped:", *failed]), err=True)
        raise typer.Exit(EXIT_FINDINGS)
    typer.echo(f"{target.name} target stopped")
