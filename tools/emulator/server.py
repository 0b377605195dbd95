"""The emulator served on 127.0.0.1, its state kept in a folder, and the environment a `modal`
CLI needs to talk to it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

from tools.emulator import state as states
from tools.emulator.servicer import Emulator, servicer

HOST = "127.0.0.1"


def environment_for(port: int, folder: Path, user: str) -> dict[str, str]:
    """The variables that point the `modal` CLI at the emulator, as `user`."""
    return {
        "MODAL_SERVER_URL": f"http://{HOST}:{port}",
        "MODAL_TOKEN_ID": states.token_id(user),
        "MODAL_TOKEN_SECRET": states.token_secret(user),
        "MODAL_CONFIG_PATH": str(folder / "modal.toml"),
    }


def open_state(
    folder: Path, workspace: str, users: list[str], seed: states.Seed | None = None
) -> states.State:
    """The state kept in `folder`, with `users` allowed in and what `seed` names; a new one
    when there is none."""
    state = states.load(folder) or states.new_state(workspace, users)
    if seed is not None:
        states.seed(state, seed)
    for user in users:
        state.users[states.token_id(user)] = user
        state.secrets_of_tokens[states.token_id(user)] = states.token_secret(user)
    states.save(folder, state)
    return state


def listen(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:`port` (0: any free one); OSError when it is taken."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
    except OSError:
        listener.close()
        raise
    return listener


def serve(
    folder: Path,
    *,
    listener: socket.socket,
    workspace: str,
    users: list[str],
    seed: states.Seed | None = None,
    ready: Callable[[int], None],
) -> None:
    """Serve on `listener` until interrupted; `ready(port)` is called once it listens."""
    import grpclib.server

    emulator = Emulator(folder, open_state(folder, workspace, users, seed))

    async def run() -> None:
        server = grpclib.server.Server([servicer(emulator)])
        await server.start(sock=listener)
        ready(int(listener.getsockname()[1]))
        await server.wait_closed()

    asyncio.run(run())
