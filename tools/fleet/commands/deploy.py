"""`fleet deploy (APP... | --all | --changed ...) --target local|modal`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet import environment
from tools.fleet.options import (
    EnvOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    connect,
    find_apps,
    plan_range,
    repository,
)

if TYPE_CHECKING:
    from tools.core.registry.model import App, Registry
    from tools.core.repository import Repository, Revision
    from tools.release.gate import Gated
    from tools.release.targets.base import LiveApp, Target


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
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, max=64, help="Apps deployed at once.")
    ] = 4,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would deploy.")] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop starting deploys after a failure.")
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Smoke-test every endpoint of each app deployed; roll back the apps that fail.",
        ),
    ] = False,
    results: Annotated[
        Path | None, typer.Option("--results", help="Write the results as JSON to this file.")
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Deploy the named apps (or all, or the changed ones) at a commit, in parallel: the apps,
    their URLs and their checks are the registry's at that commit. With --verify, a deploy is
    kept only when its endpoints pass their smoke tests."""
    from tools.core.fs import check_output
    from tools.release.deploy import deploy_apps
    from tools.release.gate import Gated, HealthGate
    from tools.release.tags import modal_tag

    if sum((bool(apps), all_apps, changed)) != 1:
        raise FleetError(
            "name what to deploy: APP..., --all, or --changed (nothing deploys by default)"
        )
    if results is not None:
        check_output(results)
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
            typer.echo(f"  would deploy {app.name} ({app.deploy_target})")
        return
    before = _live_before(runner, desired.registry, chosen) if verify else {}
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
    gated = [Gated(r.app, r) for r in run.results]
    if verify:
        HealthGate(runner, connect, typer.echo).check(desired.registry, chosen, gated, before)
    typer.echo("")
    for result in run.results:
        typer.echo(
            f"  {result.app:<20} {result.outcome:<10} {result.version or '':<5} {result.detail}"
        )
    if verify:
        _print_verdicts(gated)
        environment.append_step_summary(lambda: _verdicts_markdown(commit, gated))
    if results is not None:
        from tools.core.fs import write_output

        document = {
            "target": runner.name,
            "env": runner.env,
            "commit": commit,
            "tag": deploy_tag,
            "results": [_result_json(entry, verify) for entry in gated],
        }
        write_output(results, json.dumps(document, indent=2) + "\n")
    if run.failed or any(entry.outcome != "passed" for entry in gated):
        raise typer.Exit(EXIT_FINDINGS)


def _live_before(runner: Target, registry: Registry, apps: list[App]) -> dict[str, LiveApp]:
    """What serves the apps before they deploy: what a failed smoke test rolls back to."""
    return {live.name: live for live in runner.live(registry, only=[app.name for app in apps])}


def _print_verdicts(gated: list[Gated]) -> None:
    typer.echo("\nsmoke tests:")
    for entry in gated:
        shown = (
            entry.outcome
            if entry.outcome != "rolled-back"
            else f"rolled back to {entry.rolled_back_to}"
        )
        passed = sum(r.status == "ok" for r in entry.smoke)
        typer.echo(f"  {entry.app:<20} {passed}/{len(entry.smoke)} ok: {shown}")
        for line in entry.failures():
            typer.echo(f"      {line}")


def _verdicts_markdown(commit: str, gated: list[Gated]) -> str:
    lines = [f"## fleet deploy {commit[:12]} --verify", "", "| app | version | outcome |"]
    lines.append("|---|---|---|")
    lines += [f"| {e.app} | {e.deploy.version or ''} | {e.outcome} |" for e in gated]
    for entry in gated:
        if entry.failures():
            lines += ["", f"**{entry.app}**", *(f"- {line}" for line in entry.failures())]
    return "\n".join(lines) + "\n"


def _result_json(entry: Gated, verify: bool) -> dict[str, object]:
    r = entry.deploy
    document: dict[str, object] = {
        "app": r.app,
        "outcome": r.outcome,
        "version": r.version,
        "detail": r.detail,
        "urls": r.urls,
    }
    if verify:
        document["verify"] = {
            "outcome": entry.outcome,
            "detail": entry.detail,
            "smoke": [asdict(s) for s in entry.smoke],
            "rolled_back_to": entry.rolled_back_to,
            "rollback_smoke": [asdict(s) for s in entry.rollback_smoke],
        }
    return document


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
