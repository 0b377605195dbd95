"""`fleet pipeline`: check, plan, deploy, smoke-test and report status on one target.

On the local target a first run deploys all seven apps; a second run with no change deploys
nothing and still smoke-tests every endpoint.
"""

from __future__ import annotations

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.options import (
    EnvOption,
    RegistryOption,
    RootOption,
    TargetKind,
    TargetOption,
    build_target,
    connect,
    repository,
    smoke_progress,
)


def pipeline(
    target: TargetOption = TargetKind.local,
    env: EnvOption = None,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """The whole flow at HEAD with progress and a closing report; exit 1 if any stage failed."""
    from tools.fleet.pipeline import Pipeline
    from tools.release.ranges import resolve_commit

    repo = repository(root, registry)
    desired = repo.revision(resolve_commit(repo.root, "HEAD", "HEAD"))
    runner = build_target(repo, desired.registry, target, env)
    stages = Pipeline(repo, desired, runner, connect, typer.echo, smoke_progress).run()
    typer.echo(f"\n{'stage':<8} {'time':>8}  result")
    for stage in stages:
        typer.echo(f"{stage.name:<8} {stage.seconds:7.1f}s  {stage.summary}")
    ok = all(stage.ok for stage in stages)
    total = sum(stage.seconds for stage in stages)
    typer.echo(f"{'total':<8} {total:7.1f}s  {'ok' if ok else 'FAILED'}")
    if not ok:
        raise typer.Exit(EXIT_FINDINGS)
