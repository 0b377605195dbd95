"""Smoke tests: every endpoint's registry request, classified, timed cold and warm.

    ok              a JSON answer with decodable media of the requested size (and frames)
    http-error      any other HTTP error status
    server-timeout  HTTP 408 from Modal or its proxy (retried once when idempotent)
    client-timeout  the registry's client timeout ran out first
    bad-response    not JSON, or media that does not decode or has the wrong size

The first call of an endpoint is its cold latency, the second its warm one.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from tools.client import (
    BadResponse,
    ClientTimeout,
    EndpointError,
    EndpointHTTPError,
    FleetClient,
    ServerTimeout,
    TooManyRedirects,
)
from tools.fleet.registry.model import App, Endpoint, Registry
from tools.release.smoke_request import smoke_request

Status = Literal["ok", "http-error", "server-timeout", "client-timeout", "bad-response"]


@dataclass(frozen=True)
class SmokeResult:
    app: str
    endpoint: str
    status: Status
    detail: str
    cold_s: float | None
    warm_s: float | None
    http_status: int | None = None


def smoke_apps(
    registry: Registry,
    apps: list[App],
    base_url: Callable[[App], str | None],
    *,
    env: str | None = None,
    only: str | None = None,
    workers: int = 8,
    progress: Callable[[SmokeResult, int, int], None] | None = None,
) -> list[SmokeResult]:
    """Smoke every endpoint of `apps` concurrently; `base_url` gives each app's host (None: the
    registry's URL for `env`)."""
    jobs = [(app, path) for app in apps for path in app.endpoints if only in (None, path)]
    clients = {app.key: FleetClient(registry, env=env, base_url=base_url(app)) for app in apps}
    results: dict[tuple[str, str], SmokeResult] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
            futures = {pool.submit(smoke_endpoint, clients[a.key], a, p): (a, p) for a, p in jobs}
            for done, future in enumerate(as_completed(futures), start=1):
                app, path = futures[future]
                results[(app.key, path)] = future.result()
                if progress is not None:
                    progress(results[(app.key, path)], done, len(jobs))
    finally:
        for client in clients.values():
            client.close()
    return [results[(a.key, p)] for a, p in jobs]


def smoke_on_target(
    registry: Registry,
    root: Path,
    apps: list[App],
    target: str,
    env: str | None,
    *,
    only: str | None = None,
    echo: bool = True,
) -> list[SmokeResult]:
    """Smoke the apps where `target` serves them: the local target's ports, or Modal's URLs."""
    env_name, _ = registry.environment(env)
    urls: dict[str, str | None] = {app.key: None for app in apps}
    missing: list[SmokeResult] = []
    if target == "local":
        from tools.release.targets.local import LocalTarget

        local = LocalTarget(root, env_name)
        urls = {app.key: local.url(app) for app in apps}
        missing = [
            SmokeResult(
                app.name, path, "http-error", "not deployed on the local target", None, None
            )
            for app in apps
            if urls[app.key] is None
            for path in app.endpoints
            if only in (None, path)
        ]
    reachable = [app for app in apps if target != "local" or urls[app.key] is not None]

    def progress(result: SmokeResult, done: int, total: int) -> None:
        if echo:
            cold = f"{result.cold_s:.2f} s" if result.cold_s is not None else "-"
            print(
                f"[{done}/{total}] {result.status:<14} {result.endpoint:<26} cold {cold}",
                file=sys.stderr,
            )

    results = smoke_apps(
        registry, reachable, lambda app: urls[app.key], env=env_name, only=only, progress=progress
    )
    return missing + results


def smoke_endpoint(client: FleetClient, app: App, path: str) -> SmokeResult:
    endpoint = app.endpoints[path]
    timings: list[float] = []
    for _ in range(2):
        started = time.perf_counter()
        try:
            answer = client.call(path, smoke_request(endpoint))
        except EndpointError as error:
            return _failure(app, path, error, timings)
        timings.append(time.perf_counter() - started)
        problem = check_answer(endpoint, answer)
        if problem is not None:
            return SmokeResult(app.name, path, "bad-response", problem, *_cold_warm(timings))
    return SmokeResult(app.name, path, "ok", "", *_cold_warm(timings))


def _failure(app: App, path: str, error: EndpointError, timings: list[float]) -> SmokeResult:
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
    else:
        status = "http-error"
    return SmokeResult(app.name, path, status, str(error), *_cold_warm(timings), http_status)


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
    request = endpoint.smoke.request
    size = (request["width"], request["height"])
    try:
        frames = decode_video(answer["output"], fps=answer.get("fps") or 16)
    except MediaError:
        return "the output does not decode as an image or video"
    if any(frame.size != size for frame in frames):
        return f"the output is {frames[0].size[0]}x{frames[0].size[1]}, not {size[0]}x{size[1]}"
    if endpoint.smoke.expect == "video" and len(frames) != request.get("num_frames"):
        return f"the video has {len(frames)} frames, not {request.get('num_frames')}"
    return None


def report_json(results: list[SmokeResult]) -> dict[str, Any]:
    return {
        "ok": all(r.status == "ok" for r in results),
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
        f"| {r.app} | `{r.endpoint}` | {r.status} | {seconds(r.cold_s)} | {seconds(r.warm_s)} | "
        f"{r.detail.replace('|', '/')[:120]} |"
        for r in results
    ]
    passed = sum(r.status == "ok" for r in results)
    return f"{passed} of {len(results)} endpoints ok\n\n" + "\n".join(lines) + "\n"
