"""`fleet release TAG`: deploy, smoke-test every endpoint, roll back what fails."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from tools.fleet.commands.deploy import TargetChoice, TargetOption
from tools.fleet.errors import EXIT_FINDINGS
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
    from tools.fleet.options import open_registry
    from tools.release.ranges import resolve_commit
    from tools.release.release import Releaser
    from tools.release.release_tags import parse_tag
    from tools.release.targets.select import make_target

    loaded, registry_path = open_registry(registry)
    parsed = parse_tag(tag, loaded)  # before anything else touches the tag text
    root = registry_path.resolve().parent.parent
    commit = resolve_commit(root, f"refs/tags/{parsed.text}", "tag")
    env_name, _ = loaded.environment(env)
    relative = registry_path.resolve().relative_to(root).as_posix()
    releaser = Releaser(
        root, relative, loaded, make_target(target.value, root, env_name), env_name, typer.echo
    )
    result = releaser.run(parsed, commit)
    markdown = result.markdown()
    typer.echo(markdown)
    document = json.dumps(result.to_json(), indent=2) + "\n"
    if report is not None:
        report.write_text(document)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write(markdown)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)
