"""Every endpoint answers its registry smoke request with real media of the requested size."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from apps._shared import media
from tests.apps.conftest import APPS, ENDPOINTS, REGISTRY, app_id, call, tiny_api
from tools.core.registry.model import App
from tools.release.smoke_request import smoke_request


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_routes_equal_the_registry_endpoints(app: App) -> None:
    api = tiny_api(app.dir)
    posts = {route.path for route in api.routes if "POST" in getattr(route, "methods", set())}
    assert posts == set(app.endpoints)


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_health_names_the_tiny_backend(app: App) -> None:
    response = call(tiny_api(app.dir), "GET", "/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["backend"]) == ("ok", "tiny")
    assert body["models"]
    assert all(isinstance(v, str) and v for v in body["models"].values())


@pytest.mark.parametrize(("app", "path"), ENDPOINTS, ids=[p for _, p in ENDPOINTS])
def test_smoke_request_returns_media_of_the_requested_size(app: App, path: str) -> None:
    endpoint = app.endpoints[path]
    request = endpoint.smoke.request
    response = call(tiny_api(app.dir), "POST", path, smoke_request(endpoint))
    assert response.status_code == 200, response.text
    body = response.json()
    size = (request["width"], request["height"])
    assert (body["endpoint"], body["backend"], body["seed"]) == (path, "tiny", request["seed"])
    assert (body["width"], body["height"]) == size
    if endpoint.smoke.expect == "image":
        image = Image.open(io.BytesIO(base64.b64decode(body["output"])))
        assert (image.format, image.size, body["media_type"], body["frames"]) == (
            "PNG",
            size,
            "image/png",
            1,
        )
    else:
        frames = media.decode_video(body["output"], fps=body["fps"])
        assert body["media_type"] == "image/webp"
        assert len(frames) == body["frames"] == request["num_frames"]
        assert {frame.size for frame in frames} == {size}


def test_same_seed_gives_the_same_image() -> None:
    endpoint = REGISTRY.apps["flux"].endpoints["/flux"]
    api = tiny_api("apps/flux")
    first = call(api, "POST", "/flux", smoke_request(endpoint)).json()["output"]
    second = call(api, "POST", "/flux", smoke_request(endpoint)).json()["output"]
    assert first == second


MEDIA_FIELDS = [
    (app, path, field) for app, path in ENDPOINTS for field in app.endpoints[path].smoke.fixtures
]


@pytest.mark.parametrize(
    ("app", "path", "field"), MEDIA_FIELDS, ids=[f"{p}:{f}" for _, p, f in MEDIA_FIELDS]
)
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("not base64!", "not valid base64"),
        (base64.b64encode(b"\x89PNG\r\n\x1a\n truncated").decode(), "not a decodable image"),
    ],
    ids=["bad-base64", "corrupt-image"],
)
def test_corrupt_media_is_a_422(app: App, path: str, field: str, bad: str, message: str) -> None:
    body = smoke_request(app.endpoints[path]) | {field: bad}
    response = call(tiny_api(app.dir), "POST", path, body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["msg"]) == (["body", field], f"Value error, {message}")


@pytest.mark.parametrize(("app", "path"), ENDPOINTS, ids=[p for _, p in ENDPOINTS])
def test_sizes_off_the_grid_are_a_422(app: App, path: str) -> None:
    body = smoke_request(app.endpoints[path]) | {"width": 100}
    response = call(tiny_api(app.dir), "POST", path, body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["msg"]) == (["body", "width"], "Input should be a multiple of 8")


def test_unknown_fields_and_missing_prompt_are_422s() -> None:
    api = tiny_api("apps/flux")
    response = call(api, "POST", "/flux", {"width": 64, "height": 64, "colour": "red"})
    assert response.status_code == 422
    errors = {(tuple(e["loc"]), e["type"]) for e in response.json()["detail"]}
    assert errors == {(("body", "prompt"), "missing"), (("body", "colour"), "extra_forbidden")}
