"""`fleet changed`: the apps a range of commits changes, with a reason for each."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import FleetError
from tools.fleet.options import (
    EnvOption,
    JsonOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    plan_range,
    repository,
)

if TYPE_CHECKING:
    from tools.core.repository import Repository
    from tools.release.changed import ChangePlan


def changed(
    base: Annotated[str | None, typer.Option("--base", help="Base ref of the range.")] = None,
    head: Annotated[str, typer.Option("--head", help="Head ref of the range.")] = "HEAD",
    github: Annotated[
        bool, typer.Option("--github", help="Read the range from the GitHub Actions event.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="deployed", help="`deployed`: per app, since what is live."
        ),
    ] = None,
    target: TargetOption = TargetKind.local,
    env: EnvOption = None,
    json_: JsonOption = False,
    github_output: Annotated[
        bool,
        typer.Option(
            "--github-output", help="Write apps=<json> and any=true|false to $GITHUB_OUTPUT."
        ),
    ] = False,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Select the apps whose code, imports, mounts or registry entry changed between two commits
    (--target is read with --since deployed)."""
    repo = repository(root, registry)
    if since is not None:
        result = _since_deployed(repo, since, target, env, head)
        why = f"since deployed on {target.value}"
    else:
        result, why = plan_range(repo, base, head, github=github)
    if github_output:
        from tools.fleet.environment import write_github_output

        apps = [{"name": a.name, "dir": a.dir} for a in result.apps]
        write_github_output(
            {"apps": json.dumps(apps, separators=(",", ":")), "any": "true" if apps else "false"}
        )
    if json_:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    typer.echo(why)
    if result.all:
        typer.echo("every app must deploy:")
    for app in result.apps:
        typer.echo(f"  {app.name:<20} {app.dir}")
        for reason in app.reasons:
            typer.echo(f"      {reason}")
    if not result.apps:
        typer.echo("  no app changed")
    for app in result.held:
        typer.echo(f"  held: {app.name} ({app.reasons[-1]})")
    for name in result.removed:
        typer.echo(f"  removed: {name} (not deployed; stop it with `fleet down` or Modal)")
    for name in result.missing:
        typer.echo(f"  missing: {name} (its entry file exists at neither end; nothing to deploy)")


def _since_deployed(
    repo: Repository, since: str, target: TargetKind, env: str | None, head: str
) -> ChangePlan:
    from tools.release.ranges import resolve_commit
    from tools.release.since_deployed import plan_since_deployed

    if since != "deployed":
        raise FleetError(f"--since {since!r}: only `--since deployed` is known")
    desired = repo.revision(resolve_commit(repo.root, head, "--head"))
    return plan_since_deployed(repo, desired, build_target(repo, desired.registry, target, env))
