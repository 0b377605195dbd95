"""`fleet call ENDPOINT --data JSON|@file`: call one endpoint as the registry says."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError
from tools.fleet.options import EnvOption, RegistryOption, RootOption, repository


def call(
    endpoint: Annotated[str, typer.Argument(help="An endpoint path, e.g. /flux.")],
    data: Annotated[
        str, typer.Option("--data", "-d", help="The JSON body, or @FILE to read it from a file.")
    ] = "{}",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the decoded output (PNG or WebP) to this file."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Call this base URL instead of the registry's (e.g. local)."),
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
    env: EnvOption = None,
) -> None:
    """POST to ENDPOINT with its client timeout, following Modal's 303s; 408s and client
    timeouts are told apart. Credentials for proxy auth come from MODAL_KEY and MODAL_SECRET."""
    from tools.client import EndpointError, FleetClient, UnknownEndpoint

    if url is not None:
        _check_url(url)
    loaded = repository(root, registry).registry
    body = _body(data)
    try:
        with FleetClient(loaded, env=env, base_url=url, environ=os.environ) as client:
            answer = client.call(endpoint, body)
    except UnknownEndpoint as error:
        raise FleetError(str(error)) from None
    except EndpointError as error:
        typer.echo(f"fleet: {error}", err=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    if out is None:
        typer.echo(json.dumps(answer, indent=2))
        return
    _write_output(answer, out)


def _check_url(url: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise FleetError(f"--url {url!r}: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FleetError(f"--url {url!r}: give an http:// or https:// URL with a host")


def _body(data: str) -> Any:
    text = data
    if data.startswith("@"):
        from tools.core.fs import read_document

        text = read_document(data[1:], f"--data {data}")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        raise FleetError(f"--data: not JSON ({error})") from None


def _write_output(answer: Any, out: Path) -> None:
    output = answer.get("output") if isinstance(answer, dict) else None
    if not isinstance(output, str):
        raise FleetError("the answer has no base64 `output` to write")
    from tools.core.fs import write_output

    try:
        media = base64.b64decode(output, validate=True)
    except ValueError:  # binascii.Error: the server's answer, not the user's input
        typer.echo("fleet: the answer's `output` is not base64", err=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    write_output(out, media)
    summary = {k: answer.get(k) for k in ("media_type", "width", "height", "frames", "seed")}
    typer.echo(f"{out}: " + ", ".join(f"{k} {v}" for k, v in summary.items() if v is not None))
