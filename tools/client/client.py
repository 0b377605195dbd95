"""Call an endpoint as its registry entry says: URL, client timeout, redirects, 408 policy.

Modal answers a web request still running after 150 s with `303 See Other` to a URL that
waits for the same call; a client must follow it, with enough hops for its timeout. The
whole call, hops included, shares one deadline: the registry's client timeout.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from tools.core.calls import (
    BadResponse,
    ClientTimeout,
    EndpointHTTPError,
    NotJsonEndpoint,
    ServerTimeout,
    TooManyRedirects,
    UnknownEndpoint,
    Unreachable,
)
from tools.core.redact import Redactor
from tools.core.registry.model import App, Endpoint, Registry

PROXY_AUTH = {"Modal-Key": "MODAL_KEY", "Modal-Secret": "MODAL_SECRET"}


@dataclass(frozen=True)
class _Attempt:
    path: str
    timeout: float
    deadline: float  # time.monotonic() when the client's timeout runs out
    app: str | None = None  # the app's key, for a path several apps serve
    web: str | None = None  # its web function, for a path several of them serve


_REDIRECTS = {301, 302, 303, 307, 308}


class FleetClient:
    """Calls the fleet's endpoints. `base_url` sends every call to another host (a local
    deploy, a test server) while keeping the registry's paths, timeouts and policy."""

    def __init__(
        self,
        registry: Registry,
        *,
        env: str | None = None,
        base_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`environ` holds the proxy-auth credentials (MODAL_KEY, MODAL_SECRET), if any."""
        self.registry = registry
        self.env, _ = registry.environment(env)
        self.base_url = base_url.rstrip("/") if base_url else None
        source = environ or {}
        self._headers = {h: source[v] for h, v in PROXY_AUTH.items() if source.get(v)}
        # An error page may show the request's headers back: its text never holds them.
        self._mask = Redactor(source, names=PROXY_AUTH.values())
        self._http = httpx.Client(transport=transport, follow_redirects=False)

    def __repr__(self) -> str:
        # Never the proxy credentials: only whether they are set.
        return f"FleetClient(env={self.env!r}, proxy_auth={bool(self._headers)})"

    def __enter__(self) -> FleetClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url(self, path: str, app: str | None = None, web: str | None = None) -> str:
        found, endpoint = self._lookup(path, app, web)
        if self.base_url is not None:
            return f"{self.base_url}{path}"
        return self.registry.endpoint_url(found, endpoint, self.env)

    def max_redirects(self, path: str, app: str | None = None, web: str | None = None) -> int:
        """One 303 per web request limit the client timeout spans, and one more."""
        _, endpoint = self._lookup(path, app, web)
        limit = self.registry.policy.web_request_limit_s
        return math.ceil(endpoint.client_timeout_s / limit) + 1

    def call(
        self,
        path: str,
        body: Any,
        *,
        app: str | None = None,
        web: str | None = None,
        timeout_s: float | None = None,
    ) -> Any:
        """Send `body` as JSON (POST; a GET endpoint gets none) and return the decoded JSON
        answer. `app` (a registry key) names the app when several serve `path`, and `web`
        (`function` or `Class.method`) its web function when several of them do."""
        _, endpoint = self._lookup(path, app, web)
        if endpoint.method == "WEBSOCKET":
            raise NotJsonEndpoint(
                f"{path} is a WebSocket: open {self.url(path, app, web)} with a WebSocket client"
            )
        timeout = endpoint.client_timeout_s if timeout_s is None else timeout_s
        attempt = _Attempt(path, timeout, 0.0, app, web)
        try:
            return self._attempt(attempt, endpoint.method, body)
        except ServerTimeout:
            if not endpoint.idempotent:
                raise
            return self._attempt(attempt, endpoint.method, body)

    def _lookup(
        self, path: str, app: str | None = None, web: str | None = None
    ) -> tuple[App, Endpoint]:
        if app is not None:
            found = self.registry.apps.get(app)
            served = [] if found is None else found.serving(path)
            named = [e for e in served if web in (None, e.web.shown)]
            if found is None or not named:
                of = f"app {app!r}" if web is None else f"{web} of app {app!r}"
                raise UnknownEndpoint(f"no endpoint {path!r} of {of} in the registry")
            if len(named) > 1:
                shown = ", ".join(e.web.shown for e in named)
                raise UnknownEndpoint(
                    f"several web functions of app {app!r} serve {path!r} ({shown}): name one"
                )
            return found, named[0]
        owner = self.registry.app_of(path)
        if owner is None:
            served = any(a.serving(path) for a in self.registry.apps.values())
            why = "several apps serve it, or it has parameters: name the app" if served else ""
            raise UnknownEndpoint(f"no endpoint {path!r} in the registry{'; ' if why else ''}{why}")
        endpoint = self.registry.endpoint(path)
        assert endpoint is not None
        return owner, endpoint

    def _attempt(self, started: _Attempt, method: str, body: Any) -> Any:
        path, timeout, app, web = started.path, started.timeout, started.app, started.web
        attempt = _Attempt(path, timeout, time.monotonic() + timeout, app, web)
        url = self.url(path, app, web)
        content = None if method == "GET" else body
        for _ in range(self.max_redirects(path, app, web) + 1):
            response = self._send(attempt, method, url, content)
            if response.status_code not in _REDIRECTS:
                return self._result(path, url, response)
            location = response.headers.get("location")
            if not location:
                raise EndpointHTTPError(path, url, response.status_code, "no Location header")
            url = urljoin(url, location)
            if response.status_code in (301, 302, 303):
                method, content = "GET", None
        raise TooManyRedirects(
            path,
            url,
            f"more than {self.max_redirects(path, app, web)} redirects within {timeout:g} s",
        )

    def _send(self, attempt: _Attempt, method: str, url: str, body: Any) -> httpx.Response:
        remaining = attempt.deadline - time.monotonic()
        ran_out = f"the client's timeout of {attempt.timeout:g} s ran out (not a server 408)"
        if remaining <= 0:
            raise ClientTimeout(attempt.path, url, ran_out)
        headers = (
            self._headers
            if _same_host(url, self.url(attempt.path, attempt.app, attempt.web))
            else {}
        )
        try:
            return self._http.request(
                method,
                url,
                json=body if method != "GET" else None,
                headers=headers,
                timeout=httpx.Timeout(remaining),
            )
        except httpx.TimeoutException:
            raise ClientTimeout(attempt.path, url, ran_out) from None
        except (httpx.RequestError, httpx.InvalidURL) as error:
            # Refused, reset or dropped connections, bad URLs: the endpoint did not answer.
            reason = str(error) or type(error).__name__
            raise Unreachable(attempt.path, url, f"no answer ({reason})") from None

    def _result(self, path: str, url: str, response: httpx.Response) -> Any:
        if response.status_code == ServerTimeout.status:
            raise ServerTimeout(
                path,
                url,
                f"HTTP 408 from the server or Modal's proxy: {self._mask(response.text)[:200]}",
            )
        if response.status_code >= 400:
            raise EndpointHTTPError(path, url, response.status_code, self._mask(response.text))
        try:
            return response.json()
        except ValueError:
            raise BadResponse(path, url, f"HTTP {response.status_code}, body is not JSON") from None


def _same_host(url: str, origin: str) -> bool:
    """Credentials go only to the endpoint's own host, never to where a redirect points."""
    return urlsplit(url).netloc == urlsplit(origin).netloc
