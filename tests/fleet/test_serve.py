"""`fleet serve` runs an app's HTTP layer on 127.0.0.1 with the tiny backend."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from tests.conftest import REPO, run_fleet
from tools.core.registry.load import load_registry
from tools.release.smoke_request import smoke_request


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_health(url: str, process: subprocess.Popen[str], deadline_s: float) -> dict:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return httpx.get(f"{url}/health", timeout=1).json()
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /health within {deadline_s} s")


def test_serve_answers_the_smoke_request_on_loopback() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fleet", "serve", "seedvr2", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = _wait_for_health(url, process, deadline_s=90)
        assert health["backend"] == "tiny"
        endpoint = load_registry(REPO / "registry" / "fleet.yaml").apps["seedvr2"].endpoints
        response = httpx.post(
            f"{url}/seedvr2", json=smoke_request(endpoint["/seedvr2"]), timeout=30
        )
        assert response.status_code == 200
        assert (response.json()["width"], response.json()["height"]) == (64, 64)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_unknown_app_exits_2() -> None:
    result = run_fleet("serve", "ryla-comfyui")  # fleet: ignore[FL003]
    assert result.returncode == 2
    assert result.stderr == (
        # fleet: ignore[FL003]
        "fleet: unknown app 'ryla-comfyui' (known: flux, instantid, qwen-image, qwen-edit, "
        "z-image, wan26, seedvr2)\n"
    )
