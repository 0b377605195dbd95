"""Release tags: the grammar, smoke classification, and a release that rolls itself back."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.client.server import ModalLikeServer
from tests.conftest import FIXTURES, GIT_ENV, REPO, client_registry_with_websocket
from tests.release.conftest import fleet
from tools.client import FleetClient
from tools.core.errors import FleetError
from tools.core.registry.load import load_registry, parse_registry
from tools.release.release_tags import parse_tag
from tools.release.smoke import check_answer, report_markdown, smoke_apps, smoke_endpoint

REGISTRY = load_registry(REPO / "registry" / "fleet.yaml")


@pytest.mark.parametrize(
    ("text", "app"),
    [
        ("flux/v1.4.0", "flux"),
        ("qwen-image/v2.0.0-rc.1", "qwen-image"),
        ("qwen_image/v2.0.0", "qwen-image"),
        ("refs/tags/seedvr2/v0.1.0", "seedvr2"),
        ("v1.4.0", None),
        ("release-2026.11.27", None),
        ("release-2026.11.27.3", None),
    ],
)
def test_valid_tags(text: str, app: str | None) -> None:
    assert parse_tag(text, REGISTRY).app == app


@pytest.mark.parametrize(
    "text",
    [
        "flux/1.4.0",
        "v1.4",
        "v01.4.0",
        "release-2026.13.01",
        "release-2026.11.27.0",
        "flux/v1.4.0;rm -rf /",
        "$(reboot)/v1.0.0",
        "../etc/v1.0.0",
        "flux/v1.4.0\n",
        "latest",
    ],
)
def test_invalid_tags_are_refused_with_the_grammar(text: str) -> None:
    with pytest.raises(FleetError) as caught:
        parse_tag(text, REGISTRY)
    assert str(caught.value).endswith(
        "<app>/v<semver> (e.g. flux/v1.4.0), v<semver>, or release-<YYYY.MM.DD>[.N]"
    )


def test_unknown_app_tag() -> None:
    with pytest.raises(FleetError, match="no app 'nope' in the registry"):
        parse_tag("nope/v1.0.0", REGISTRY)


CLIENT_REGISTRY = load_registry(FIXTURES / "client" / "fleet.yaml")
PROBE = CLIENT_REGISTRY.apps["probe"]


@pytest.mark.parametrize(
    ("path", "status", "hits"),
    [
        ("/chain", "bad-response", {"POST /chain": 1, "GET /chain": 3}),  # JSON without media
        ("/flaky", "bad-response", {"POST /flaky": 2}),  # 408 retried once, then JSON without media
        ("/strict", "server-timeout", {"POST /strict": 1}),
        ("/slow", "client-timeout", {"POST /slow": 1}),
        ("/broken", "http-error", {"POST /broken": 1}),
        ("/text", "bad-response", {"POST /text": 1}),
    ],
)
def test_smoke_classification(path: str, status: str, hits: dict[str, int]) -> None:
    with ModalLikeServer(chain_hops=3, flaky_failures=1, slow_s=3) as server:
        with FleetClient(CLIENT_REGISTRY, base_url=server.url, environ={}) as client:
            result = smoke_endpoint(client, PROBE, PROBE.serving(path)[0])
        assert result.status == status
        assert server.hits == hits


def test_an_endpoint_without_a_smoke_request_is_untested_never_called() -> None:
    with ModalLikeServer() as server:
        with FleetClient(CLIENT_REGISTRY, base_url=server.url, environ={}) as client:
            result = smoke_endpoint(
                client,
                CLIENT_REGISTRY.apps["other"],
                CLIENT_REGISTRY.apps["other"].serving("/health")[0],
            )
        assert (result.status, result.detail, result.failed) == (
            "untested",
            "no smoke request in the registry",
            False,
        )
        assert server.hits == {}


def test_a_websocket_endpoint_is_untested_never_called() -> None:
    registry = parse_registry(client_registry_with_websocket(), "fleet.yaml")
    other = registry.apps["other"]
    with ModalLikeServer() as server:
        with FleetClient(registry, base_url=server.url, environ={}) as client:
            result = smoke_endpoint(client, other, other.serving("/socket")[0])
        assert (result.status, result.detail, result.failed) == (
            "untested",
            "a WebSocket: no JSON request to send",
            False,
        )
        assert server.hits == {}


def test_answers_must_be_media_of_the_requested_size() -> None:
    endpoint = REGISTRY.apps["flux"].endpoints["/flux"]
    from tests.client.server import IMAGE_BASE64

    assert check_answer(endpoint, {"output": IMAGE_BASE64}) == "the output is 1x1, not 64x64"
    assert check_answer(endpoint, {"output": "bm90IGFuIGltYWdl"}) == (
        "the output does not decode as an image or video"
    )
    assert check_answer(endpoint, ["no"]) == "the answer has no base64 `output`"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def clone(tmp_path: Path):
    root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    yield root
    fleet(root, "down")


def test_release_refuses_a_bad_tag_before_anything_deploys(clone: Path) -> None:
    result = fleet(clone, "release", "flux/latest", "--target", "local")
    assert result.returncode == 2
    assert "is not a release tag" in result.stderr
    assert not (clone / ".fleet").exists()


SEVERAL_WEBS = """\
version: 1
workspace: test
environments: {main: {web_suffix: ""}}
apps:
  pair:
    name: test-pair
    dir: apps/pair
    web:
      - function: first
        timeout_s: 60
        endpoints:
          /image:
            kind: text-to-image
            client_timeout_s: 30
            auxiliary: true
            smoke: {request: {prompt: a, width: 64, height: 64}, expect: image}
      - function: second
        timeout_s: 60
        endpoints:
          /image:
            kind: text-to-image
            client_timeout_s: 30
            auxiliary: true
            smoke: {request: {prompt: a, width: 64, height: 64}, expect: image}
          /health: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
"""


def test_each_web_function_s_endpoints_are_smoked_and_named() -> None:
    registry = parse_registry(SEVERAL_WEBS, "fleet.yaml")
    with ModalLikeServer() as server:
        results = smoke_apps(
            registry,
            [registry.apps["pair"]],
            lambda reg, env, base: FleetClient(reg, env=env, base_url=base, environ={}),
            env="main",
            base_url=lambda _app: server.url,
        )
        # Each web function's, once: the server's 1x1 image is not the 64x64 asked for.
        assert server.hits == {"POST /image": 2}
    assert [(r.web, r.endpoint, r.status) for r in results] == [
        ("first", "/image", "bad-response"),
        ("second", "/image", "bad-response"),
        ("second", "/health", "untested"),
    ]
    table = report_markdown(results)
    assert "| test-pair | `/image` (second) | bad-response |" in table
