"""`fleet release TAG`: deploy, smoke-test every endpoint, roll back what fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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
    repository,
)


def release(
    tag: Annotated[str, typer.Argument(help="flux/v1.4.0, v1.4.0 or release-2026.11.27[.N]")],
    target: TargetOption = TargetKind.local,
    env: EnvOption = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the JSON report to this file.")
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Release TAG with the registry at the tagged commit: exit 1 when any app was rolled back
    or could not be. The report is written whatever happens, an error included."""
    from tools.core.fs import check_output, write_output
    from tools.release.ranges import resolve_commit
    from tools.release.release import Releaser, ReleaseReport
    from tools.release.release_tags import parse_tag, tag_name

    if report is not None:
        check_output(report)
    result = ReleaseReport(tag, "", None, target.value, env or "", [], error="not started")
    try:
        repo = repository(root, registry)
        name = tag_name(tag)  # before anything else touches the tag text
        desired = repo.revision(resolve_commit(repo.root, f"refs/tags/{name}", "tag"))
        parsed = parse_tag(name, desired.registry)
        runner = build_target(repo, desired.registry, target, env)
        Releaser(repo, runner, connect, typer.echo).run(parsed, desired, result)
    except BaseException as error:
        result.error = str(error) if isinstance(error, FleetError) else type(error).__name__
        raise
    finally:
        if report is not None:
            write_output(report, json.dumps(result.to_json(), indent=2) + "\n")
    markdown = result.markdown()
    typer.echo(markdown)
    environment.append_step_summary(lambda: markdown)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)
