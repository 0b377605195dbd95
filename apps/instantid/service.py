"""The HTTP layer of ryla-instantid: SDXL face reference and fast SDXL, FLUX.1-dev face references.

/sdxl-instantid, /sdxl-turbo, /sdxl-lightning, /flux-pulid and /flux-ipadapter-faceid. Each
pipeline has one call function for both backends; IP-Adapter inputs are passed only where the
pipelines say an IP-Adapter is loaded.
"""

from __future__ import annotations

import torch
from diffusers import StableDiffusionXLPipeline
from fastapi import FastAPI
from PIL import Image, ImageOps

from apps._shared.requests import FaceReference, MediaResponse, TextToImage
from apps._shared.service import create_api, image_response, snap
from apps.instantid.pipelines import InstantIdPipelines

FLUX_MULTIPLE = 16
INSTANTID_STEPS = 30
INSTANTID_GUIDANCE = 5.0
FLUX_STEPS = 28
FLUX_GUIDANCE = 3.5
# PuLID-style: a tight face crop weighted heavily; FaceID-style: the whole reference, lighter.
PULID_IP_ADAPTER_SCALE = 1.0
FACEID_IP_ADAPTER_SCALE = 0.6
# Side of the centred square kept as the face, relative to the reference's shorter side.
FACE_CROP_FRACTION = 0.6


def fitted(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The image scaled and centre-cropped to `size`, so a reference is never distorted."""
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)


def face_crop(image: Image.Image) -> Image.Image:
    """A centred square: references are portraits, and CLIP sees more face in a tight crop."""
    side = max(1, round(min(image.size) * FACE_CROP_FRACTION))
    left = (image.width - side) // 2
    top = (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))


def img2img_strength(reference_strength: float) -> float:
    """In [0.5, 1]: a stronger reference keeps more of the init image; never zero steps."""
    return 1.0 - 0.5 * reference_strength


def _text_to_image(
    pipeline: StableDiffusionXLPipeline,
    request: TextToImage,
    generator: torch.Generator,
    *,
    steps: int,
    guidance: float,
) -> Image.Image:
    return pipeline(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt or None,
        width=request.width,
        height=request.height,
        num_inference_steps=request.steps or steps,
        guidance_scale=guidance if request.guidance is None else request.guidance,
        generator=generator,
    ).images[0]


def _instantid(
    pipelines: InstantIdPipelines, request: FaceReference, generator: torch.Generator
) -> Image.Image:
    size = (request.width, request.height)
    if pipelines.instantid_ip_adapter:
        pipelines.instantid.set_ip_adapter_scale(request.reference_strength)
    return pipelines.instantid(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt or None,
        image=fitted(request.reference_image, size),
        width=request.width,
        height=request.height,
        controlnet_conditioning_scale=request.reference_strength,
        ip_adapter_image=request.reference_image if pipelines.instantid_ip_adapter else None,
        num_inference_steps=request.steps or INSTANTID_STEPS,
        guidance_scale=INSTANTID_GUIDANCE if request.guidance is None else request.guidance,
        generator=generator,
    ).images[0]


def _flux_reference(
    pipelines: InstantIdPipelines,
    request: FaceReference,
    generator: torch.Generator,
    *,
    identity: Image.Image,
    ip_adapter_scale: float,
) -> Image.Image:
    width = snap(request.width, FLUX_MULTIPLE)
    height = snap(request.height, FLUX_MULTIPLE)
    if pipelines.flux_ip_adapter:
        pipelines.flux.set_ip_adapter_scale(ip_adapter_scale)
    return pipelines.flux(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt or None,
        true_cfg_scale=4.0 if request.negative_prompt else 1.0,
        image=fitted(request.reference_image, (width, height)),
        width=width,
        height=height,
        strength=img2img_strength(request.reference_strength),
        ip_adapter_image=identity if pipelines.flux_ip_adapter else None,
        num_inference_steps=request.steps or FLUX_STEPS,
        guidance_scale=FLUX_GUIDANCE if request.guidance is None else request.guidance,
        generator=generator,
    ).images[0]


def create_app(pipelines: InstantIdPipelines) -> FastAPI:
    api = create_api("ryla-instantid", pipelines.runtime)
    runtime = pipelines.runtime

    @api.post("/sdxl-instantid", response_model=MediaResponse)
    def sdxl_instantid(request: FaceReference) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _instantid(pipelines, request, generator)

        size = (request.width, request.height)
        return image_response(runtime, "/sdxl-instantid", request.seed, size, run)

    @api.post("/sdxl-turbo", response_model=MediaResponse)
    def sdxl_turbo(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _text_to_image(pipelines.turbo, request, generator, steps=1, guidance=0.0)

        size = (request.width, request.height)
        return image_response(runtime, "/sdxl-turbo", request.seed, size, run)

    @api.post("/sdxl-lightning", response_model=MediaResponse)
    def sdxl_lightning(request: TextToImage) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _text_to_image(pipelines.lightning, request, generator, steps=4, guidance=0.0)

        size = (request.width, request.height)
        return image_response(runtime, "/sdxl-lightning", request.seed, size, run)

    @api.post("/flux-pulid", response_model=MediaResponse)
    def flux_pulid(request: FaceReference) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _flux_reference(
                pipelines,
                request,
                generator,
                identity=face_crop(request.reference_image),
                ip_adapter_scale=PULID_IP_ADAPTER_SCALE,
            )

        size = (request.width, request.height)
        return image_response(runtime, "/flux-pulid", request.seed, size, run)

    @api.post("/flux-ipadapter-faceid", response_model=MediaResponse)
    def flux_ipadapter_faceid(request: FaceReference) -> MediaResponse:
        def run(generator: torch.Generator) -> Image.Image:
            return _flux_reference(
                pipelines,
                request,
                generator,
                identity=request.reference_image,
                ip_adapter_scale=FACEID_IP_ADAPTER_SCALE,
            )

        size = (request.width, request.height)
        return image_response(runtime, "/flux-ipadapter-faceid", request.seed, size, run)

    return api
