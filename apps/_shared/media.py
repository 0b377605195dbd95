"""Images and videos in and out of JSON.

Images travel as base64 PNG; videos as base64 animated WebP, which Pillow writes and reads
without ffmpeg. Decoding never raises anything but `MediaError`, so a corrupt upload becomes
a 422, not a 500.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image, ImageSequence, UnidentifiedImageError

IMAGE_MEDIA_TYPE = "image/png"
VIDEO_MEDIA_TYPE = "image/webp"
MAX_BASE64_CHARS = 48 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
MAX_FRAMES = 512


class MediaError(ValueError):
    """An upload that is not the media it claims to be."""


def _decode_base64(data: str) -> bytes:
    if not isinstance(data, str):
        raise MediaError("expected a base64 string")
    if len(data) > MAX_BASE64_CHARS:
        raise MediaError(f"larger than {MAX_BASE64_CHARS} base64 characters")
    if data.startswith("data:"):
        data = data.partition(",")[2]
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise MediaError("not valid base64") from None


def _open(raw: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.width * image.height > MAX_PIXELS:
                raise MediaError(f"larger than {MAX_PIXELS} pixels")
            image.load()
    except MediaError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Warning):
        raise MediaError("not a decodable image") from None
    except Image.DecompressionBombError:
        raise MediaError(f"larger than {MAX_PIXELS} pixels") from None
    return image


def decode_image(data: str) -> Image.Image:
    return _open(_decode_base64(data)).convert("RGB")


def decode_video(data: str, fps: int | None = None) -> list[Image.Image]:
    """The frames of an animated image.

    WebP and GIF encoders merge identical consecutive frames into one longer frame; given the
    `fps` the video was encoded at, such a frame counts once per frame time it is shown.
    """
    image = _open(_decode_base64(data))
    frames: list[Image.Image] = []
    try:
        for frame in ImageSequence.Iterator(image):
            shown = frame.info.get("duration", 0)
            copies = 1 if fps is None else max(1, round(shown * fps / 1000))
            if len(frames) + copies > MAX_FRAMES:
                raise MediaError(f"more than {MAX_FRAMES} frames")
            rgb = frame.convert("RGB")
            frames.extend([rgb] * copies)
    except (OSError, ValueError, EOFError):
        raise MediaError("not a decodable video") from None
    return frames


def encode_image(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def encode_video(frames: list[Image.Image], fps: int) -> str:
    buffer = io.BytesIO()
    first, *rest = frames
    first.save(
        buffer,
        format="WEBP",
        save_all=True,
        append_images=rest,
        duration=max(1, round(1000 / fps)),
        loop=0,
        quality=90,
    )
    return base64.b64encode(buffer.getvalue()).decode("ascii")
