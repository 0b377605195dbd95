"""`fleet emulate`: Modal's API on 127.0.0.1, for the real `modal` CLI, offline."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from tools.core.errors import FleetError
from tools.fleet.options import RegistryOption, RootOption, repository

DEFAULT_STATE = Path(".fleet") / "emulator"


def emulate(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one.")
    ] = 0,
    state: Annotated[
        Path,
        typer.Option(
            "--state", file_okay=False, help="The folder the emulator keeps its state in."
        ),
    ] = DEFAULT_STATE,
    workspace: Annotated[
        str | None,
        typer.Option(
            help="The workspace: what web URLs start with, before `--`. "
            "Default: the registry's, else fleet.",
            show_default=False,
        ),
    ] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(
            "--user", help="A user with a token (repeat for several); the first one's is printed."
        ),
    ] = None,
    seed: Annotated[
        bool,
        typer.Option(
            "--seed",
            help="Create the registry's environments, and each app's secrets (without "
            "values) and volumes in every one, so that fleet's deploys pass preflight.",
        ),
    ] = False,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", dir_okay=False, help="Also write the variables to this file."),
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Serve an emulator of Modal's control plane: `modal deploy`, `app list`, `app history`,
    `app rollback`, `app stop`, secrets, volumes and environments work against it, and
    nothing runs. Prints the variables that point `modal` (and fleet's Modal target) at it;
    the state persists in --state. Ctrl-C stops it."""
    from tools.core import redact
    from tools.core.fs import write_output
    from tools.emulator.server import environment_for, listen, serve
    from tools.emulator.state import Seed

    users = user or ["ci"]
    wanted = None
    if seed:
        fleet = repository(root, registry).registry
        wanted = Seed(
            {name: env.web_suffix for name, env in fleet.environments.items()},
            sorted({name for app in fleet.apps.values() for name in app.secrets}),
            sorted({name for app in fleet.apps.values() for name in app.volumes}),
        )
        workspace = workspace or fleet.workspace
    if workspace is None:
        workspace = _registry_workspace(root, registry)
    folder = state.resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FleetError(f"--state {state}: {error.strerror}") from None

    def ready(bound: int) -> None:
        variables = environment_for(bound, folder, users[0])
        # The emulator's tokens are what this command is for, and no secret (a user's name
        # gives them): they print as they are, whatever else stays masked.
        redact.use(redact.active().without(variables.values()))
        lines = [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]
        if env_file is not None:
            write_output(env_file, "".join(f"{n}={v}\n" for n, v in variables.items()), secret=True)
        typer.echo("\n".join(lines), nl=True)
        typer.echo(f"# the fleet emulator serves on 127.0.0.1:{bound}; Ctrl-C stops it", err=True)

    try:
        listener = listen(port)
    except OSError as error:
        raise FleetError(f"--port {port}: 127.0.0.1:{port} is taken ({error.strerror})") from None
    try:
        serve(folder, listener=listener, workspace=workspace, users=users, seed=wanted, ready=ready)
    except OSError as error:
        raise FleetError(f"--state {state}: {error.strerror}") from None


def _registry_workspace(root: Path | None, registry: Path | None) -> str:
    """The registry's workspace where there is a registry; `fleet` where there is none."""
    try:
        return repository(root, registry).registry.workspace
    except FleetError:
        if root is not None or registry is not None:
            raise
        return "fleet"
