"""The registry's smoke request for an endpoint, with its fixtures filled in.

Fixture media are generated, not stored: a deterministic gradient image, a centred mask, or a
short animated WebP, each at the size the registry gives.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from tools.core.registry.model import Endpoint, Fixture

VIDEO_FIXTURE_FRAMES = 4


def smoke_request(endpoint: Endpoint) -> dict[str, Any]:
    body = dict(endpoint.smoke.request)
    frames = body.get("num_frames")
    for field in endpoint.smoke.fixtures:
        fixture = endpoint.smoke.fixture(field)
        body[field] = fixture_base64(fixture, frames if isinstance(frames, int) else None)
    return body


def fixture_base64(fixture: Fixture, frames: int | None = None) -> str:
    """The fixture as base64; a video has `frames` frames (default VIDEO_FIXTURE_FRAMES)."""
    assert fixture.width is not None
    assert fixture.height is not None
    size = (fixture.width, fixture.height)
    buffer = io.BytesIO()
    if fixture.kind == "image":
        _gradient(size, 0).save(buffer, format="PNG")
    elif fixture.kind == "mask":
        _mask(size).save(buffer, format="PNG")
    else:
        video = [_gradient(size, i) for i in range(frames or VIDEO_FIXTURE_FRAMES)]
        video[0].save(buffer, format="WEBP", save_all=True, append_images=video[1:], duration=125)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _gradient(size: tuple[int, int], phase: int) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [
            ((x * 255) // width, (y * 255) // height, (phase * 64 + x + y) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def _mask(size: tuple[int, int]) -> Image.Image:
    width, height = size
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle((width // 4, height // 4, 3 * width // 4, 3 * height // 4), 255)
    return mask.convert("RGB")
