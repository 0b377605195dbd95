"""`fleet smoke`: call every endpoint of the selected apps and classify each answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet import environment
from tools.fleet.options import (
    EnvOption,
    JsonOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    connect,
    find_apps,
    repository,
    smoke_progress,
)


def smoke(
    apps: Annotated[
        list[str] | None, typer.Argument(metavar="[APP]...", help="Default: all.")
    ] = None,
    target: TargetOption = TargetKind.local,
    env: EnvOption = None,
    only: Annotated[str | None, typer.Option("--only", help="One endpoint path.")] = None,
    json_: JsonOption = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the Markdown report to this file.")
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Send each endpoint its registry smoke request (cold, then warm); exit 0 only if all ok."""
    from tools.core.fs import write_output
    from tools.release.smoke import report_json, report_markdown, smoke_on_target

    repo = repository(root, registry)
    loaded = repo.registry
    chosen = find_apps(loaded, apps) if apps else list(loaded.apps.values())
    if only is not None and not any(a.serving(only) for a in chosen):
        raise FleetError(f"--only {only}: not an endpoint of the selected apps")
    runner = build_target(repo, loaded, target, env)
    progress = None if json_ else smoke_progress
    results = smoke_on_target(loaded, runner, chosen, connect, only=only, progress=progress)
    markdown = report_markdown(results)
    typer.echo(json.dumps(report_json(results), indent=2) if json_ else markdown)
    if report is not None:
        write_output(report, markdown)
    environment.append_step_summary(lambda: f"## fleet smoke\n\n{markdown}\n")
    if any(r.failed for r in results):
        raise typer.Exit(EXIT_FINDINGS)
