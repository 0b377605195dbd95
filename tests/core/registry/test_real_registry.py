"""The checked-in registry: the fleet the audit describes, with its URLs and timeouts."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tools.core.registry.load import load_registry
from tools.core.registry.model import Registry
from tools.core.registry.schema import render_schema

FLEET = {
    "ryla-flux": ("apps/flux", 300, {"/flux": 180, "/flux-dev": 180, "/flux-dev-lora": 180}),
    "ryla-instantid": (
        "apps/instantid",
        600,
        {
            "/sdxl-instantid": 420,
            "/sdxl-turbo": 180,
            "/sdxl-lightning": 180,
            "/flux-pulid": 420,
            "/flux-ipadapter-faceid": 420,
        },
    ),
    "ryla-qwen-image": (
        "apps/qwen_image",
        900,
        {
            "/qwen-image-2512": 600,
            "/qwen-image-2512-fast": 600,
            "/qwen-image-2512-lora": 600,
            "/video-faceswap": 600,
        },
    ),
    "ryla-qwen-edit": (
        "apps/qwen_edit",
        600,
        {"/qwen-image-edit-2511": 420, "/qwen-image-inpaint-2511": 420},
    ),
    "ryla-z-image": (
        "apps/z_image",
        900,
        {"/z-image-simple": 600, "/z-image-danrisi": 600, "/z-image-lora": 600},
    ),
    "ryla-wan26": ("apps/wan26", 900, {"/wan2.6": 600, "/wan2.6-r2v": 600, "/wan2.6-lora": 600}),
    "ryla-seedvr2": ("apps/seedvr2", 900, {"/seedvr2": 600}),
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "registry" / "fleet.yaml")


def test_the_fleet_is_the_audits_seven_apps_and_21_endpoints(registry: Registry) -> None:
    actual = {
        app.name: (
            app.dir,
            app.timeout_s,
            {path: e.client_timeout_s for path, e in app.endpoints.items()},
        )
        for app in registry.apps.values()
    }
    assert actual == FLEET
    assert sum(1 for _ in registry.endpoints()) == 21


def test_every_app_serves_from_the_comfyui_fastapi_label(registry: Registry) -> None:
    assert {app.label for app in registry.apps.values()} == {
        f"{name}-comfyui-fastapi-app" for name in FLEET
    }


def test_production_and_staging_urls(registry: Registry) -> None:
    flux = registry.apps["flux"]
    assert (
        registry.url(flux, "/flux") == "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux"
    )
    assert (
        registry.url(flux, "/flux", env="staging")
        == "https://ryla-staging--ryla-flux-comfyui-fastapi-app.modal.run/flux"
    )
    assert registry.host(registry.apps["seedvr2"], "staging") == (
        "ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run"
    )


def test_derived_lookups(registry: Registry) -> None:
    assert registry.app_of("/video-faceswap") is registry.apps["qwen-image"]
    assert registry.app_of("/flux-instantid") is None  # fleet: ignore[FL003]
    endpoint = registry.endpoint("/sdxl-instantid")
    assert endpoint is not None
    assert (endpoint.client_timeout_s, endpoint.client_timeout_ms) == (420, 420_000)
    assert (
        registry.find_app("flux")
        is registry.find_app("ryla-flux")
        is registry.find_app("apps/flux/")
    )


def test_retired_names(registry: Registry) -> None:
    retired = registry.retired
    # fleet: ignore[FL003]
    assert [a.name for a in retired.apps] == ["ryla-comfyui"]
    # fleet: ignore[FL003]
    assert retired.apps[0].url == "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run"
    assert [e.path for e in retired.endpoints] == ["/flux-instantid"]  # fleet: ignore[FL003]
    assert [f.path for f in retired.files] == [
        "comfyui_danrisi.py",  # fleet: ignore[FL003]
        "comfyui_z_image_turbo.py",  # fleet: ignore[FL003]
    ]


def test_smoke_fixture_sizes_resolve_against_the_request(registry: Registry) -> None:
    seedvr2 = registry.apps["seedvr2"].endpoints["/seedvr2"].smoke
    assert seedvr2.fixture("image").model_dump() == {"kind": "image", "width": 32, "height": 32}
    inpaint = registry.apps["qwen-edit"].endpoints["/qwen-image-inpaint-2511"].smoke
    assert inpaint.fixture("mask").model_dump() == {"kind": "mask", "width": 64, "height": 64}


def test_checked_in_schema_is_current() -> None:
    schema = (REPO / "registry" / "fleet.schema.json").read_text(encoding="utf-8")
    assert schema == render_schema(), "run `fleet registry schema`"


def test_registry_names_its_schema_for_editors() -> None:
    first_line = (REPO / "registry" / "fleet.yaml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=./fleet.schema.json"
