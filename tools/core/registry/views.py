"""The registry as other programs read it: the stable JSON shape of `fleet registry show --json`.

Shape (version 1; fields are only ever added):

    {"format": "fleet-registry/1", "workspace": str, "environment": str, "web_suffix": str,
     "apps": [{"key", "name", "dir", "entry", "gpu", "label", "url", "server_timeout_s",
               "legacy",
               "endpoints": [{"path", "kind", "url", "client_timeout_s", "client_timeout_ms",
                              "server_timeout_s", "idempotent", "method", "auxiliary",
                              "web", "label", "gpu"}]}]}

An app's `gpu`, `label`, `url` and `server_timeout_s` are its first web function's; each
endpoint names the web function that serves it (`web`, as `modal deploy` prints it).

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
                "gpu": app.webs[0].gpu if app.webs else app.gpu,
                "label": app.label,
                "url": registry.url(app, env=name) if app.web is not None else None,
                "server_timeout_s": app.webs[0].timeout_s if app.webs else app.timeout_s,
                "legacy": app.legacy,
                "endpoints": [
                    {
                        "path": path,
                        "kind": endpoint.kind,
                        "url": registry.endpoint_url(app, endpoint, env=name),
                        "client_timeout_s": endpoint.client_timeout_s,
                        "client_timeout_ms": endpoint.client_timeout_ms,
                        "server_timeout_s": endpoint.web.timeout_s,
                        "idempotent": endpoint.idempotent,
                        "method": endpoint.method,
                        "auxiliary": endpoint.auxiliary,
                        "web": endpoint.web.shown,
                        "label": endpoint.web.url_label,
                        "gpu": endpoint.web.gpu,
                    }
                    for path, endpoint in ((e.path, e) for e in app.served)
                ],
            }
            for app in registry.apps.values()
        ],
    }
