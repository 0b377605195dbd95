"""`fleet registry validate | show | urls | schema`: read and export the fleet registry."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tools.core.errors import EXIT_FINDINGS
from tools.fleet.options import EnvOption, JsonOption, RegistryOption, RootOption, repository

app = typer.Typer(
    help="Validate, show and export the fleet registry.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.command()
def validate(registry: RegistryOption = None, root: RootOption = None) -> None:
    """Check the registry; print `file:line: message` for every problem (exit 2)."""
    from tools.core.repository import display_path

    repo = repository(root, registry)
    loaded = repo.registry
    endpoints = sum(len(a.served) for a in loaded.apps.values())
    typer.echo(
        f"{display_path(repo.registry_path)}: ok ({len(loaded.apps)} apps, {endpoints} "
        f"endpoints, {len(loaded.environments)} environments)"
    )


@app.command()
def show(
    registry: RegistryOption = None,
    root: RootOption = None,
    env: EnvOption = None,
    json_: JsonOption = False,
) -> None:
    """Print every app and endpoint with its URL and timeouts."""
    from tools.core.registry.views import describe

    loaded = repository(root, registry).registry
    view = describe(loaded, env)
    if json_:
        typer.echo(json.dumps(view, indent=2))
        return
    typer.echo(f"workspace {view['workspace']}, environment {view['environment']}")
    for app_view in view["apps"]:
        typer.echo(
            f"\n{app_view['name']} ({app_view['key']})  {app_view['entry']}  "
            f"gpu {app_view['gpu']}  server timeout {app_view['server_timeout_s']} s"
        )
        rows = [
            (e["path"], e["kind"], f"{e['client_timeout_s']} s", e["url"])
            for e in app_view["endpoints"]
        ]
        typer.echo(_table(rows, indent="  "))


@app.command()
def urls(registry: RegistryOption = None, root: RootOption = None, env: EnvOption = None) -> None:
    """Print the URL of every endpoint in one environment."""
    loaded = repository(root, registry).registry
    name, _ = loaded.environment(env)
    rows = [
        (path, app.name, loaded.endpoint_url(app, endpoint, name))
        for app, path, endpoint in loaded.endpoints()
    ]
    typer.echo(_table(rows))


@app.command()
def schema(
    registry: RegistryOption = None,
    root: RootOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the checked-in schema is stale.")
    ] = False,
) -> None:
    """Write the JSON Schema beside the registry (registry/fleet.schema.json)."""
    from tools.core.fs import read_in_repository, rewrite_in_repository
    from tools.core.registry.schema import render_schema
    from tools.core.repository import display_path

    repo = repository(root, registry)
    target = repo.schema_path
    folder = repo.root if target.is_relative_to(repo.root) else target.parent
    relative = target.relative_to(folder).as_posix()
    wanted = render_schema()
    current = read_in_repository(folder, relative)
    if current == wanted:
        typer.echo(f"{display_path(target)}: up to date")
        return
    if check:
        typer.echo(f"{display_path(target)}: stale; run `fleet registry schema`", err=True)
        raise typer.Exit(EXIT_FINDINGS)
    rewrite_in_repository(folder, relative, wanted)
    typer.echo(f"{display_path(target)}: written")


def _table(rows: list[tuple[str, ...]], indent: str = "") -> str:
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        indent
        + "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    )
