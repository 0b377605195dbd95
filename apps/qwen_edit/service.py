"""The HTTP layer of ryla-qwen-edit: /qwen-image-edit-2511 and /qwen-image-inpaint-2511."""

from __future__ import annotations

import torch
from fastapi import FastAPI
from PIL import Image

from apps._shared.qwen import QWEN_MULTIPLE, true_cfg
from apps._shared.requests import ImageEdit, Inpaint, MediaResponse, TextToImage
from apps._shared.service import create_api, image_response, snap
from apps.qwen_edit.pipelines import QwenEditPipelines

EDIT_STEPS = 40
EDIT_CFG = 4.0


def _snapped(request: TextToImage) -> tuple[int, int]:
    return snap(request.width, QWEN_MULTIPLE), snap(request.height, QWEN_MULTIPLE)


def _edit(
    pipelines: QwenEditPipelines, request: ImageEdit, generator: torch.Generator
) -> Image.Image:
    scale, negative_prompt = true_cfg(request, EDIT_CFG)
    width, height = _snapped(request)
    return pipelines.edit(
        image=[request.image],
        prompt=request.prompt,
        negative_prompt=negative_prompt,
        true_cfg_scale=scale,
        width=width,
        height=height,
        num_inference_steps=request.steps or EDIT_STEPS,
        generator=generator,
    ).images[0]


def _inpaint(
    pipelines: QwenEditPipelines, request: Inpaint, generator: torch.Generator
) -> Image.Image:
    scale, negative_prompt = true_cfg(request, EDIT_CFG)
    size = _snapped(request)
    width, height = size
    # The pipeline ignores width and height: it works at its input's aspect ratio, so the
    # input gets the requested one.
    return pipelines.inpaint(
        image=request.image.resize(size, Image.Resampling.LANCZOS),
        mask_image=request.mask.resize(size, Image.Resampling.NEAREST),
        prompt=request.prompt,
        negative_prompt=negative_prompt,
        true_cfg_scale=scale,
        strength=request.strength,
        width=width,
        height=height,
        num_inference_steps=request.steps or EDIT_STEPS,
        generator=generator,
    ).images[0]


def create_app(pipelines: QwenEditPipelines) -> FastAPI:
    api = create_api("ryla-qwen-edit", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/qwen-image-edit-2511", response_model=MediaResponse)
    def qwen_image_edit(request: ImageEdit) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _edit(pipelines, request, generator)

        size = (request.width, request.height)
        return image_response(runtime, "/qwen-image-edit-2511", request.seed, size, run)

    @api.post("/qwen-image-inpaint-2511", response_model=MediaResponse)
    def qwen_image_inpaint(request: Inpaint) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _inpaint(pipelines, request, generator)

        size = (request.width, request.height)
        return image_response(runtime, "/qwen-image-inpaint-2511", request.seed, size, run)

    return api
