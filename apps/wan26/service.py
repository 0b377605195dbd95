"""The HTTP layer of ryla-wan26: /wan2.6, /wan2.6-r2v and /wan2.6-lora."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from diffusers import WanImageToVideoPipeline, WanPipeline
from fastapi import FastAPI
from PIL import Image, ImageOps

from apps._shared.requests import LoraTextToVideo, MediaResponse, ReferenceToVideo, TextToVideo
from apps._shared.service import create_api, snap, video_response
from apps.wan26.pipelines import WanPipelines

# VAE factor 8 x patch 2: the pipelines raise on other sizes.
WAN_MULTIPLE = 16
# The VAE keeps the first frame and packs each later group of 4 frames into one latent.
TEMPORAL_FACTOR = 4


@dataclass(frozen=True)
class Sampler:
    steps: int
    guidance: float  # the high-noise expert
    guidance_2: float  # the low-noise expert


# The model cards' settings for Wan2.2-T2V-A14B and Wan2.2-I2V-A14B.
TEXT_TO_VIDEO = Sampler(steps=40, guidance=4.0, guidance_2=3.0)
IMAGE_TO_VIDEO = Sampler(steps=40, guidance=3.5, guidance_2=3.5)


def frames_to_generate(requested: int) -> int:
    """The smallest 4k+1 frame count the pipelines accept that is not below the request."""
    return requested + (1 - requested) % TEMPORAL_FACTOR


def _arguments(
    pipeline: WanPipeline | WanImageToVideoPipeline,
    request: TextToVideo,
    generator: torch.Generator,
    sampler: Sampler,
) -> dict[str, Any]:
    guidance = sampler.guidance if request.guidance is None else request.guidance
    guidance_2 = sampler.guidance_2 if request.guidance is None else request.guidance
    # The pipelines refuse guidance_scale_2 unless they have a second expert.
    two_experts = pipeline.config.boundary_ratio is not None
    return {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt or None,
        "width": snap(request.width, WAN_MULTIPLE),
        "height": snap(request.height, WAN_MULTIPLE),
        "num_frames": frames_to_generate(request.num_frames),
        "num_inference_steps": request.steps or sampler.steps,
        "guidance_scale": guidance,
        "guidance_scale_2": guidance_2 if two_experts else None,
        "generator": generator,
        "output_type": "pil",
    }


def _text_to_video(
    pipeline: WanPipeline, request: TextToVideo, generator: torch.Generator
) -> list[Image.Image]:
    output = pipeline(**_arguments(pipeline, request, generator, TEXT_TO_VIDEO))
    return output.frames[0][: request.num_frames]


def _reference_to_video(
    pipeline: WanImageToVideoPipeline, request: ReferenceToVideo, generator: torch.Generator
) -> list[Image.Image]:
    arguments = _arguments(pipeline, request, generator, IMAGE_TO_VIDEO)
    # The pipeline stretches the reference to the video size: crop it to the aspect first.
    first_frame = ImageOps.fit(request.reference_image, (arguments["width"], arguments["height"]))
    output = pipeline(image=first_frame, **arguments)
    return output.frames[0][: request.num_frames]


def create_app(pipelines: WanPipelines) -> FastAPI:
    api = create_api("ryla-wan26", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/wan2.6", response_model=MediaResponse)
    def wan(request: TextToVideo) -> MediaResponse:
        def run(generator: torch.Generator) -> list[Image.Image]:
            return _text_to_video(pipelines.text_to_video, request, generator)

        size = (request.width, request.height)
        return video_response(runtime, "/wan2.6", request.seed, size, run, fps=request.fps)

    @api.post("/wan2.6-r2v", response_model=MediaResponse)
    def wan_r2v(request: ReferenceToVideo) -> MediaResponse:
        def run(generator: torch.Generator) -> list[Image.Image]:
            return _reference_to_video(pipelines.image_to_video, request, generator)

        size = (request.width, request.height)
        return video_response(runtime, "/wan2.6-r2v", request.seed, size, run, fps=request.fps)

    @api.post("/wan2.6-lora", response_model=MediaResponse)
    def wan_lora(request: LoraTextToVideo) -> MediaResponse:
        def run(generator: torch.Generator) -> list[Image.Image]:
            pipeline = pipelines.text_to_video
            with pipelines.loras.applied(pipeline, request.lora_id, request.lora_scale):
                return _text_to_video(pipeline, request, generator)

        size = (request.width, request.height)
        return video_response(runtime, "/wan2.6-lora", request.seed, size, run, fps=request.fps)

    return api
