"""Client timeouts: maps in the repository keyed by the endpoints or apps found."""

from __future__ import annotations

import math
from typing import NamedTuple

from tools.core.config import ProjectConfig
from tools.drift_check.discover.draft import DraftApp, Noted, guess, seconds_of
from tools.drift_check.discover.sources import Sources
from tools.drift_check.extract.maps import maps_in
from tools.drift_check.units import is_timeout_map, to_seconds, unit_of

MAP_SUFFIXES = frozenset({"py", "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts", "json"})


class _Timeout(NamedTuple):
    seconds: int
    where: str  # `NAME in FILE:LINE (VALUE UNIT)`


def client_timeouts(
    sources: Sources, paths: list[str], apps: list[DraftApp], config: ProjectConfig
) -> None:
    """Each endpoint's client timeout from the first map naming its path (or its app), in
    place of the guess."""
    by_path = {
        str(e.path.value)
        for app in apps
        for e in app.endpoints
        if e.auxiliary is None and e.path.value != "/" and "{" not in str(e.path.value)
    }
    by_app = {str(app.name.value) for app in apps} | {app.key for app in apps}
    found = _timeout_maps(sources, paths, by_path | by_app, config)
    if not found:
        return
    for app in apps:
        whose = "its web function's" if len(app.webs) > 1 else "the app's"
        for web in app.webs:
            for endpoint in web.endpoints:
                path = str(endpoint.path.value)
                timeout = found.get(path) if path in by_path else None
                timeout = timeout or found.get(str(app.name.value)) or found.get(app.key)
                if timeout is None:
                    continue
                server = seconds_of(web.timeout_s)
                if timeout.seconds > server:
                    why = f"{timeout.where} is above {whose} timeout_s: capped"
                    endpoint.client_timeout_s = guess(server, why)
                else:
                    endpoint.client_timeout_s = Noted(timeout.seconds, f"from {timeout.where}")


def _timeout_maps(
    sources: Sources, paths: list[str], keys: set[str], config: ProjectConfig
) -> dict[str, _Timeout]:
    found: dict[str, _Timeout] = {}
    for path in paths:
        if path.rpartition(".")[2].lower() not in MAP_SUFFIXES:
            continue
        source = sources.files.get(path)
        if source is None or not any(key in source.text for key in keys):
            continue
        for literal in maps_in(source):
            named = [e for e in literal.entries if e.key in keys and e.value.number is not None]
            numbers = [e.value.number for e in literal.entries if e.value.number is not None]
            if not named or len(numbers) * 2 < len(literal.entries):
                continue
            unit = unit_of(literal.name, path, numbers, dict(config.units))
            if not is_timeout_map(literal.name, numbers, unit):
                continue
            for entry in named:
                seconds = to_seconds(entry.value.number or 0, unit)
                where = (
                    f"{literal.name or 'a map'} in {path}:{entry.value.at.line} "
                    f"({entry.value.text} {unit})"
                )
                found.setdefault(entry.key, _Timeout(max(1, math.ceil(seconds)), where))
    return found
