"""Generated Markdown blocks, kept current by `fleet check` (FL008) and `fleet check --fix`.

    <!-- fleet:begin endpoints env=staging -->
    ...generated...
    <!-- fleet:end endpoints -->

Each block is a pure function of the registry and the block's arguments.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tools.core.registry.model import Registry

# The markers are found in one pass and paired afterwards: a pattern that scanned ahead from
# each begin for its end took time quadratic in the number of begins without one.
_OPEN = r"<!--\s*fleet:"
BEGIN = re.compile(_OPEN + r"begin\s+(?P<name>[\w-]+)")
_MARKER = re.compile(
    _OPEN + r"(?:begin\s+(?P<begin>[\w-]+)(?P<args>(?:\s+[\w-]+=[\w.-]+)*)\s*-->\n"
    r"|end\s+(?P<end>[\w-]+)\s*-->)"
)


class Block(NamedTuple):
    name: str
    args: str  # as written: ` env=staging`
    start: int  # of `<!--` of the begin marker
    body_start: int
    body_end: int  # where the end marker starts


def blocks(text: str) -> list[Block]:
    """Each well-formed block: a begin marker that ends its line, the body, and the first end
    marker of the same name after it; a begin inside a block's body is part of the body."""
    begins: list[re.Match[str]] = []
    ends: dict[str, list[int]] = {}
    for marker in _MARKER.finditer(text):
        if marker["begin"] is not None:
            begins.append(marker)
        else:
            ends.setdefault(marker["end"], []).append(marker.start())
    found: list[Block] = []
    after = 0  # the end of the last block: begins before it are inside its body
    for begin in begins:
        if begin.start() < after:
            continue
        candidates = ends.get(begin["begin"], [])
        i = bisect.bisect_left(candidates, begin.end())
        if i == len(candidates):
            continue  # no end: reported by whoever asks for unclosed begins
        end = candidates[i]
        found.append(Block(begin["begin"], begin["args"], begin.start(), begin.end(), end))
        after = text.index("-->", end) + 3
    return found


NOTE = "<!-- Generated from the fleet registry; `fleet check --fix` rewrites it. -->\n"


def _endpoints(registry: Registry, args: dict[str, str]) -> str:
    env, _ = registry.environment(args.get("env"))
    rows = [
        "| endpoint | app | URL | client timeout | server timeout | kind |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        f"| `{path}` | {app.name} | {registry.endpoint_url(app, endpoint, env)} | "
        f"{endpoint.client_timeout_s} s | {_seconds(endpoint.web.timeout_s)} | {endpoint.kind} |"
        for app, path, endpoint in registry.endpoints()
    ]
    return NOTE + "\n".join(rows) + "\n"


def _apps(registry: Registry, _args: dict[str, str]) -> str:
    from tools.core.registry.model import gpu_list  # loaded with the registry already

    rows = ["| app | folder | GPU | server timeout | endpoints |", "|---|---|---|---|---|"]
    for app in registry.apps.values():
        # One row per web function; an app with none shows its own gpu and timeout.
        parts = [(w.gpus, w.timeout_s, list(w.endpoints)) for w in app.webs]
        for gpus, timeout_s, paths in parts or [(gpu_list(app.gpu), app.timeout_s, [])]:
            rows.append(
                f"| {app.name} | `{app.dir}` | {', '.join(gpus) or '-'} | {_seconds(timeout_s)} "
                f"| {', '.join(f'`{p}`' for p in paths)} |"
            )
    return NOTE + "\n".join(rows) + "\n"


def _seconds(value: int | None) -> str:
    return "-" if value is None else f"{value} s"


RENDERERS: dict[str, Callable[[Registry, dict[str, str]], str]] = {
    "endpoints": _endpoints,
    "apps": _apps,
}


def arguments(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split())


def render_block(registry: Registry, name: str, args: dict[str, str]) -> str | None:
    renderer = RENDERERS.get(name)
    return None if renderer is None else renderer(registry, args)
