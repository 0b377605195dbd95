"""The HTTP layer of ryla-seedvr2: /seedvr2, an image upscaled to exactly the requested size."""

from __future__ import annotations

import torch
from diffusers import StableDiffusionUpscalePipeline
from fastapi import FastAPI
from PIL import Image

from apps._shared.requests import MediaResponse, Upscale
from apps._shared.service import create_api, image_response, snap
from apps.seedvr2.pipelines import UpscalePipelines

STEPS = 25
# With an empty prompt both halves of classifier-free guidance see the same text: it would
# double the work and change nothing, so guidance is on only when a prompt is given.
PROMPT_GUIDANCE = 7.5


def low_resolution_size(width: int, height: int, factor: int) -> tuple[int, int]:
    """The smallest input whose upscale covers width x height.

    The pipeline rounds its input down to a multiple of `factor` and returns `factor` times
    that, so its outputs are multiples of factor**2 (16 for the x4 upscaler): exactly the
    request when it is one, otherwise less than factor**2 pixels more, which `fit` scales down.
    """
    multiple = factor * factor
    return snap(width, multiple) // factor, snap(height, multiple) // factor


def _upscale(
    pipeline: StableDiffusionUpscalePipeline, request: Upscale, generator: torch.Generator
) -> Image.Image:
    size = low_resolution_size(request.width, request.height, pipeline.vae_scale_factor)
    return pipeline(
        prompt=request.prompt,
        image=request.image.resize(size, Image.Resampling.BICUBIC),
        num_inference_steps=request.steps or STEPS,
        guidance_scale=PROMPT_GUIDANCE if request.prompt else 1.0,
        generator=generator,
    ).images[0]


def create_app(pipelines: UpscalePipelines) -> FastAPI:
    api = create_api("ryla-seedvr2", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/seedvr2", response_model=MediaResponse)
    def seedvr2(request: Upscale) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _upscale(pipelines.upscaler, request, generator)

        size = (request.width, request.height)
        return image_response(runtime, "/seedvr2", request.seed, size, run)

    return api
