"""Calling an endpoint: the contract between what calls (`tools.client`) and what judges the
answers (`tools.release.smoke`), and what can go wrong, each error with the endpoint and URL.
"""

from __future__ import annotations

from typing import Any, Protocol

BODY_EXCERPT = 300


class Caller(Protocol):
    """Calls the endpoints of one app as the registry describes them."""

    def call(self, path: str, body: Any, *, app: str | None = None, web: str | None = None) -> Any:
        """Send `body` as JSON to the endpoint at `path` (of the app with key `app`, and of
        its web function `web`, when given); the decoded JSON answer, or an `EndpointError`."""
        ...

    def close(self) -> None: ...


class EndpointError(Exception):
    def __init__(self, endpoint: str, url: str, message: str) -> None:
        self.endpoint = endpoint
        self.url = url
        super().__init__(f"{endpoint} ({url}): {message}")


class UnknownEndpoint(LookupError):
    """The registry serves no such path."""


class NotJsonEndpoint(LookupError):
    """The registry's endpoint takes no JSON request (a WebSocket)."""


class ServerTimeout(EndpointError):
    """408 from Modal or its proxy: the server side gave up, not this client."""

    status = 408


class ClientTimeout(EndpointError):
    """This client's own timeout (the registry's client timeout) ran out first."""


class TooManyRedirects(EndpointError):
    """More 303 hops than the endpoint's timeout allows for."""


class EndpointHTTPError(EndpointError):
    """Any other HTTP error status."""

    def __init__(self, endpoint: str, url: str, status: int, body: str) -> None:
        self.status = status
        self.body = body[:BODY_EXCERPT]
        super().__init__(endpoint, url, f"HTTP {status}: {self.body}")


class BadResponse(EndpointError):
    """A success status with a body that is not JSON."""


class Unreachable(EndpointError):
    """No answer: the connection was refused, reset or dropped, or the URL cannot be called."""
