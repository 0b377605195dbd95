"""`fleet pipeline`: check, plan, deploy, smoke-test and report status on one target.

On the local target a first run deploys all seven apps; a second run with no change deploys
nothing and still smoke-tests every endpoint.
"""

from __future__ import annotations

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.commands.deploy import TargetChoice, TargetOption
from tools.fleet.options import EnvOption, RegistryOption


def pipeline(
    target: TargetOption = TargetChoice.local,
    env: EnvOption = None,
    registry: RegistryOption = None,
) -> None:
    """The whole flow with progress and a closing report; exit 1 if any stage failed."""
    from tools.fleet.options import connect, open_repository, smoke_progress
    from tools.fleet.pipeline import Pipeline
    from tools.release.ranges import resolve_commit

    repo = open_repository(registry)
    _, runner = repo.target(target.value, env)
    head = resolve_commit(repo.root, "HEAD", "HEAD")
    stages = Pipeline(repo, runner, connect, head, typer.echo, smoke_progress).run()
    typer.echo(f"\n{'stage':<8} {'time':>8}  result")
    for stage in stages:
        typer.echo(f"{stage.name:<8} {stage.seconds:7.1f}s  {stage.summary}")
    ok = all(stage.ok for stage in stages)
    total = sum(stage.seconds for stage in stages)
    typer.echo(f"{'total':<8} {total:7.1f}s  {'ok' if ok else 'FAILED'}")
    if not ok:
        raise typer.Exit(EXIT_FINDINGS)
