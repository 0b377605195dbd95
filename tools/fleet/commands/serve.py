"""`fleet serve APP`: run one app's HTTP layer locally, with the tiny CPU backend."""

from __future__ import annotations

from typing import Annotated

import typer

from tools.core.errors import FleetError
from tools.fleet.options import RegistryOption, open_registry


def serve(
    app_ref: Annotated[str, typer.Argument(metavar="APP", help="Short name, Modal name or dir.")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1; 0 picks a free one.")] = 8000,
    registry: RegistryOption = None,
) -> None:
    """Serve APP on 127.0.0.1 with the tiny backend (no GPU, weights or network)."""
    loaded, _ = open_registry(registry)
    app = loaded.find_app(app_ref)
    if app is None:
        known = ", ".join(loaded.apps)
        raise FleetError(f"unknown app {app_ref!r} (known: {known})")
    try:
        import uvicorn

        from apps._shared.local import create_local_app
    except ImportError as error:
        raise FleetError(
            f"serving needs the apps extra: pip install -e '.[apps]' ({error})"
        ) from None

    typer.echo(f"serving {app.name} ({app.dir}) with the tiny backend on 127.0.0.1:{port}")
    uvicorn.run(create_local_app(app.dir, "tiny"), host="127.0.0.1", port=port, log_level="info")
