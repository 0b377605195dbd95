"""The pieces every app shares: media codecs, backend selection, sizes, LoRA handling."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from apps._shared import media
from apps._shared.lora import LoraLibrary, adapter_name, random_adapter
from apps._shared.service import fit, snap
from tests.apps.conftest import REGISTRY, call, tiny_api
from tools.release.smoke_request import smoke_request


def _png(size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_images_round_trip_through_base64_png() -> None:
    image = media.decode_image(_png((24, 16)))
    assert (image.mode, image.size, image.getpixel((0, 0))) == ("RGB", (24, 16), (10, 20, 30))
    assert media.decode_image(f"data:image/png;base64,{_png((8, 8))}").size == (8, 8)
    assert media.decode_image(media.encode_image(image)).size == (24, 16)


def test_videos_round_trip_through_animated_webp() -> None:
    frames = [Image.new("RGB", (16, 8), (i * 60, 0, 0)) for i in range(3)]
    decoded = media.decode_video(media.encode_video(frames, fps=8))
    assert [frame.size for frame in decoded] == [(16, 8)] * 3


def test_identical_frames_merged_by_the_encoder_count_again_at_the_fps() -> None:
    still = [Image.new("RGB", (16, 8), (90, 0, 0))] * 4 + [Image.new("RGB", (16, 8), (0, 90, 0))]
    encoded = media.encode_video(still, fps=16)
    assert len(media.decode_video(encoded)) == 2
    decoded = media.decode_video(encoded, fps=16)
    assert [frame.getpixel((0, 0))[1] > 40 for frame in decoded] == [False] * 4 + [True]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("%%%", "not valid base64"),
        (base64.b64encode(b"GIF89a").decode(), "not a decodable image"),
        (
            "A" * (media.MAX_BASE64_CHARS + 4),
            f"larger than {media.MAX_BASE64_CHARS} base64 characters",
        ),
    ],
)
def test_undecodable_media_raise_media_error(data: str, message: str) -> None:
    with pytest.raises(media.MediaError) as caught:
        media.decode_image(data)
    assert str(caught.value) == message


def test_images_over_the_pixel_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "MAX_PIXELS", 100)
    with pytest.raises(media.MediaError) as caught:
        media.decode_image(_png((20, 20)))
    assert str(caught.value) == "larger than 100 pixels"


def test_sizes_snap_to_the_pipeline_grid_and_fit_back() -> None:
    assert [snap(v, 16) for v in (8, 64, 72, 1000)] == [16, 64, 80, 1008]
    image = Image.new("RGB", (80, 64))
    assert fit(image, 72, 64).size == (72, 64)
    assert fit(image, 80, 64) is image


def test_adapter_names_are_identifiers() -> None:
    name = adapter_name("my.style-v2")
    assert name.isidentifier()
    assert name == adapter_name("my.style-v2") != adapter_name("my.style-v3")


def test_lora_is_applied_for_one_call_and_kept_loaded() -> None:
    from apps.flux.pipelines import load

    pipelines = load("tiny")
    loaded: list[str] = []

    def source(lora_id: str, pipeline: object) -> dict:
        loaded.append(lora_id)
        return random_adapter(lora_id, pipeline)

    library = LoraLibrary(source)
    for _ in range(2):
        with library.applied(pipelines.dev, "style-a", 1.0):
            assert pipelines.dev.get_active_adapters() == [adapter_name("style-a")]
    assert loaded == ["style-a"]
    assert pipelines.dev.get_list_adapters() == {"transformer": [adapter_name("style-a")]}
    with library.applied(pipelines.dev, "style-b", 0.5):
        assert pipelines.dev.get_active_adapters() == [adapter_name("style-b")]
    assert loaded == ["style-a", "style-b"]
    assert pipelines.dev.get_list_adapters() == {
        "transformer": [adapter_name("style-a"), adapter_name("style-b")]
    }


def test_unknown_lora_is_a_404(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from apps._shared import lora
    from apps.flux.pipelines import load
    from apps.flux.service import create_app

    pipelines = load("tiny")
    pipelines.loras = LoraLibrary(lora.from_volume)
    monkeypatch.setattr(lora, "LORA_DIR", str(tmp_path))
    body = smoke_request(REGISTRY.apps["flux"].endpoints["/flux-dev-lora"])
    response = call(create_app(pipelines), "POST", "/flux-dev-lora", body)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "unknown lora_id smoke-style"},
    )
    assert call(tiny_api("apps/flux"), "POST", "/flux-dev-lora", body).status_code == 200
