"""The client against a real server on 127.0.0.1: each outcome is the documented one."""

from __future__ import annotations

import base64
import json
import time

import pytest

from tests.client.server import IMAGE_BASE64, ModalLikeServer
from tests.conftest import FIXTURES, REPO, client_registry_with_websocket, run_fleet
from tools.client import (
    BadResponse,
    ClientTimeout,
    EndpointHTTPError,
    FleetClient,
    NotJsonEndpoint,
    ServerTimeout,
    TooManyRedirects,
    UnknownEndpoint,
)
from tools.core.registry.load import load_registry, parse_registry

REGISTRY = load_registry(FIXTURES / "client" / "fleet.yaml")


def client(server: ModalLikeServer, **environ: str) -> FleetClient:
    return FleetClient(REGISTRY, base_url=server.url, environ=environ)


def test_urls_and_redirect_budget_come_from_the_registry() -> None:
    registry = load_registry(REPO / "registry" / "fleet.yaml")
    with FleetClient(registry, env="staging", environ={}) as fleet:
        assert fleet.url("/seedvr2") == (
            "https://ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2"
        )
        # 600 s at 150 s a request: four 303s at most, and one more to be safe.
        assert fleet.max_redirects("/seedvr2") == 5
        assert fleet.max_redirects("/flux") == 3
        with pytest.raises(UnknownEndpoint):
            fleet.url("/nope")


def test_a_path_several_apps_serve_is_called_by_naming_the_app() -> None:
    with ModalLikeServer() as server, client(server) as fleet:
        with pytest.raises(UnknownEndpoint) as caught:
            fleet.call("/health", {})
        assert str(caught.value) == (
            "no endpoint '/health' in the registry; several apps serve it, or it has "
            "parameters: name the app"
        )
        # A GET endpoint is sent no body.
        assert fleet.call("/health", {"ignored": 1}, app="other") == {"healthy": True}
        assert server.hits == {"GET /health": 1}
        with pytest.raises(UnknownEndpoint):
            fleet.call("/chain", {}, app="other")


def test_a_chain_of_303s_is_followed_with_get() -> None:
    with ModalLikeServer(chain_hops=3) as server, client(server) as fleet:
        assert fleet.call("/chain", {"prompt": "a"}) == {"done": True, "hops": 3}
        assert server.hits == {"POST /chain": 1, "GET /chain": 3}


def test_more_303s_than_the_timeout_allows_is_an_error() -> None:
    with ModalLikeServer(chain_hops=9) as server, client(server) as fleet:
        with pytest.raises(TooManyRedirects) as caught:
            fleet.call("/chain", {})
        assert "more than 5 redirects within 600 s" in str(caught.value)
        assert server.hits == {"POST /chain": 1, "GET /chain": 5}


def test_a_408_is_retried_once_for_an_idempotent_endpoint() -> None:
    with ModalLikeServer(flaky_failures=1) as server, client(server) as fleet:
        assert fleet.call("/flaky", {}) == {"attempt": 2}
        assert server.hits == {"POST /flaky": 2}


def test_a_second_408_is_raised_as_a_server_timeout() -> None:
    with ModalLikeServer(flaky_failures=5) as server, client(server) as fleet:
        with pytest.raises(ServerTimeout) as caught:
            fleet.call("/flaky", {})
        assert server.hits == {"POST /flaky": 2}
        assert str(caught.value) == (
            f"/flaky ({server.url}/flaky): HTTP 408 from the server or Modal's proxy: "
            "Missing request, possibly due to expiry or cancellation"
        )


def test_a_408_is_never_retried_for_a_non_idempotent_endpoint() -> None:
    with ModalLikeServer() as server, client(server) as fleet:
        with pytest.raises(ServerTimeout):
            fleet.call("/strict", {})
        assert server.hits == {"POST /strict": 1}


def test_the_clients_own_timeout_is_a_client_timeout() -> None:
    with ModalLikeServer(slow_s=3) as server, client(server) as fleet:
        started = time.monotonic()
        with pytest.raises(ClientTimeout) as caught:
            fleet.call("/slow", {})
        assert time.monotonic() - started < 2.5
        assert str(caught.value) == (
            f"/slow ({server.url}/slow): the client's timeout of 1 s ran out (not a server 408)"
        )
        assert server.hits == {"POST /slow": 1}


def test_other_http_errors_carry_status_endpoint_url_and_body() -> None:
    with ModalLikeServer() as server, client(server) as fleet:
        with pytest.raises(EndpointHTTPError) as caught:
            fleet.call("/broken", {})
        error = caught.value
        assert (error.status, error.endpoint, error.url, error.body) == (
            500,
            "/broken",
            f"{server.url}/broken",
            "Internal Server Error: pipeline exploded",
        )
        with pytest.raises(BadResponse):
            fleet.call("/text", {})


def test_proxy_credentials_are_sent_but_never_shown() -> None:
    secret = "sk-very-secret"
    with (
        ModalLikeServer() as server,
        client(server, MODAL_KEY="wk-1", MODAL_SECRET=secret) as fleet,
    ):
        fleet.call("/chain", {})
        assert server.headers_seen[0]["Modal-Key"] == "wk-1"
        assert server.headers_seen[0]["Modal-Secret"] == secret
        assert secret not in repr(fleet)
        with pytest.raises(EndpointHTTPError) as caught:
            fleet.call("/broken", {})
        assert secret not in str(caught.value)


def test_fleet_call_on_the_command_line(tmp_path) -> None:
    registry = str(FIXTURES / "client" / "fleet.yaml")
    with ModalLikeServer() as server:
        ok = run_fleet(
            "call",
            "/chain",
            "--data",
            '{"prompt": "a"}',
            "--registry",
            registry,
            "--url",
            server.url,
        )
        assert (ok.returncode, ok.stdout) == (0, '{\n  "done": true,\n  "hops": 3\n}\n')
        out = tmp_path / "image.png"
        saved = run_fleet(
            "call", "/image", "--registry", registry, "--url", server.url, "--out", str(out)
        )
        assert (saved.returncode, saved.stdout) == (
            0,
            f"{out}: media_type image/png, width 1, seed 7\n",
        )
        assert out.read_bytes() == base64.b64decode(IMAGE_BASE64)
        failed = run_fleet("call", "/broken", "--registry", registry, "--url", server.url)
        assert failed.returncode == 1
        assert failed.stderr == (
            f"fleet: /broken ({server.url}/broken): HTTP 500: Internal Server Error: "
            "pipeline exploded\n"
        )
    bad = run_fleet("call", "/chain", "--data", "{nope", "--registry", registry)
    assert (bad.returncode, bad.stderr) == (
        2,
        "fleet: --data: not JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))\n",
    )
    unknown = run_fleet("call", "/nope", "--registry", registry)
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "fleet: no endpoint '/nope' in the registry\n",
    )


def test_fleet_call_masks_credentials_a_server_shows_back() -> None:
    registry = str(FIXTURES / "client" / "fleet.yaml")
    secrets = {"MODAL_KEY": "wk-12345", "MODAL_SECRET": "ws-very-secret", "HF_TOKEN": "hf_x1234567"}
    with ModalLikeServer() as server:
        shown = run_fleet("call", "/echo", "--registry", registry, "--url", server.url, **secrets)
        told = run_fleet("call", "/tattle", "--registry", registry, "--url", server.url, **secrets)
        assert server.headers_seen[0]["Modal-Secret"] == "ws-very-secret"  # sent, as it must be
    headers = json.loads(shown.stdout)["headers"]
    assert (shown.returncode, headers["Modal-Key"], headers["Modal-Secret"]) == (0, "***", "***")
    assert told.returncode == 1
    assert "'Modal-Key': '***', 'Modal-Secret': '***'" in told.stderr
    for value in secrets.values():
        assert value not in shown.stdout + told.stdout + told.stderr


def test_a_web_function_is_named_where_several_of_an_app_serve_a_path() -> None:
    registry = parse_registry(
        (FIXTURES / "client" / "fleet.yaml").read_text()
        + "  pair:\n    name: test-pair\n    dir: apps/pair\n    web:\n"
        "      - {function: upscale, timeout_s: 60, endpoints: {/: {kind: audio, "
        "client_timeout_s: 30}}}\n"
        "      - {function: health, timeout_s: 60, endpoints: {/: {kind: other, "
        "method: GET, client_timeout_s: 5}}}\n",
        "fleet.yaml",
    )
    with FleetClient(registry, environ={}) as fleet:
        assert (
            fleet.url("/", app="pair", web="health") == "https://test--test-pair-health.modal.run/"
        )
        assert fleet.url("/", app="pair", web="upscale") == (
            "https://test--test-pair-upscale.modal.run/"
        )
        with pytest.raises(UnknownEndpoint) as several:
            fleet.url("/", app="pair")
        with pytest.raises(UnknownEndpoint) as unknown:
            fleet.url("/", app="pair", web="ping")
    assert str(several.value) == (
        "several web functions of app 'pair' serve '/' (upscale, health): name one"
    )
    assert str(unknown.value) == "no endpoint '/' of ping of app 'pair' in the registry"


def test_a_websocket_endpoint_is_named_not_called() -> None:
    registry = parse_registry(client_registry_with_websocket(), "fleet.yaml")
    with ModalLikeServer() as server:
        with FleetClient(registry, base_url=server.url, environ={}) as fleet:
            with pytest.raises(NotJsonEndpoint) as caught:
                fleet.call("/socket", {})
            assert str(caught.value) == (
                f"/socket is a WebSocket: open {server.url}/socket with a WebSocket client"
            )
        assert server.hits == {}
