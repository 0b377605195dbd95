"""FL002 client-timeout-map: a client's per-endpoint timeout map disagrees with the registry.

What it does
    Finds maps keyed by endpoint paths with numeric values: dict literals in Python, object
    literals in TypeScript and JavaScript (`as const`, spreads of constants of the same file,
    `600_000`, `10 * 60 * 1000`), and mappings in JSON and YAML. The unit is read from the
    name (`_MS`, `Ms`, `timeoutMs` are milliseconds; `_S`, `SECONDS` are seconds), from
    `[tool.fleet.units]`, or from the values. Reports a value that differs from the registry's
    client timeout, a key that is no endpoint, and a registry endpoint missing from a map that
    covers other endpoints of the same app. A call to an endpoint on Modal (httpx, requests)
    whose `timeout=` is below that endpoint's client timeout is reported too, unless the
    endpoint is auxiliary (a health check or a listing, which its callers probe briefly).

Why is this bad?
    The client gives up at its own timeout. A map that says 5 minutes for an endpoint whose
    server may take 10 produces client timeouts on cold starts; one that misses an endpoint
    silently falls back to a default nobody chose for it.

Example
    export const ENDPOINT_TIMEOUT_MS = { '/z-image-simple': 300_000 };  // registry: 600 s

Use instead
    export const ENDPOINT_TIMEOUT_MS = { '/z-image-simple': 600_000 };

    `fleet check --fix` rewrites plain number literals to the registry's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.extract.maps import maps_in, with_spreads
from tools.drift_check.extract.python import python_facts
from tools.drift_check.extract.urls import host_kind, modal_in_code, urls_in
from tools.drift_check.findings import Edit, Finding
from tools.drift_check.units import is_timeout_map, literal, to_seconds, unit_of

if TYPE_CHECKING:
    from tools.core.registry.model import Endpoint
    from tools.drift_check.extract.base import Entry, MapLiteral
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

# The endpoint path a URL or path ends with (`.../flux"`, `{BASE}/flux?x=1`).
_CALLED_PATH = re.compile(r"(?P<path>/[a-z0-9][a-z0-9._-]{0,127})['\"]?$")
PATH_LIKE = re.compile(r"^/[a-z0-9][a-z0-9._-]*$")


def forced_map(project: Project, source: SourceFile) -> bool:
    """A file `[tool.fleet] client-maps` names: its maps are timeout maps."""
    return source.path in project.config.client_maps


def _endpoint(project: Project, url: str, path: str) -> Endpoint | None:
    """The endpoint a call to `url` reaches at `path`: the one its host's label serves; by
    its path alone when the host is not written. A label of no live app (a retired one, a
    stranger's) is for FL003 and FL004 to judge."""
    labels = [ref.label for ref in urls_in(url) if ref.label is not None]
    if not labels:
        return project.index.endpoint_by_path.get(path)
    return project.index.served(labels[0], path)


class ClientTimeoutMap:
    code = "FL002"
    name = "client-timeout-map"
    summary = "A client timeout map disagrees with the registry's client timeouts."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for source in project.scanned():
            forced = source.path in project.config.client_maps
            maps = maps_in(source, project.index.may_hold_maps, as_data=forced)
            for literal_map in maps:
                yield from self._check_map(project, source, literal_map, maps)
            # A call is judged only when it reaches Modal: its file names a modal.run URL.
            if source.suffix == "py" and "modal.run" in source.text:
                yield from self._calls(project, source)

    def _calls(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """Calls to an endpoint that give up before its client timeout."""
        facts = python_facts(source)
        for call in facts.client_calls if facts is not None else []:
            timeout = call.keywords.get("timeout")
            if call.target is None or timeout is None or timeout.number is None:
                continue
            host = host_kind(call.target)
            if host == "other" or (host == "" and not modal_in_code(source)):
                continue  # a local server, another host: not the registry's endpoint
            url = (call.target.string or call.target.text).split("?", 1)[0].split("#", 1)[0]
            match = _CALLED_PATH.search(url)
            endpoint = _endpoint(project, url, match["path"]) if match else None
            if endpoint is None:
                continue
            path, wanted = match["path"], endpoint.client_timeout_s
            if timeout.number < wanted and not endpoint.auxiliary:
                # `timeout=60 s`, or `timeout=httpx.Timeout(10.0, read=30.0) (30 s)`
                given = (
                    f"{timeout.text} s"
                    if timeout.is_literal
                    else f"{timeout.text} ({timeout.number:g} s)"
                )
                yield Finding(
                    self.code,
                    source.path,
                    timeout.at.line,
                    timeout.at.col,
                    f"{call.function}(...) to {path} gives up after timeout={given}; the "
                    f"registry's client timeout is {wanted} s",
                    f"set timeout={wanted}, or read it from the registry",
                )

    def _check_map(
        self, project: Project, source: SourceFile, mapping: MapLiteral, siblings: list[MapLiteral]
    ) -> Iterator[Finding]:
        index = project.index
        keys = with_spreads(mapping, siblings)
        entries = [entry for _, entry in keys]
        named = {index.endpoint_of_key(k) or k for k, _ in keys}
        if not any(k in index.app_by_path or k in index.retired_endpoints for k in named):
            return
        numbers = [e.value.number for e in entries if e.value.number is not None]
        if len(numbers) * 2 < len(entries):
            return  # not a timeout map: an endpoint -> app map, say (FL005 reads those)
        unit = unit_of(mapping.name, source.path, numbers, project.config.units)
        configured = mapping.name in project.config.units or forced_map(project, source)
        if not configured and not is_timeout_map(mapping.name, numbers, unit):
            return  # endpoint-keyed numbers that are not waits: seeds, sizes, counts
        for entry in mapping.entries:
            finding = self._entry(project, source, mapping, entry, unit)
            if finding is not None:
                yield finding
        yield from self._missing(project, source, mapping, named)

    def _entry(
        self, project: Project, source: SourceFile, mapping: MapLiteral, entry: Entry, unit: str
    ) -> Finding | None:
        index = project.index
        name = mapping.name or "map"
        if entry.key in index.retired_endpoints:
            return None  # FL003 reports retired paths wherever they stand
        path = index.endpoint_of_key(entry.key)
        owner = index.app_by_path.get(path) if path is not None else None
        endpoint = index.endpoint_by_path[path] if owner is not None and path is not None else None
        if endpoint is None:
            if not PATH_LIKE.match(entry.key):
                return None
            return Finding(
                self.code,
                source.path,
                entry.key_at.line,
                entry.key_at.col,
                f"{name}[{entry.key!r}]: {entry.key} is not an endpoint in the registry",
                "remove the key, or add the endpoint to the registry",
            )
        if entry.value.number is None:
            return None
        actual = to_seconds(entry.value.number, unit)  # type: ignore[arg-type]
        wanted = endpoint.client_timeout_s
        if actual == wanted:
            return None
        shown = f"{entry.value.text} ({entry.value.number:g} {unit})"
        fix = None
        if entry.value.is_literal:
            at = entry.value.at
            new = literal(wanted, unit, entry.value.text)  # type: ignore[arg-type]
            fix = Edit(source.path, at.line, at.col, entry.value.text, new)
        return Finding(
            self.code,
            source.path,
            entry.value.at.line,
            entry.value.at.col,
            f"{name}[{entry.key!r}] is {shown}; the registry's client timeout is {wanted} s",
            f"set it to {literal(wanted, unit, entry.value.text)}",  # type: ignore[arg-type]
            fix=fix,
        )

    def _missing(
        self, project: Project, source: SourceFile, mapping: MapLiteral, keys: set[str]
    ) -> Iterator[Finding]:
        covered = {project.index.app_by_path[k].key for k in keys if k in project.index.app_by_path}
        for key in sorted(covered, key=project.index.app_order.__getitem__):
            app = project.registry.apps[key]
            missing = [e.path for e in app.served if e.keyed and e.path not in keys]
            if missing:
                yield Finding(
                    self.code,
                    source.path,
                    mapping.at.line,
                    mapping.at.col,
                    f"{mapping.name or 'map'} has timeouts for {app.name} but not for "
                    f"{', '.join(missing)}",
                    "add them with the registry's client timeouts (`fleet registry show`)",
                )
