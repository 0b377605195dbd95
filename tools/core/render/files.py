"""Files generated from the registry: the endpoint reference, a TypeScript module, a JSON export.

Every renderer is a pure function of the registry: byte-identical output on every run, in
the registry's order, with a header naming the source and the command that regenerates it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from tools.core.render.blocks import render_block

if TYPE_CHECKING:
    from tools.core.registry.model import Registry

SOURCE = "the fleet registry"
COMMAND = "fleet render"


class GeneratedFile(NamedTuple):
    path: str  # relative to the repository root
    render: Callable[[Registry], str]


def endpoints_markdown(registry: Registry) -> str:
    lines = [
        f"<!-- Generated from {SOURCE} by `{COMMAND}`; edit the registry, not this file. -->",
        "# Endpoints",
        "",
        "Every endpoint of the fleet, per environment. Client timeouts are what callers wait;",
        "server timeouts are the Modal function timeouts, never below them.",
        "",
    ]
    for env in registry.environments:
        lines += [f"## Environment `{env}`", ""]
        lines.append(f"<!-- fleet:begin endpoints env={env} -->")
        lines.append((render_block(registry, "endpoints", {"env": env}) or "").rstrip("\n"))
        lines += ["<!-- fleet:end endpoints -->", ""]
    lines += [
        "## Deploying",
        "",
        "Deploys run from CI: merging to main deploys the apps that changed; a release tag",
        "deploys, smoke-tests and rolls back what fails. By hand:",
        "",
        "```sh",
        "fleet deploy --changed --target modal   # what changed since the live versions",
        "fleet deploy flux --target modal --env staging",
        "fleet deploy --all --target local       # every app on this machine",
        "```",
        "",
        "| app | deploy | entry file |",
        "|---|---|---|",
    ]
    lines += [
        f"| {app.name} | `fleet deploy {app.key}` | `{app.entry_path}` |"
        for app in registry.apps.values()
    ]
    return "\n".join(lines) + "\n"


def typescript_module(registry: Registry) -> str:
    # Clients name an endpoint by its path where one app serves it (`Endpoint.keyed`).
    app_of = {path: app.name for app, path, e in registry.endpoints() if e.keyed}
    timeouts = {path: e.client_timeout_ms for _, path, e in registry.endpoints() if e.keyed}
    labels = {app.name: app.label for app in registry.apps.values() if app.web is not None}
    endpoint_labels = {path: e.web.url_label for _, path, e in registry.endpoints() if e.keyed}
    settings = {
        path: e.web.settings for _, path, e in registry.endpoints() if e.keyed and e.web.settings
    }
    suffixes = {name: env.web_suffix for name, env in registry.environments.items()}
    return "\n".join(
        [
            f"// Generated from {SOURCE} by `{COMMAND}`; edit the registry, not this file.",
            "",
            f"export const WORKSPACE = {json.dumps(registry.workspace)};",
            f"export const DEFAULT_ENVIRONMENT = {json.dumps(registry.default_environment)};",
            "",
            f"export const ENVIRONMENT_WEB_SUFFIX = {_ts_object(suffixes)} as const;",
            "export type Environment = keyof typeof ENVIRONMENT_WEB_SUFFIX;",
            "",
            f"export const APP_LABEL = {_ts_object(labels)} as const;",
            "",
            f"export const ENDPOINT_APP_MAP = {_ts_object(app_of)} as const;",
            "export type Endpoint = keyof typeof ENDPOINT_APP_MAP;",
            "",
            f"export const ENDPOINT_TIMEOUT_MS = {_ts_object(timeouts)} as const;",
            "",
            "// The URL label of the web function serving each endpoint.",
            f"export const ENDPOINT_LABEL = {_ts_object(endpoint_labels)} as const;",
            "",
            "// The settings (environment variables) that hold each endpoint's web function's URL.",
            f"export const ENDPOINT_URL_SETTINGS = {_ts_object(settings)} as const;",
            "",
            "/** https://{workspace}[-{suffix}]--{label}.modal.run{path} */",
            "export function modalEndpointUrl(",
            "  workspace: string,",
            "  endpoint: Endpoint,",
            "  env: Environment = DEFAULT_ENVIRONMENT,",
            "): string {",
            "  const suffix: string = ENVIRONMENT_WEB_SUFFIX[env];",
            "  const source = suffix ? `${workspace}-${suffix}` : workspace;",
            "  const label = ENDPOINT_LABEL[endpoint];",
            "  return `https://${source}--${label}.modal.run${endpoint}`;",
            "}",
            "",
        ]
    )


def _ts_object(values: dict[str, Any]) -> str:
    body = "".join(f"  {json.dumps(key)}: {json.dumps(value)},\n" for key, value in values.items())
    return "{\n" + body + "}"


def registry_json(registry: Registry) -> str:
    document = {
        "format": "fleet-endpoints/1",
        "generated_from": SOURCE,
        "regenerate_with": COMMAND,
        "workspace": registry.workspace,
        "default_environment": registry.default_environment,
        "environments": {n: {"web_suffix": e.web_suffix} for n, e in registry.environments.items()},
        "apps": [
            {
                "key": app.key,
                "name": app.name,
                "entry": app.entry_path,
                "label": app.label,
                "server_timeout_s": app.webs[0].timeout_s if app.webs else None,
            }
            for app in registry.apps.values()
        ],
        "endpoints": [
            {
                "path": path,
                "app": app.name,
                "kind": endpoint.kind,
                "client_timeout_s": endpoint.client_timeout_s,
                "client_timeout_ms": endpoint.client_timeout_ms,
                "server_timeout_s": endpoint.web.timeout_s,
                "idempotent": endpoint.idempotent,
                "label": endpoint.web.url_label,
                "url_settings": endpoint.web.settings,
                "urls": {
                    env: registry.endpoint_url(app, endpoint, env) for env in registry.environments
                },
            }
            for app, path, endpoint in registry.endpoints()
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def written_by_fleet(text: str | None) -> bool:
    """Whether a file at a generated file's path is fleet's: absent, or naming the command
    that writes it in its header. A team's own `docs/ENDPOINTS.md` is theirs to keep."""
    return text is None or COMMAND in text[:1024]


GENERATED: tuple[GeneratedFile, ...] = (
    GeneratedFile("docs/ENDPOINTS.md", endpoints_markdown),
    GeneratedFile("clients/typescript/endpoints.ts", typescript_module),
    GeneratedFile("registry/endpoints.json", registry_json),
)
