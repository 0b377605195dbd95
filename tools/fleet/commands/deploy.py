"""`fleet deploy (APP... | --all | --changed ...) --target local|modal`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet.options import (
    EnvOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    find_apps,
    plan_range,
    repository,
)

if TYPE_CHECKING:
    from tools.core.registry.model import App
    from tools.core.repository import Repository, Revision


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
    target: TargetOption = TargetKind.local,
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
    root: RootOption = None,
) -> None:
    """Deploy the named apps (or all, or the changed ones) at a commit, in parallel: the apps,
    their URLs and their checks are the registry's at that commit."""
    from tools.release.deploy import deploy_apps
    from tools.release.tags import modal_tag

    if sum((bool(apps), all_apps, changed)) != 1:
        raise FleetError(
            "name what to deploy: APP..., --all, or --changed (nothing deploys by default)"
        )
    repo = repository(root, registry)
    desired, chosen = _selection(repo, apps or [], all_apps, base, head, github=github)
    runner = build_target(repo, desired.registry, target, env)
    commit = desired.commit
    deploy_tag = modal_tag(tag or commit[:12])
    where = f"{runner.name}/{runner.env}"
    if chosen and not dry_run:
        runner.preflight(desired.registry, chosen)
    typer.echo(f"deploying {len(chosen)} app(s) at {commit[:12]} to {where} as {deploy_tag}")
    if dry_run or not chosen:
        for app in chosen:
            typer.echo(f"  would deploy {app.name} ({app.entry_path})")
        return
    run = deploy_apps(
        runner,
        desired.registry,
        chosen,
        commit=commit,
        tag=deploy_tag,
        jobs=jobs,
        fail_fast=fail_fast,
        echo=typer.echo,
        preflight=False,  # done above, before anything is said to deploy
    )
    typer.echo("")
    for result in run.results:
        typer.echo(
            f"  {result.app:<20} {result.outcome:<10} {result.version or '':<5} {result.detail}"
        )
    if results is not None:
        from tools.core.fs import write_output

        document = {
            "target": runner.name,
            "env": runner.env,
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
        write_output(results, json.dumps(document, indent=2) + "\n")
    if run.failed:
        raise typer.Exit(EXIT_FINDINGS)


def _selection(
    repo: Repository,
    names: list[str],
    all_apps: bool,
    base: str | None,
    head: str,
    *,
    github: bool,
) -> tuple[Revision, list[App]]:
    """The desired state to deploy, and its apps that the command selects."""
    from tools.release.ranges import resolve_commit

    if names or all_apps:
        desired = repo.revision(resolve_commit(repo.root, head, "--head"))
        registry = desired.registry
        return desired, list(registry.apps.values()) if all_apps else find_apps(registry, names)
    selection, _ = plan_range(repo, base, head, github=github)
    return selection.desired, selection.selected()
