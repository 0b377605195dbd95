"""Generated Markdown blocks, kept current by `fleet check` (FL008) and `fleet check --fix`.

    <!-- fleet:begin endpoints env=staging -->
    ...generated...
    <!-- fleet:end endpoints -->

Each block is a pure function of the registry and the block's arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.core.registry.model import Registry

BLOCK = re.compile(
    r"<!--\s*fleet:begin\s+(?P<name>[\w-]+)(?P<args>(?:\s+[\w-]+=[\w.-]+)*)\s*-->\n"
    r"(?P<body>.*?)"
    r"<!--\s*fleet:end\s+(?P=name)\s*-->",
    re.DOTALL,
)
BEGIN = re.compile(r"<!--\s*fleet:begin\s+(?P<name>[\w-]+)")
NOTE = "<!-- Generated from registry/fleet.yaml; `fleet check --fix` rewrites it. -->\n"


def _endpoints(registry: Registry, args: dict[str, str]) -> str:
    env, _ = registry.environment(args.get("env"))
    rows = [
        "| endpoint | app | URL | client timeout | server timeout | kind |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        f"| `{path}` | {app.name} | {registry.url(app, path, env)} | "
        f"{endpoint.client_timeout_s} s | {app.timeout_s} s | {endpoint.kind} |"
        for app, path, endpoint in registry.endpoints()
    ]
    return NOTE + "\n".join(rows) + "\n"


def _apps(registry: Registry, _args: dict[str, str]) -> str:
    rows = ["| app | folder | GPU | server timeout | endpoints |", "|---|---|---|---|---|"]
    rows += [
        f"| {app.name} | `{app.dir}` | {', '.join(app.gpus)} | {app.timeout_s} s | "
        f"{', '.join(f'`{p}`' for p in app.endpoints)} |"
        for app in registry.apps.values()
    ]
    return NOTE + "\n".join(rows) + "\n"


RENDERERS: dict[str, Callable[[Registry, dict[str, str]], str]] = {
    "endpoints": _endpoints,
    "apps": _apps,
}


def arguments(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split())


def render_block(registry: Registry, name: str, args: dict[str, str]) -> str | None:
    renderer = RENDERERS.get(name)
    return None if renderer is None else renderer(registry, args)
