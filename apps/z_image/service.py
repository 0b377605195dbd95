"""The HTTP layer of ryla-z-image: /z-image-simple, /z-image-danrisi and /z-image-lora."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers import ZImagePipeline
from fastapi import FastAPI
from PIL import Image

from apps._shared.requests import LoraTextToImage, MediaResponse, TextToImage
from apps._shared.service import create_api, image_response, snap
from apps.z_image.pipelines import ZImagePipelines

# VAE factor 8 x patch 2: the pipeline raises on other sizes instead of rounding them.
Z_IMAGE_MULTIPLE = 16


@dataclass(frozen=True)
class Sampler:
    steps: int
    guidance: float


TURBO = Sampler(steps=8, guidance=0.0)  # distilled: no classifier-free guidance
# Stands in for the ComfyUI Danrisi workflow, with the scheduler shift in pipelines.py.
# Z-Image's guidance g gives pos + g * (pos - neg): 1.0 is ComfyUI's cfg 2.0.
DANRISI = Sampler(steps=12, guidance=1.0)


def _generate(
    pipeline: ZImagePipeline,
    request: TextToImage,
    generator: torch.Generator,
    sampler: Sampler,
) -> Image.Image:
    return pipeline(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt or None,
        width=snap(request.width, Z_IMAGE_MULTIPLE),
        height=snap(request.height, Z_IMAGE_MULTIPLE),
        num_inference_steps=request.steps or sampler.steps,
        guidance_scale=sampler.guidance if request.guidance is None else request.guidance,
        generator=generator,
    ).images[0]


def create_app(pipelines: ZImagePipelines) -> FastAPI:
    api = create_api("ryla-z-image", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/z-image-simple", response_model=MediaResponse)
    def z_image_simple(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _generate(pipelines.turbo, request, generator, TURBO)

        size = (request.width, request.height)
        return image_response(runtime, "/z-image-simple", request.seed, size, run)

    @api.post("/z-image-danrisi", response_model=MediaResponse)
    def z_image_danrisi(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _generate(pipelines.danrisi, request, generator, DANRISI)

        size = (request.width, request.height)
        return image_response(runtime, "/z-image-danrisi", request.seed, size, run)

    @api.post("/z-image-lora", response_model=MediaResponse)
    def z_image_lora(request: LoraTextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            with pipelines.loras.applied(pipelines.turbo, request.lora_id, request.lora_scale):
                return _generate(pipelines.turbo, request, generator, TURBO)

        size = (request.width, request.height)
        return image_response(runtime, "/z-image-lora", request.seed, size, run)

    return api
