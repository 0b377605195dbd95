"""`fleet smoke`: call every endpoint of the selected apps and classify each answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet import environment
from tools.fleet.commands.deploy import TargetChoice, TargetOption
from tools.fleet.options import EnvOption, JsonOption, RegistryOption

if TYPE_CHECKING:
    from tools.core.registry.model import App, Registry


def smoke(
    apps: Annotated[
        list[str] | None, typer.Argument(metavar="[APP]...", help="Default: all.")
    ] = None,
    target: TargetOption = TargetChoice.local,
    env: EnvOption = None,
    only: Annotated[str | None, typer.Option("--only", help="One endpoint path.")] = None,
    json_: JsonOption = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the Markdown report to this file.")
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Send each endpoint its registry smoke request (cold, then warm); exit 0 only if all ok."""
    from tools.fleet.options import connect, open_repository, smoke_progress
    from tools.release.smoke import report_json, report_markdown, smoke_on_target

    repo = open_repository(registry)
    loaded = repo.registry
    chosen = _apps(loaded, apps)
    if only is not None and all(only not in a.endpoints for a in chosen):
        raise FleetError(f"--only {only}: not an endpoint of the selected apps")
    _, runner = repo.target(target.value, env)
    results = smoke_on_target(
        loaded, runner, chosen, connect, only=only, progress=None if json_ else smoke_progress
    )
    if json_:
        typer.echo(json.dumps(report_json(results), indent=2))
    else:
        typer.echo(report_markdown(results))
    markdown = report_markdown(results)
    if report is not None:
        report.write_text(markdown)
    environment.append_step_summary(f"## fleet smoke\n\n{markdown}\n")
    if any(r.status != "ok" for r in results):
        raise typer.Exit(EXIT_FINDINGS)


def _apps(registry: Registry, refs: list[str] | None) -> list[App]:
    if not refs:
        return list(registry.apps.values())
    chosen = []
    for ref in refs:
        app = registry.find_app(ref)
        if app is None:
            raise FleetError(f"unknown app {ref!r} (known: {', '.join(registry.apps)})")
        chosen.append(app)
    return chosen
