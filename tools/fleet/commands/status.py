"""`fleet status`: what each app's live version is, and whether it matches the repository."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.commands.deploy import TargetChoice, TargetOption
from tools.fleet.options import EnvOption, JsonOption, RegistryOption


def status(
    target: TargetOption = TargetChoice.local,
    env: EnvOption = None,
    json_: JsonOption = False,
    registry: RegistryOption = None,
) -> None:
    """Synced, OutOfSync, Missing, Unknown or Degraded for every app; exit 1 unless all Synced."""
    from tools.fleet.options import open_repository
    from tools.release.ranges import resolve_commit
    from tools.release.status import fleet_status

    repo = open_repository(registry)
    _, runner = repo.target(target.value, env)
    head = resolve_commit(repo.root, "HEAD", "HEAD")
    statuses = fleet_status(repo.root, repo.relative_registry, repo.registry, runner, head)
    if json_:
        typer.echo(json.dumps([asdict(s) for s in statuses], indent=2))
    else:
        for entry in statuses:
            live = " ".join(x for x in (entry.version, entry.tag) if x)
            typer.echo(f"{entry.app:<20} {entry.status:<10} {live}")
            for line in entry.detail:
                typer.echo(f"    {line}")
    if any(s.status != "Synced" for s in statuses):
        raise typer.Exit(EXIT_FINDINGS)
