"""Request and response bodies for every endpoint kind, with the bounds the GPUs can serve."""

from __future__ import annotations

from typing import Annotated

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from apps._shared import media

MAX_SIDE = 2048
MAX_UPSCALE_SIDE = 4096
MAX_SEED = 2**32 - 1

Side = Annotated[int, Field(ge=64, le=MAX_SIDE, multiple_of=8)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
LoraId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]


def _image(value: object) -> Image.Image:
    if not isinstance(value, str):
        raise ValueError("expected a base64-encoded image")
    return media.decode_image(value)


def _video(value: object) -> list[Image.Image]:
    if not isinstance(value, str):
        raise ValueError("expected a base64-encoded animated WebP or GIF")
    return media.decode_video(value)


Base64Image = Annotated[
    Image.Image,
    PlainValidator(_image, json_schema_input_type=str),
    WithJsonSchema({"type": "string", "contentEncoding": "base64", "description": "PNG/JPEG/WebP"}),
]
Base64Video = Annotated[
    list[Image.Image],
    PlainValidator(_video, json_schema_input_type=str),
    WithJsonSchema(
        {"type": "string", "contentEncoding": "base64", "description": "animated WebP or GIF"}
    ),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: Seed | None = Field(default=None, description="Random when absent; echoed back.")


class TextToImage(_Request):
    prompt: Annotated[str, Field(min_length=1, max_length=2000)]
    negative_prompt: Annotated[str, Field(max_length=2000)] = ""
    width: Side = 1024
    height: Side = 1024
    steps: Annotated[int, Field(ge=1, le=100)] | None = None
    guidance: Annotated[float, Field(ge=0, le=20)] | None = None


class LoraTextToImage(TextToImage):
    lora_id: LoraId
    lora_scale: Annotated[float, Field(ge=0, le=2)] = 0.8


class FaceReference(TextToImage):
    reference_image: Base64Image
    reference_strength: Annotated[float, Field(ge=0, le=1)] = 0.8


class ImageEdit(TextToImage):
    image: Base64Image
    strength: Annotated[float, Field(gt=0, le=1)] = 0.8


class Inpaint(ImageEdit):
    mask: Base64Image = Field(description="White where the image is repainted.")


class TextToVideo(TextToImage):
    width: Annotated[int, Field(ge=64, le=1280, multiple_of=8)] = 832
    height: Annotated[int, Field(ge=64, le=1280, multiple_of=8)] = 480
    num_frames: Annotated[int, Field(ge=1, le=241)] = 81
    fps: Annotated[int, Field(ge=1, le=60)] = 16


class ReferenceToVideo(TextToVideo):
    reference_image: Base64Image


class LoraTextToVideo(TextToVideo):
    lora_id: LoraId
    lora_scale: Annotated[float, Field(ge=0, le=2)] = 0.8


class FaceSwap(_Request):
    video: Base64Video
    face_image: Base64Image
    width: Annotated[int, Field(ge=64, le=1280, multiple_of=8)] = 832
    height: Annotated[int, Field(ge=64, le=1280, multiple_of=8)] = 480
    num_frames: Annotated[int, Field(ge=1, le=241)] | None = Field(
        default=None, description="Frames of the input to process; all when absent."
    )
    fps: Annotated[int, Field(ge=1, le=60)] = 16


class Upscale(_Request):
    image: Base64Image
    width: Annotated[int, Field(ge=64, le=MAX_UPSCALE_SIDE, multiple_of=8)]
    height: Annotated[int, Field(ge=64, le=MAX_UPSCALE_SIDE, multiple_of=8)]
    steps: Annotated[int, Field(ge=1, le=50)] | None = None
    prompt: Annotated[str, Field(max_length=2000)] = ""


class Timing(BaseModel):
    inference_s: float
    encode_s: float
    total_s: float


class MediaResponse(BaseModel):
    """The generated output: base64 PNG for an image, base64 animated WebP for a video."""

    endpoint: str
    backend: str
    media_type: str
    output: str = Field(description="Base64 of the PNG image or animated WebP video.")
    width: int
    height: int
    frames: int
    fps: int | None = Field(default=None, description="Frames per second of a video.")
    seed: int
    timing: Timing


class Health(BaseModel):
    status: str
    backend: str
    models: dict[str, str] = Field(description="What each pipeline was built from.")
