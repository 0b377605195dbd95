"""The HTTP layer of ryla-qwen-image: /qwen-image-2512 (full, -fast, -lora) and /video-faceswap."""

from __future__ import annotations

import torch
from diffusers import QwenImageEditPlusPipeline, QwenImagePipeline
from fastapi import FastAPI
from PIL import Image

from apps._shared.qwen import QWEN_MULTIPLE, true_cfg
from apps._shared.requests import FaceSwap, LoraTextToImage, MediaResponse, TextToImage
from apps._shared.service import create_api, image_response, snap, video_response
from apps.qwen_image.pipelines import EDIT_LIGHTNING, LIGHTNING, QwenImagePipelines

FACESWAP_PROMPT = (
    "Replace the face of the person in image 1 with the face from image 2; "
    "keep everything else unchanged"
)
# With the Lightning LoRA, 8 passes per frame instead of 40 steps x 2 for CFG: the per-frame
# cost is what decides how many frames fit the 900 s timeout.
FACESWAP_STEPS = 8


def _generate(
    pipeline: QwenImagePipeline,
    request: TextToImage,
    generator: torch.Generator,
    *,
    steps: int,
    cfg: float,
) -> Image.Image:
    scale, negative_prompt = true_cfg(request, cfg)
    return pipeline(
        prompt=request.prompt,
        negative_prompt=negative_prompt,
        true_cfg_scale=scale,
        width=snap(request.width, QWEN_MULTIPLE),
        height=snap(request.height, QWEN_MULTIPLE),
        num_inference_steps=request.steps or steps,
        generator=generator,
    ).images[0]


def _swap_faces(
    pipeline: QwenImageEditPlusPipeline, request: FaceSwap, generator: torch.Generator
) -> list[Image.Image]:
    return [
        pipeline(
            image=[frame, request.face_image],
            prompt=FACESWAP_PROMPT,
            true_cfg_scale=1.0,
            width=snap(request.width, QWEN_MULTIPLE),
            height=snap(request.height, QWEN_MULTIPLE),
            num_inference_steps=FACESWAP_STEPS,
            generator=generator,
        ).images[0]
        for frame in request.video[: request.num_frames]
    ]


def create_app(pipelines: QwenImagePipelines) -> FastAPI:
    api = create_api("ryla-qwen-image", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/qwen-image-2512", response_model=MediaResponse)
    def qwen_image(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _generate(pipelines.image, request, generator, steps=50, cfg=4.0)

        size = (request.width, request.height)
        return image_response(runtime, "/qwen-image-2512", request.seed, size, run)

    @api.post("/qwen-image-2512-fast", response_model=MediaResponse)
    def qwen_image_fast(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            with pipelines.lightning.applied(pipelines.fast, LIGHTNING, 1.0):
                return _generate(pipelines.fast, request, generator, steps=8, cfg=1.0)

        size = (request.width, request.height)
        return image_response(runtime, "/qwen-image-2512-fast", request.seed, size, run)

    @api.post("/qwen-image-2512-lora", response_model=MediaResponse)
    def qwen_image_lora(request: LoraTextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            with pipelines.loras.applied(pipelines.image, request.lora_id, request.lora_scale):
                return _generate(pipelines.image, request, generator, steps=50, cfg=4.0)

        size = (request.width, request.height)
        return image_response(runtime, "/qwen-image-2512-lora", request.seed, size, run)

    @api.post("/video-faceswap", response_model=MediaResponse)
    def video_faceswap(request: FaceSwap) -> MediaResponse:
        def run(generator: torch.Generator) -> list[Image.Image]:
            with pipelines.lightning.applied(pipelines.edit, EDIT_LIGHTNING, 1.0):
                return _swap_faces(pipelines.edit, request, generator)

        size = (request.width, request.height)
        return video_response(runtime, "/video-faceswap", request.seed, size, run, fps=request.fps)

    return api
