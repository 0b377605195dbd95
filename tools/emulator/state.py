"""What the emulator keeps, as Modal keeps it: environments, secrets, volumes, apps and their
version histories, the objects a deploy creates, and who holds each web label. It is one JSON
document in the emulator's folder (`tools.core.serial`), written atomically after each change.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from tools.core import serial
from tools.core.fs import write_text_atomic

STATE_FILE = "state.json"
DEFAULT_ENVIRONMENT = "main"


@dataclass
class Version:
    """One deployment of an app, as `modal app history` shows it."""

    version: int
    deployed_at: float
    client: str
    deployed_by: str
    tag: str
    commit: str | None  # the 40-character hash
    dirty: bool
    layout: dict[str, dict[str, str]]  # "functions"/"classes" -> tag -> object id
    definition: str  # a digest of what was deployed: the same digest, no change
    urls: dict[str, str]  # web function -> URL
    rollback_of: int | None = None


@dataclass
class App:
    app_id: str
    name: str
    environment: str
    created_at: float
    state: str = "initializing"  # initializing, deployed, stopped
    stopped_at: float | None = None
    versions: list[Version] = field(default_factory=list)
    live: int | None = None  # the version that serves

    def version(self, number: int | None) -> Version | None:
        return next((v for v in self.versions if v.version == number), None)


@dataclass
class Named:
    """A secret or a volume: an object with a name in an environment."""

    object_id: str
    created_at: float
    keys: list[str] = field(default_factory=list)


@dataclass
class State:
    workspace: str
    users: dict[str, str]  # token id -> user name
    secrets_of_tokens: dict[str, str]  # token id -> token secret
    environments: dict[str, str] = field(default_factory=dict)  # name -> web suffix
    environment_ids: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, dict[str, Named]] = field(default_factory=dict)  # env -> name -> secret
    volumes: dict[str, dict[str, Named]] = field(default_factory=dict)
    apps: dict[str, App] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # env -> label -> app id
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> what it was made of
    files: set[str] = field(default_factory=set)  # sha256 of every mounted file sent
    counter: int = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:06d}"

    def add_environment(self, name: str, web_suffix: str) -> None:
        self.environments[name] = web_suffix
        self.environment_ids[name] = self.new_id("en")

    def add_secret(self, environment: str, name: str, keys: list[str]) -> Named:
        secret = Named(self.new_id("st"), now(), sorted(keys))
        self.secrets.setdefault(environment, {})[name] = secret
        return secret

    def add_volume(self, environment: str, name: str) -> Named:
        volume = Named(self.new_id("vo"), now())
        self.volumes.setdefault(environment, {})[name] = volume
        return volume

    def app_named(self, environment: str, name: str) -> App | None:
        """The app of that name in that environment that was ever deployed."""
        return next(
            (
                app
                for app in self.apps.values()
                if app.environment == environment and app.name == name and app.versions
            ),
            None,
        )


def new_state(workspace: str, users: list[str]) -> State:
    state = State(
        workspace=workspace,
        users={token_id(user): user for user in users},
        secrets_of_tokens={token_id(user): token_secret(user) for user in users},
    )
    state.add_environment(DEFAULT_ENVIRONMENT, "")
    return state


class Seed(NamedTuple):
    """What a fleet needs before its first deploy: environments (name -> web suffix), each
    holding the secrets (without keys) and the volumes."""

    environments: dict[str, str]
    secrets: list[str]
    volumes: list[str]


def seed(state: State, wanted: Seed) -> None:
    """Add what `wanted` names and `state` lacks."""
    environments, secrets, volumes = wanted
    for name, suffix in environments.items():
        if name not in state.environments:
            state.add_environment(name, suffix)
        for secret in secrets:
            if secret not in state.secrets.get(name, {}):
                state.add_secret(name, secret, [])
        for volume in volumes:
            if volume not in state.volumes.get(name, {}):
                state.add_volume(name, volume)


def token_id(user: str) -> str:
    return f"ak-emulator-{user}"


def token_secret(user: str) -> str:
    return f"as-emulator-{user}"


def load(folder: Path) -> State | None:
    """The state kept in `folder`, or None when there is none yet."""
    path = folder / STATE_FILE
    if not path.is_file():
        return None
    state: State = serial.decode(State, json.loads(path.read_text(encoding="utf-8")))
    return state


def save(folder: Path, state: State) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / STATE_FILE, json.dumps(serial.encode(state)) + "\n")


def now() -> float:
    return time.time()
