"""What every deploy target does: check it can deploy, deploy, report live state, roll back,
stop."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from tools.core.registry.model import App, Registry

Outcome = Literal["deployed", "unchanged", "stopped", "failed"]
Log = Callable[[str], None]


@dataclass(frozen=True)
class DeployResult:
    app: str
    outcome: Outcome
    version: str | None = None
    detail: str = ""
    urls: dict[str, str] = field(default_factory=dict)  # web function -> URL it was given


@dataclass(frozen=True)
class LiveApp:
    name: str
    state: str  # "deployed", "starting", "stopped", "degraded", "disabled", ...
    version: str | None = None
    tag: str | None = None
    commit: str | None = None  # as the target records it: Modal appends `*` for a dirty tree
    deployed_by: str | None = None  # who deployed it, where the target records that
    detail: str = ""  # what the target knows beyond the state (a gone process, say)
    # The commit of a newer version that was live and was rolled back from: the live version
    # is an older one made live again.
    rolled_back_from: str | None = None


class Target(Protocol):
    """Where apps run: built once per command (`tools.fleet.options`) and passed down."""

    name: str  # for people: "local", "modal"
    env: str  # the environment it deploys to

    def base_url(self, registry: Registry, app: App) -> str | None:
        """Where the app's endpoints answer on this target (paths are appended), or None when
        the target knows it does not serve the app."""
        ...

    def preflight(self, registry: Registry, apps: list[App]) -> None:
        """Raise a FleetError, one problem a line, when deploying `apps` cannot work (no
        credentials, a missing secret): called before anything deploys."""
        ...

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        """Make `commit` of `app` the live version."""
        ...

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        """Every app the target runs, registered or not; with `only`, the apps of those names."""
        ...

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        """Make `version` (or the previous one) live again."""
        ...

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        """Stop serving the app: outcome `stopped`, or `failed` with the reason."""
        ...

    def cancel(self) -> None:
        """End the deploys and rollbacks under way, from another thread (an interrupt): each
        stops what it started that is not yet live and returns `failed`."""
        ...
