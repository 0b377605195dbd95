"""The registry as other programs read it: the stable JSON shape of `fleet registry show --json`.

Shape (version 1; fields are only ever added):

    {"format": "fleet-registry/1", "workspace": str, "environment": str, "web_suffix": str,
     "apps": [{"key", "name", "dir", "entry", "gpu", "label", "url", "server_timeout_s",
               "endpoints": [{"path", "kind", "url", "client_timeout_s", "client_timeout_ms",
                              "server_timeout_s", "idempotent"}]}]}

Apps and endpoints keep the registry's order.
"""

from __future__ import annotations

from typing import Any

from tools.core.registry.model import Registry

FORMAT = "fleet-registry/1"


def describe(registry: Registry, env: str | None = None) -> dict[str, Any]:
    name, environment = registry.environment(env)
    return {
        "format": FORMAT,
        "workspace": registry.workspace,
        "environment": name,
        "web_suffix": environment.web_suffix,
        "apps": [
            {
                "key": app.key,
                "name": app.name,
                "dir": app.dir,
                "entry": app.entry_path,
                "gpu": app.gpu,
                "label": app.label,
                "url": registry.url(app, env=name) if app.web is not None else None,
                "server_timeout_s": app.timeout_s,
                "legacy": app.legacy,
                "endpoints": [
                    {
                        "path": path,
                        "kind": endpoint.kind,
                        "url": registry.url(app, path, env=name),
                        "client_timeout_s": endpoint.client_timeout_s,
                        "client_timeout_ms": endpoint.client_timeout_ms,
                        "server_timeout_s": app.timeout_s,
                        "idempotent": endpoint.idempotent,
                        "method": endpoint.method,
                        "auxiliary": endpoint.auxiliary,
                    }
                    for path, endpoint in app.endpoints.items()
                ],
            }
            for app in registry.apps.values()
        ],
    }
