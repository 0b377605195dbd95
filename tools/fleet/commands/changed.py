"""`fleet changed`: the apps a range of commits changes, with a reason for each."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import FleetError
from tools.fleet.options import EnvOption, JsonOption, RegistryOption

if TYPE_CHECKING:
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
    target: Annotated[
        str, typer.Option("--target", help="With --since deployed: local or modal.")
    ] = "local",
    env: EnvOption = None,
    json_: JsonOption = False,
    github_output: Annotated[
        bool,
        typer.Option(
            "--github-output", help="Write apps=<json> and any=true|false to $GITHUB_OUTPUT."
        ),
    ] = False,
    registry: RegistryOption = None,
) -> None:
    """Select the apps whose code, imports, mounts or registry entry changed between two commits."""
    from tools.fleet.options import resolve_registry_path, root_of
    from tools.release.changed import plan
    from tools.release.ranges import explicit_range, github_range

    registry_path = resolve_registry_path(registry).resolve()
    root = root_of(registry_path)
    relative = registry_path.relative_to(root).as_posix()
    if since is not None:
        result = _since_deployed(root, registry_path, relative, since, target, env, head)
        _emit(result, f"since deployed on {target}", json_=json_, github_output=github_output)
        return
    if github:
        commits = github_range(root, os.environ)
    elif base is None:
        raise FleetError("name the range: --base REF [--head REF], or --github")
    else:
        commits = explicit_range(root, base, head)
    result = plan(root, relative, commits.base, commits.head)
    why = f"{commits.why}: {commits.base[:12]}..{commits.head[:12]}"
    _emit(result, why, json_=json_, github_output=github_output)


def _since_deployed(
    root: Path,
    registry_path: Path,
    relative: str,
    since: str,
    target: str,
    env: str | None,
    head: str,
) -> ChangePlan:
    from tools.core.registry.load import load_registry
    from tools.fleet.options import build_target
    from tools.release.ranges import resolve_commit
    from tools.release.since_deployed import plan_since_deployed

    if since != "deployed":
        raise FleetError(f"--since {since!r}: only `--since deployed` is known")
    if target not in ("local", "modal"):
        raise FleetError(f"--target {target!r}: local or modal")
    registry = load_registry(registry_path)
    env_name, _ = registry.environment(env)
    commit = resolve_commit(root, head, "--head")
    return plan_since_deployed(
        root, relative, registry, build_target(target, root, env_name), commit
    )


def _emit(result: ChangePlan, why: str, *, json_: bool, github_output: bool) -> None:
    if github_output:
        _write_github_output(result.to_json())
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
    for name in result.removed:
        typer.echo(f"  removed: {name} (not deployed; stop it with `fleet down` or Modal)")


def _write_github_output(document: dict[str, object]) -> None:
    from tools.fleet.environment import write_github_output

    apps = [{"name": a["name"], "dir": a["dir"]} for a in document["apps"]]  # type: ignore[attr-defined]
    write_github_output(
        {"apps": json.dumps(apps, separators=(",", ":")), "any": "true" if apps else "false"}
    )
