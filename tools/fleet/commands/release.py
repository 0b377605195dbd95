"""`fleet release TAG`: deploy, smoke-test every endpoint, roll back what fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet import environment
from tools.fleet.commands.deploy import TargetChoice, TargetOption
from tools.fleet.options import EnvOption, RegistryOption


def release(
    tag: Annotated[str, typer.Argument(help="flux/v1.4.0, v1.4.0 or release-2026.11.27[.N]")],
    target: TargetOption = TargetChoice.local,
    env: EnvOption = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the JSON report to this file.")
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Release TAG: exit 1 when any app was rolled back or could not be."""
    from tools.fleet.options import connect, open_repository
    from tools.release.ranges import resolve_commit
    from tools.release.release import Releaser
    from tools.release.release_tags import parse_tag

    repo = open_repository(registry)
    parsed = parse_tag(tag, repo.registry)  # before anything else touches the tag text
    commit = resolve_commit(repo.root, f"refs/tags/{parsed.text}", "tag")
    _, runner = repo.target(target.value, env)
    releaser = Releaser(
        repo.root, repo.relative_registry, repo.registry, runner, connect, typer.echo
    )
    result = releaser.run(parsed, commit)
    markdown = result.markdown()
    typer.echo(markdown)
    document = json.dumps(result.to_json(), indent=2) + "\n"
    if report is not None:
        report.write_text(document)
    environment.append_step_summary(markdown)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)
