"""Tiny Qwen-Image: a two-layer MMDiT, a Qwen2.5-VL text encoder and the Qwen-Image VAE.

The edit and inpaint variants reuse the base pipeline's modules through `from_pipe`; the edit
pipelines add a Qwen2-VL processor so reference images reach the vision tower. Two things
differ from the real checkpoints and are corrected here:

- The pipelines drop a hard-coded number of system-prompt tokens (34 or 64) counted with the
  real Qwen vocabulary; the byte-level tiny tokenizer needs that number recounted.
- The edit pipelines resize every reference image to about 1024x1024 for the VAE (and, in
  the multi-image one, 384x384 for the VL encoder), whatever the output size. Tiny subclasses
  bound those resizes to the requested output area for the duration of a call; see
  `reference_area_bounded`.

The image-only processor lives in `apps/_shared/qwen.py`: production uses it too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from diffusers import (
    AutoencoderKLQwenImage,
    FlowMatchEulerDiscreteScheduler,
    QwenImageEditInpaintPipeline,
    QwenImageEditPipeline,
    QwenImageEditPlusPipeline,
    QwenImageInpaintPipeline,
    QwenImagePipeline,
    QwenImageTransformer2DModel,
)
from diffusers.pipelines.pipeline_utils import DiffusionPipeline
from diffusers.pipelines.qwenimage.pipeline_output import QwenImagePipelineOutput
from transformers import (
    PreTrainedTokenizerBase,
    Qwen2VLImageProcessorPil,
)

from apps._shared.qwen import ImageOnlyQwen2VLProcessor
from apps._shared.tiny.components import SEED, Pipeline, finish, qwen_vl_encoder
from apps._shared.tiny.tokenizers import qwen_tokenizer, template_prefix_length

LATENT_CHANNELS = 16
TEXT_HIDDEN = 16
# Qwen2-VL makes one token of every 28x28 pixels (2x2 patches of 14): 56x56 is 4 tokens.
VL_IMAGE_PIXELS = 56 * 56
# The reference area when a call names no output size.
DEFAULT_REFERENCE_AREA = 64 * 64
# calculate_dimensions rounds to 32: keep a narrow reference at least one step wide.
MIN_REFERENCE_SIDE = 32

_resize_patch = threading.Lock()


@contextmanager
def reference_area_bounded(pipeline_class: type[DiffusionPipeline], area: int) -> Iterator[None]:
    """While open, the edit pipelines' reference resize targets at most `area` pixels.

    The upstream `__call__` sizes references with its module's `calculate_dimensions`, so the
    only hook is to swap that module function. That is process-wide: a call of the same
    upstream class in another thread would see the bound too. The lock keeps two bounded calls
    from restoring each other's function, but callers should still hold the service lock, which
    serialises every pipeline call; this is not thread-safe otherwise.
    """
    module = sys.modules[pipeline_class.__module__]
    with _resize_patch:
        original = module.calculate_dimensions

        def bounded(target_area: float, ratio: float) -> tuple[Any, ...]:
            width, height, *rest = original(min(target_area, area), ratio)
            return (max(MIN_REFERENCE_SIDE, width), max(MIN_REFERENCE_SIDE, height), *rest)

        module.calculate_dimensions = bounded
        try:
            yield
        finally:
            module.calculate_dimensions = original


def _output_area(kwargs: dict[str, Any]) -> int:
    height, width = kwargs.get("height"), kwargs.get("width")
    return int(height * width) if height and width else DEFAULT_REFERENCE_AREA


class TinyQwenImageEditPipeline(QwenImageEditPipeline):
    """QwenImageEditPipeline with its reference resize bounded to the output area."""

    def __call__(self, *args: Any, **kwargs: Any) -> QwenImagePipelineOutput:
        with reference_area_bounded(QwenImageEditPipeline, _output_area(kwargs)):
            return super().__call__(*args, **kwargs)


class TinyQwenImageEditPlusPipeline(QwenImageEditPlusPipeline):
    """QwenImageEditPlusPipeline with its reference resizes bounded to the output area."""

    def __call__(self, *args: Any, **kwargs: Any) -> QwenImagePipelineOutput:
        with reference_area_bounded(QwenImageEditPlusPipeline, _output_area(kwargs)):
            return super().__call__(*args, **kwargs)


class TinyQwenImageEditInpaintPipeline(QwenImageEditInpaintPipeline):
    """QwenImageEditInpaintPipeline working at the output area, not about 1024x1024.

    Upstream ignores `height` and `width` and works at the reference's aspect ratio; so does
    this one, at the requested area.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> QwenImagePipelineOutput:
        with reference_area_bounded(QwenImageEditInpaintPipeline, _output_area(kwargs)):
            return super().__call__(*args, **kwargs)


def qwen_transformer(*, zero_cond_t: bool = False) -> QwenImageTransformer2DModel:
    """`zero_cond_t` is Qwen-Image-Edit-2511's: reference latents are modulated at timestep 0."""
    return QwenImageTransformer2DModel(
        patch_size=2,
        in_channels=LATENT_CHANNELS * 4,  # latents are packed 2x2
        out_channels=LATENT_CHANNELS,
        num_layers=2,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=TEXT_HIDDEN,
        guidance_embeds=False,
        axes_dims_rope=(8, 4, 4),  # sums to attention_head_dim
        zero_cond_t=zero_cond_t,
    )


def qwen_vae() -> AutoencoderKLQwenImage:
    """Spatial factor 8 like the real VAE: the pipelines read it as 2**len(temperal_downsample)."""
    return AutoencoderKLQwenImage(
        base_dim=8,
        z_dim=LATENT_CHANNELS,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
        latents_mean=[0.0] * LATENT_CHANNELS,
        latents_std=[1.0] * LATENT_CHANNELS,
    )


def qwen_vl_processor(tokenizer: PreTrainedTokenizerBase) -> ImageOnlyQwen2VLProcessor:
    """Every reference reaches the vision tower as one 56x56 image: four tokens per picture."""
    image_processor = Qwen2VLImageProcessorPil(
        min_pixels=VL_IMAGE_PIXELS, max_pixels=VL_IMAGE_PIXELS
    )
    return ImageOnlyQwen2VLProcessor(image_processor=image_processor, tokenizer=tokenizer)


def _tiny(pipeline: Pipeline) -> Pipeline:
    """Drop exactly the system prompt: `__init__` (and so `from_pipe`) resets the index."""
    pipeline.prompt_template_encode_start_idx = template_prefix_length(
        pipeline.tokenizer, pipeline.prompt_template_encode
    )
    return finish(pipeline)


def derive(pipeline_class: type[Pipeline], base: DiffusionPipeline, **components: Any) -> Pipeline:
    """`pipeline_class.from_pipe` for tiny Qwen pipelines: shared modules, recounted, finished."""
    return _tiny(pipeline_class.from_pipe(base, **components))


def qwen_image_pipeline() -> QwenImagePipeline:
    torch.manual_seed(SEED)
    tokenizer = qwen_tokenizer()
    return _tiny(
        QwenImagePipeline(
            scheduler=FlowMatchEulerDiscreteScheduler(),
            vae=qwen_vae(),
            text_encoder=qwen_vl_encoder(tokenizer, hidden=TEXT_HIDDEN),
            tokenizer=tokenizer,
            transformer=qwen_transformer(),
        )
    )


def qwen_edit_transformer() -> QwenImageTransformer2DModel:
    """The edit model's own transformer, as Qwen-Image-Edit-2511 ships one beside Qwen-Image's."""
    torch.manual_seed(SEED + 1)
    return qwen_transformer(zero_cond_t=True)


def qwen_image_edit_pipeline(base: DiffusionPipeline) -> TinyQwenImageEditPipeline:
    """Single-image edit (Qwen-Image-Edit's pipeline) on the base pipeline's modules."""
    return derive(TinyQwenImageEditPipeline, base, processor=qwen_vl_processor(base.tokenizer))


def qwen_image_edit_plus_pipeline(
    base: DiffusionPipeline, transformer: QwenImageTransformer2DModel | None = None
) -> TinyQwenImageEditPlusPipeline:
    """Multi-image edit (Qwen-Image-Edit-2509/2511's pipeline) sharing the base's encoder and VAE.

    Without `transformer` the base's is shared too; pass `qwen_edit_transformer()` to mirror a
    separate edit checkpoint.
    """
    components: dict[str, Any] = {"processor": qwen_vl_processor(base.tokenizer)}
    if transformer is not None:
        components["transformer"] = transformer
    return derive(TinyQwenImageEditPlusPipeline, base, **components)


def qwen_image_inpaint_pipeline(base: DiffusionPipeline) -> QwenImageInpaintPipeline:
    """Text-conditioned inpainting (Qwen-Image's own inpaint pipeline) on the base's modules."""
    return derive(QwenImageInpaintPipeline, base)


def qwen_image_edit_inpaint_pipeline(
    edit: QwenImageEditPipeline | QwenImageEditPlusPipeline,
) -> TinyQwenImageEditInpaintPipeline:
    """Instruction inpainting on an edit pipeline's modules, its processor included."""
    return derive(TinyQwenImageEditInpaintPipeline, edit)
