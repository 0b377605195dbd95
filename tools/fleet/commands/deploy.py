"""`fleet deploy (APP... | --all | --changed ...) --target local|modal`."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet.options import EnvOption, RegistryOption

if TYPE_CHECKING:
    from tools.core.registry.model import App, Registry
    from tools.fleet.options import Repository


class TargetChoice(enum.StrEnum):
    local = "local"
    modal = "modal"


TargetOption = Annotated[
    TargetChoice, typer.Option("--target", "-t", help="Where to deploy: local or modal.")
]


def deploy(
    apps: Annotated[
        list[str] | None, typer.Argument(metavar="[APP]...", help="Apps to deploy.")
    ] = None,
    all_apps: Annotated[bool, typer.Option("--all", help="Deploy every app.")] = False,
    changed: Annotated[
        bool,
        typer.Option("--changed", help="Deploy what `fleet changed` selects (--base or --github)."),
    ] = False,
    base: Annotated[str | None, typer.Option("--base", help="With --changed: base ref.")] = None,
    head: Annotated[str, typer.Option("--head", help="The commit to deploy.")] = "HEAD",
    github: Annotated[
        bool, typer.Option("--github", help="With --changed: range from the GitHub event.")
    ] = False,
    target: TargetOption = TargetChoice.local,
    env: EnvOption = None,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Deploy tag (default: the commit).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Apps deployed at once.")] = 4,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would deploy.")] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop starting deploys after a failure.")
    ] = False,
    results: Annotated[
        Path | None, typer.Option("--results", help="Write the results as JSON to this file.")
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Deploy the named apps (or all, or the changed ones) to a target, in parallel."""
    from tools.fleet.options import open_repository
    from tools.release.deploy import deploy_apps
    from tools.release.ranges import resolve_commit
    from tools.release.tags import modal_tag

    repo = open_repository(registry)
    loaded, root = repo.registry, repo.root
    if sum((bool(apps), all_apps, changed)) != 1:
        raise FleetError(
            "name what to deploy: APP..., --all, or --changed (nothing deploys by default)"
        )
    if changed:
        chosen, commit = _changed(repo, base, head, github=github)
    else:
        commit = resolve_commit(root, head, "--head")
        chosen = (
            list(loaded.apps.values()) if all_apps else [_app(loaded, ref) for ref in apps or []]
        )
    env_name, runner = repo.target(target.value, env)
    deploy_tag = modal_tag(tag or commit[:12])
    where = f"{target.value}/{env_name}"
    typer.echo(f"deploying {len(chosen)} app(s) at {commit[:12]} to {where} as {deploy_tag}")
    if dry_run or not chosen:
        for app in chosen:
            typer.echo(f"  would deploy {app.name} ({app.entry_path})")
        return
    run = deploy_apps(
        runner,
        loaded,
        chosen,
        commit=commit,
        tag=deploy_tag,
        jobs=jobs,
        fail_fast=fail_fast,
        echo=typer.echo,
    )
    typer.echo("")
    for result in run.results:
        typer.echo(
            f"  {result.app:<20} {result.outcome:<10} {result.version or '':<5} {result.detail}"
        )
    if results is not None:
        document = {
            "target": target.value,
            "env": env_name,
            "commit": commit,
            "tag": deploy_tag,
            "results": [
                {
                    "app": r.app,
                    "outcome": r.outcome,
                    "version": r.version,
                    "detail": r.detail,
                    "urls": r.urls,
                }
                for r in run.results
            ],
        }
        results.write_text(json.dumps(document, indent=2) + "\n")
    if run.failed:
        raise typer.Exit(EXIT_FINDINGS)


def _app(registry: Registry, ref: str) -> App:
    found = registry.find_app(ref)
    if found is None:
        raise FleetError(f"unknown app {ref!r} (known: {', '.join(registry.apps)})")
    return found


def _changed(
    repo: Repository, base: str | None, head: str, *, github: bool
) -> tuple[list[App], str]:
    from tools.release.changed import plan
    from tools.release.ranges import explicit_range, github_range

    root = repo.root
    if github:
        commits = github_range(root, os.environ)
    elif base is not None:
        commits = explicit_range(root, base, head)
    else:
        raise FleetError("--changed needs --base REF or --github")
    selection = plan(root, repo.relative_registry, commits.base, commits.head)
    return [repo.registry.apps[a.key] for a in selection.apps], commits.head
