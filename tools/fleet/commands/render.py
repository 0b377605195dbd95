"""`fleet render`: write the files generated from the registry, or check that they are current."""

from __future__ import annotations

from typing import Annotated

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.options import RegistryOption, RootOption, repository


def render(
    registry: RegistryOption = None,
    root: RootOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file is not current.")
    ] = False,
) -> None:
    """Write docs/ENDPOINTS.md, clients/typescript/endpoints.ts and registry/endpoints.json."""
    from tools.core.fs import read_in_repository, rewrite_in_repository
    from tools.core.render.files import GENERATED, written_by_fleet

    repo = repository(root, registry)
    loaded = repo.registry
    stale = []
    for generated in GENERATED:
        wanted = generated.render(loaded)
        present = read_in_repository(repo.root, generated.path)
        if present == wanted:
            continue
        if not written_by_fleet(present):
            typer.echo(f"{generated.path}: not written by `fleet render`; left alone")
            continue
        stale.append(generated.path)
        if not check:
            rewrite_in_repository(repo.root, generated.path, wanted)
    for name in stale:
        typer.echo(f"{name}: {'stale; run `fleet render`' if check else 'written'}")
    if not stale:
        typer.echo("generated files are current")
    if check and stale:
        raise typer.Exit(EXIT_FINDINGS)
