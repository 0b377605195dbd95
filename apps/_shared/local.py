"""Build an app's HTTP layer in this process, with the pipelines of the backend named."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from apps._shared.backend import BackendName

if TYPE_CHECKING:
    from fastapi import FastAPI


def package_of(app_dir: str) -> str:
    """`apps/flux` -> `apps.flux`: an app's directory is its Python package."""
    return app_dir.strip("/").replace("/", ".")


def create_local_app(app_dir: str, backend: BackendName) -> FastAPI:
    package = package_of(app_dir)
    pipelines = importlib.import_module(f"{package}.pipelines")
    service = importlib.import_module(f"{package}.service")
    return service.create_app(pipelines.load(backend))
