"""The HTTP layer of ryla-flux: /flux (schnell), /flux-dev and /flux-dev-lora."""

from __future__ import annotations

import torch
from diffusers import FluxPipeline
from fastapi import FastAPI
from PIL import Image

from apps._shared.requests import LoraTextToImage, MediaResponse, TextToImage
from apps._shared.service import create_api, image_response, snap
from apps.flux.pipelines import FluxPipelines

FLUX_MULTIPLE = 16


def _generate(
    pipeline: FluxPipeline,
    request: TextToImage,
    generator: torch.Generator,
    *,
    steps: int,
    guidance: float,
) -> Image.Image:
    return pipeline(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt or None,
        true_cfg_scale=4.0 if request.negative_prompt else 1.0,
        width=snap(request.width, FLUX_MULTIPLE),
        height=snap(request.height, FLUX_MULTIPLE),
        num_inference_steps=request.steps or steps,
        guidance_scale=guidance if request.guidance is None else request.guidance,
        generator=generator,
    ).images[0]


def create_app(pipelines: FluxPipelines) -> FastAPI:
    api = create_api("ryla-flux", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/flux", response_model=MediaResponse)
    def flux(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _generate(pipelines.schnell, request, generator, steps=4, guidance=0.0)

        return image_response(runtime, "/flux", request.seed, (request.width, request.height), run)

    @api.post("/flux-dev", response_model=MediaResponse)
    def flux_dev(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _generate(pipelines.dev, request, generator, steps=28, guidance=3.5)

        size = (request.width, request.height)
        return image_response(runtime, "/flux-dev", request.seed, size, run)

    @api.post("/flux-dev-lora", response_model=MediaResponse)
    def flux_dev_lora(request: LoraTextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            with pipelines.loras.applied(pipelines.dev, request.lora_id, request.lora_scale):
                return _generate(pipelines.dev, request, generator, steps=28, guidance=3.5)

        size = (request.width, request.height)
        return image_response(runtime, "/flux-dev-lora", request.seed, size, run)

    return api
