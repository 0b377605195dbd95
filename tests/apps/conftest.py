from __future__ import annotations

import asyncio
import os
from functools import cache
from typing import Any

import httpx
import pytest
import torch
from fastapi import FastAPI

from tests.conftest import REPO
from tools.core.registry.load import load_registry
from tools.core.registry.model import App, Registry

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Tiny models gain nothing from two threads, and on a shared 2-core machine a second thread
# makes call times swing by seconds.
torch.set_num_threads(1)

REGISTRY: Registry = load_registry(REPO / "registry" / "fleet.yaml")
APPS: list[App] = list(REGISTRY.apps.values())
ENDPOINTS = [(app, path) for app, path, _ in REGISTRY.endpoints()]


@cache
def tiny_api(app_dir: str) -> FastAPI:
    """Each app's HTTP layer with the tiny backend, built once per test session."""
    from apps._shared.local import create_local_app

    return create_local_app(app_dir, "tiny")


def call(api: FastAPI, method: str, path: str, body: Any = None) -> httpx.Response:
    """One request through httpx's ASGI transport: the real HTTP layer, no socket."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.request(method, path, json=body, timeout=60)

    return asyncio.run(send())


def app_id(app: App) -> str:
    return app.key


@pytest.fixture(params=APPS, ids=app_id)
def registry_app(request: pytest.FixtureRequest) -> App:
    return request.param
