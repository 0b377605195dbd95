"""Smoke tests: every endpoint's registry request, classified, timed cold and warm.

    ok                a JSON answer with decodable media of the requested size (and frames)
    http-error        any other HTTP error status
    server-timeout    HTTP 408 from Modal or its proxy (retried once when idempotent)
    client-timeout    the registry's client timeout ran out first
    bad-response      not JSON, or media that does not decode or has the wrong size
    connection-error  no answer: a refused, reset or dropped connection
    not-deployed      the target does not serve the app
    error             anything else went wrong calling or checking (the exception named)

The first call of an endpoint is its cold latency, the second its warm one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from tools.core.calls import (
    BadResponse,
    Caller,
    ClientTimeout,
    EndpointError,
    EndpointHTTPError,
    ServerTimeout,
    TooManyRedirects,
    Unreachable,
)
from tools.core.errors import FleetError, said
from tools.core.registry.model import App, Endpoint, Registry
from tools.release.smoke_request import smoke_request

if TYPE_CHECKING:
    from tools.release.targets.base import Target

Status = Literal[
    "ok",
    "http-error",
    "server-timeout",
    "client-timeout",
    "bad-response",
    "connection-error",
    "not-deployed",
    "error",
    "untested",  # no smoke request in the registry yet: reported, never a failure
]
Connect = Callable[[Registry, str, "str | None"], Caller]
"""A caller of the registry's endpoints in an environment, sent to a base URL (None: the
registry's own URL for that environment)."""


@dataclass(frozen=True)
class SmokeResult:
    app: str
    endpoint: str
    status: Status
    detail: str
    cold_s: float | None
    warm_s: float | None
    http_status: int | None = None
    web: str = ""  # the web function serving it, where its app has several

    @property
    def failed(self) -> bool:
        """Anything but an answer that passed, or an endpoint with no smoke request yet."""
        return self.status not in ("ok", "untested")


Progress = Callable[[SmokeResult, int, int], None]


def smoke_apps(
    registry: Registry,
    apps: list[App],
    connect: Connect,
    *,
    env: str,
    base_url: Callable[[App], str | None] = lambda _: None,
    only: str | None = None,
    workers: int = 8,
    progress: Progress | None = None,
) -> list[SmokeResult]:
    """Smoke every endpoint of `apps` concurrently; `base_url` gives each app's host (None: the
    registry's URL for `env`). Whatever goes wrong is a result, never an exception."""
    jobs = [(app, e) for app in apps for e in app.served if only in (None, e.path)]
    callers: dict[str, Caller] = {}
    results: dict[int, SmokeResult] = {}  # by id() of the endpoint
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
            futures = {}
            for app, endpoint in jobs:
                try:
                    if app.key not in callers:
                        callers[app.key] = connect(registry, env, base_url(app))
                except Exception as error:
                    results[id(endpoint)] = _crash(app, endpoint, error, [])
                    continue
                caller = callers[app.key]
                futures[pool.submit(smoke_endpoint, caller, app, endpoint)] = endpoint
            for done, future in enumerate(as_completed(futures), start=1):
                result = results[id(futures[future])] = future.result()
                if progress is not None:
                    progress(result, done, len(futures))
    finally:
        for caller in callers.values():
            with contextlib.suppress(Exception):
                caller.close()
    return [results[id(e)] for _, e in jobs]


def smoke_on_target(
    registry: Registry,
    target: Target,
    apps: list[App],
    connect: Connect,
    *,
    only: str | None = None,
    progress: Progress | None = None,
) -> list[SmokeResult]:
    """Smoke the apps where `target` serves them; an app it does not serve fails as such, and
    one whose address the target cannot tell fails with the reason. An app served at the
    registry's own URL is called through the registry's URLs: one host per web function."""
    urls: dict[str, str | None] = {}
    unknown: list[SmokeResult] = []
    for app in apps:
        try:
            urls[app.key] = target.base_url(registry, app)
        except Exception as error:
            unknown += [_crash(app, e, error, []) for e in app.served if only in (None, e.path)]
    apps = [app for app in apps if app.key in urls]
    served = [app for app in apps if urls[app.key] is not None]
    missing = [
        _result(app, e, "not-deployed", f"not deployed on {target.name}")
        for app in apps
        if urls[app.key] is None
        for e in app.served
        if only in (None, e.path)
    ]

    def base_url(app: App) -> str | None:
        url = urls[app.key]
        return None if url == registry.url(app, env=target.env) else url

    results = smoke_apps(
        registry,
        served,
        connect,
        env=target.env,
        base_url=base_url,
        only=only,
        progress=progress,
    )
    return unknown + missing + results


def smoke_endpoint(caller: Caller, app: App, endpoint: Endpoint) -> SmokeResult:
    if endpoint.method == "WEBSOCKET":
        return _result(app, endpoint, "untested", "a WebSocket: no JSON request to send")
    if endpoint.smoke is None:
        return _result(app, endpoint, "untested", "no smoke request in the registry")
    web = endpoint.web.shown if len(app.webs) > 1 else None
    timings: list[float] = []
    for _ in range(2):
        started = time.perf_counter()
        try:
            answer = caller.call(endpoint.path, smoke_request(endpoint), app=app.key, web=web)
            timings.append(time.perf_counter() - started)
            problem = check_answer(endpoint, answer)
        except EndpointError as error:
            return _failure(app, endpoint, error, timings)
        except Exception as error:  # a failure of any kind is a failed smoke test
            return _crash(app, endpoint, error, timings)
        if problem is not None:
            return _result(app, endpoint, "bad-response", problem, timings)
    return _result(app, endpoint, "ok", "", timings)


def _result(
    app: App,
    endpoint: Endpoint,
    status: Status,
    detail: str,
    timings: list[float] | None = None,
    *,
    http_status: int | None = None,
) -> SmokeResult:
    web = endpoint.web.shown if len(app.webs) > 1 else ""
    cold, warm = _cold_warm(timings or [])
    return SmokeResult(app.name, endpoint.path, status, detail, cold, warm, http_status, web)


def _failure(
    app: App, endpoint: Endpoint, error: EndpointError, timings: list[float]
) -> SmokeResult:
    status: Status
    http_status = None
    if isinstance(error, ServerTimeout):
        status, http_status = "server-timeout", 408
    elif isinstance(error, ClientTimeout):
        status = "client-timeout"
    elif isinstance(error, EndpointHTTPError):
        status, http_status = "http-error", error.status
    elif isinstance(error, BadResponse | TooManyRedirects):
        status = "bad-response"
    elif isinstance(error, Unreachable):
        status = "connection-error"
    else:
        status = "http-error"
    return _result(app, endpoint, status, str(error), timings, http_status=http_status)


def _crash(app: App, endpoint: Endpoint, error: Exception, timings: list[float]) -> SmokeResult:
    # A known problem (FleetError) is said as it is; anything else with its type.
    detail = str(error).partition("\n")[0] if isinstance(error, FleetError) else said(error)
    status: Status = "connection-error" if isinstance(error, OSError) else "error"
    return _result(app, endpoint, status, detail, timings)


def _cold_warm(timings: list[float]) -> tuple[float | None, float | None]:
    rounded = [round(t, 3) for t in timings]
    return (rounded[0] if rounded else None, rounded[1] if len(rounded) > 1 else None)


def check_answer(endpoint: Endpoint, answer: Any) -> str | None:
    """What is wrong with an answer, or None: decodable media of the requested size.

    Decoding is the apps' own (`apps._shared.media`): what a smoke test accepts is exactly
    what the apps produce, merged identical video frames included.
    """
    from apps._shared.media import MediaError, decode_video

    if not isinstance(answer, dict) or not isinstance(answer.get("output"), str):
        return "the answer has no base64 `output`"
    smoke = endpoint.smoke
    assert smoke is not None  # an endpoint without a smoke request is never called
    request = smoke.request
    size = (request["width"], request["height"])
    try:
        frames = decode_video(answer["output"], fps=answer.get("fps") or 16)
    except MediaError:
        return "the output does not decode as an image or video"
    if any(frame.size != size for frame in frames):
        return f"the output is {frames[0].size[0]}x{frames[0].size[1]}, not {size[0]}x{size[1]}"
    if smoke.expect == "video" and len(frames) != request.get("num_frames"):
        return f"the video has {len(frames)} frames, not {request.get('num_frames')}"
    return None


def report_json(results: list[SmokeResult]) -> dict[str, Any]:
    return {
        "ok": not any(r.failed for r in results),
        "results": [asdict(r) for r in results],
    }


def report_markdown(results: list[SmokeResult]) -> str:
    def seconds(value: float | None) -> str:
        return "" if value is None else f"{value:.2f} s"

    lines = [
        "| app | endpoint | result | cold | warm | detail |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.app} | `{r.endpoint}`{f' ({r.web})' if r.web else ''} | {r.status} | "
        f"{seconds(r.cold_s)} | {seconds(r.warm_s)} | "
        f"{r.detail.replace('|', '/')[:120]} |"
        for r in results
    ]
    passed = sum(r.status == "ok" for r in results)
    return f"{passed} of {len(results)} endpoints ok\n\n" + "\n".join(lines) + "\n"
