"""`fleet serve APP`: run one app's HTTP layer locally, with the tiny CPU backend."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from tools.core.errors import FleetError
from tools.fleet.options import RegistryOption, RootOption, find_apps, repository


def serve(
    app_ref: Annotated[str, typer.Argument(metavar="APP", help="Short name, Modal name or dir.")],
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one.")
    ] = 8000,
    registry: RegistryOption = None,
    root: RootOption = None,
) -> None:
    """Serve APP on 127.0.0.1 with the tiny backend (no GPU, weights or network)."""
    [app] = find_apps(repository(root, registry).registry, [app_ref])
    listener = _listen(port)
    try:
        import uvicorn

        from apps._shared.local import create_local_app
    except ImportError as error:
        raise FleetError(
            f"serving needs the apps extra: pip install -e '.[apps]' ({error})"
        ) from None

    port = listener.getsockname()[1]
    typer.echo(f"serving {app.name} ({app.dir}) with the tiny backend on 127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(create_local_app(app.dir, "tiny"), log_level="info"))
    server.run(sockets=[listener])


def _listen(port: int) -> socket.socket:
    """The listening socket, made before anything slow: a taken port is a usage error."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError as error:
        listener.close()
        raise FleetError(f"--port {port}: 127.0.0.1:{port} is taken ({error.strerror})") from None
    listener.listen(128)
    return listener
