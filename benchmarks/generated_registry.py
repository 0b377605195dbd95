"""The registry of a generated monorepo: `apps` apps under services/, each with its endpoints."""

from __future__ import annotations


def endpoint_paths(app: int, per_app: int) -> list[str]:
    return [f"/app{app}"] if per_app == 1 else [f"/app{app}-op{j}" for j in range(per_app)]


def registry_yaml(apps: int, per_app: int = 1) -> str:
    lines = ["version: 1", "workspace: acme", "environments:", "  main: {web_suffix: ''}", "apps:"]
    for i in range(apps):
        lines += [
            f"  app{i}:",
            f"    name: acme-app{i}",
            f"    dir: services/app{i}",
            "    gpu: L4",
            "    timeout_s: 600",
            "    web: {class: Server, method: web}",
            "    endpoints:",
        ]
        for path in endpoint_paths(i, per_app):
            lines += [
                f"      {path}:",
                "        kind: text-to-image",
                "        client_timeout_s: 300",
                "        idempotent: true",
                "        smoke: {request: {prompt: a, width: 64, height: 64}, expect: image}",
            ]
    return "\n".join(lines) + "\n"
