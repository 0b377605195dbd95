"""The HTTP layer every app shares: `/health`, seeding, timing, encoding, one call at a time.

Apps declare their routes with plain FastAPI decorators and call `image_response` or
`video_response` with a function that runs the pipeline; nothing here imports modal or loads
weights.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from PIL import Image

from apps._shared import media
from apps._shared.lora import LoraNotFound
from apps._shared.requests import MAX_SEED, Health, MediaResponse, Timing


@dataclass
class Runtime:
    """What a service needs besides its pipelines: what /health reports, and a lock.

    Diffusers pipelines are not safe to call from two threads at once; FastAPI runs sync
    routes in a thread pool, so every call takes the lock.
    """

    backend: str
    models: dict[str, str]
    lock: threading.Lock = field(default_factory=threading.Lock)


def create_api(title: str, runtime: Runtime) -> FastAPI:
    api = FastAPI(title=title, docs_url="/docs", redoc_url=None)

    @api.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", backend=runtime.backend, models=runtime.models)

    @api.exception_handler(LoraNotFound)
    def unknown_lora(_request: Request, error: LoraNotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": f"unknown lora_id {error}"})

    return api


def snap(value: int, multiple: int) -> int:
    """The smallest size at least `value` that a pipeline accepts; `fit` restores the request's.

    Rounding up means the output is only ever scaled down to the requested size.
    """
    return -(-value // multiple) * multiple


def fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """The image at exactly the requested size (pipelines round sizes to their own multiples)."""
    if image.size == (width, height):
        return image
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _seeded(seed: int | None) -> tuple[int, torch.Generator]:
    chosen = random.randint(0, MAX_SEED) if seed is None else seed
    return chosen, torch.Generator("cpu").manual_seed(chosen)


def image_response(
    runtime: Runtime,
    endpoint: str,
    seed: int | None,
    size: tuple[int, int],
    run: Callable[[torch.Generator], Image.Image],
) -> MediaResponse:
    started = time.perf_counter()
    chosen, generator = _seeded(seed)
    with runtime.lock:
        image = fit(run(generator), *size)
    inferred = time.perf_counter()
    output = media.encode_image(image)
    done = time.perf_counter()
    return MediaResponse(
        endpoint=endpoint,
        backend=runtime.backend,
        media_type=media.IMAGE_MEDIA_TYPE,
        output=output,
        width=image.width,
        height=image.height,
        frames=1,
        seed=chosen,
        timing=_timing(started, inferred, done),
    )


def video_response(
    runtime: Runtime,
    endpoint: str,
    seed: int | None,
    size: tuple[int, int],
    run: Callable[[torch.Generator], list[Image.Image]],
    *,
    fps: int,
) -> MediaResponse:
    started = time.perf_counter()
    chosen, generator = _seeded(seed)
    with runtime.lock:
        frames = [fit(frame, *size) for frame in run(generator)]
    inferred = time.perf_counter()
    output = media.encode_video(frames, fps)
    done = time.perf_counter()
    return MediaResponse(
        endpoint=endpoint,
        backend=runtime.backend,
        media_type=media.VIDEO_MEDIA_TYPE,
        output=output,
        width=size[0],
        height=size[1],
        frames=len(frames),
        fps=fps,
        seed=chosen,
        timing=_timing(started, inferred, done),
    )


def _timing(started: float, inferred: float, done: float) -> Timing:
    return Timing(
        inference_s=round(inferred - started, 4),
        encode_s=round(done - inferred, 4),
        total_s=round(done - started, 4),
    )
