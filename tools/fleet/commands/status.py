"""`fleet status`: each app's sync and health status on a target, and orphaned apps."""

from __future__ import annotations

import json

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet import environment
from tools.fleet.options import (
    EnvOption,
    JsonOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    repository,
)


def status(
    target: TargetOption = TargetKind.local,
    env: EnvOption = None,
    json_: JsonOption = False,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Sync (Synced, OutOfSync, Unknown) and health (Healthy, Progressing, Degraded, Missing,
    Suspended) of every app against HEAD, as Argo CD reports them; apps the target runs that
    the registry does not name are orphaned. A live version deployed from a dirty tree, by
    someone the policy's deployers do not name, without fleet's tag, or at a commit its tag
    does not name is OutOfSync. Exit 1 unless every app is Synced and Healthy and none is
    orphaned; the report goes to the GitHub step summary too."""
    from tools.release.ranges import resolve_commit
    from tools.release.status import fleet_status

    repo = repository(root, registry)
    desired = repo.revision(resolve_commit(repo.root, "HEAD", "HEAD"))
    result = fleet_status(repo, desired, build_target(repo, desired.registry, target, env))
    if json_:
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        typer.echo(f"{'APP':<20} {'SYNC':<10} {'HEALTH':<12} LIVE")
        for entry in result.apps:
            live = " ".join(x for x in (entry.version, entry.tag) if x)
            typer.echo(f"{entry.app:<20} {entry.sync:<10} {entry.health:<12} {live}")
            for line in entry.detail:
                typer.echo(f"    {line}")
        for orphan in result.orphaned:
            live = " ".join(x for x in (orphan.version, orphan.tag) if x)
            typer.echo(f"{orphan.name:<20} orphaned: {orphan.state} {live}, not in the registry")
    environment.append_step_summary(result.markdown)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)
