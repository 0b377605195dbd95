"""The draft `fleet init` renders: each value with why it was guessed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tools.core.registry import modal_names


class Noted(NamedTuple):
    """A drafted value and the comment written beside it; `guessed` when the code did not say
    it. A value of None is not written: only its comment is."""

    value: object
    note: str = ""
    guessed: bool = False


def guess(value: object, why: str) -> Noted:
    return Noted(value, why, True)


@dataclass
class DraftEndpoint:
    path: Noted  # the path, and why it was guessed when the code names none
    method: Noted
    kind: Noted
    client_timeout_s: Noted
    idempotent: Noted
    auxiliary: Noted | None = None


@dataclass
class DraftFunction:
    name: str
    gpu: Noted | None
    timeout_s: Noted


@dataclass
class DraftWeb:
    """A web function: the class and method, or the function; what its decorators say."""

    cls: str | None
    method: str | None
    function: str | None
    label: str | None = None
    requires_proxy_auth: bool = False
    note: Noted | None = None  # a guess or a warning about the web function
    gpu: Noted | None = None  # its @app.cls or @app.function's gpu=; None for a CPU container
    timeout_s: Noted | None = None
    endpoints: list[DraftEndpoint] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)  # variables set to its URL

    @property
    def target(self) -> str:
        """The decorated class or function."""
        return self.cls or self.function or ""

    @property
    def shown(self) -> str:
        """`function`, or `Class.method`, as `modal deploy` names it."""
        return self.function or f"{self.cls}.{self.method}"

    def derived_label(self, app_name: str) -> str:
        """The URL label Modal derives from the names, whatever `label` says."""
        parts = (self.cls, self.method) if self.cls and self.method else (self.function or "",)
        return modal_names.default_label(app_name, *parts)


@dataclass
class DraftApp:
    key: str
    name: Noted
    dir: str
    entry: str
    # Its web functions, the one describing most first: one is written as the app's own
    # gpu, timeout_s, web and endpoints; several as a list of them under web.
    webs: list[DraftWeb] = field(default_factory=list)
    functions: list[DraftFunction] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    notes: list[Noted] = field(default_factory=list)  # comments on the app as a whole
    undescribed: list[str] = field(default_factory=list)  # routes left out
    # The key of an earlier app with the same Modal name: this one is written commented out
    # (Modal deploys both files as one app; the registry holds a name once).
    copy_of: str | None = None

    @property
    def endpoints(self) -> list[DraftEndpoint]:
        """Every endpoint of every web function."""
        return [endpoint for web in self.webs for endpoint in web.endpoints]

    def noted(self) -> Iterator[Noted]:
        """Every drafted value with a comment, and the app's own comments."""
        yield self.name
        for web in self.webs:
            yield from (v for v in (web.gpu, web.timeout_s, web.note) if v is not None)
            for endpoint in web.endpoints:
                yield from (endpoint.path, endpoint.method, endpoint.kind)
                yield from (endpoint.client_timeout_s, endpoint.idempotent)
                if endpoint.auxiliary is not None:
                    yield endpoint.auxiliary
        for function in self.functions:
            yield from (v for v in (function.gpu, function.timeout_s) if v is not None)
        yield from self.notes


@dataclass
class Draft:
    workspace: Noted
    apps: list[DraftApp]
    skipped: dict[str, str]  # Python file -> why it was not read

    @property
    def guessed(self) -> int:
        """Guesses to review, each written with a `# guessed:` comment: values, and values the
        code hides (a secret whose name is not a constant)."""
        values = [self.workspace, *(n for app in self.apps for n in app.noted())]
        return sum(1 for n in values if n.guessed)

    @property
    def not_described(self) -> int:
        return sum(len(app.undescribed) for app in self.apps)


def seconds_of(timeout: Noted | None) -> int:
    value = timeout.value if timeout is not None else None
    return value if isinstance(value, int) else modal_names.DEFAULT_TIMEOUT_S
