"""Tiny SD x4 upscaler: a two-level UNet over 4 latent + 3 low-resolution RGB channels."""

from __future__ import annotations

import torch
from diffusers import (
    DDIMScheduler,
    DDPMScheduler,
    StableDiffusionUpscalePipeline,
    UNet2DConditionModel,
)

from apps._shared.tiny.components import SEED, clip_text_model, finish, vae_kl
from apps._shared.tiny.tokenizers import clip_tokenizer

MAX_NOISE_LEVEL = 350
# The pipeline overwrites any other value (with a deprecation warning): it is the x4 VAE's.
SCALING_FACTOR = 0.08333


def upscale_unet() -> UNet2DConditionModel:
    return UNet2DConditionModel(
        sample_size=16,
        in_channels=4 + 3,  # noisy latents next to the low-resolution image
        out_channels=4,
        block_out_channels=(16, 32),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=8,
        cross_attention_dim=32,  # the CLIP width
        use_linear_projection=True,
        num_class_embeds=MAX_NOISE_LEVEL + 1,  # the noise level arrives as a class label
        norm_num_groups=8,
    )


def upscale_pipeline() -> StableDiffusionUpscalePipeline:
    """The VAE has three levels, so it decodes 4x the low-resolution size, as the real one does."""
    torch.manual_seed(SEED)
    tokenizer = clip_tokenizer()
    return finish(
        StableDiffusionUpscalePipeline(
            vae=vae_kl(4, levels=3, scaling_factor=SCALING_FACTOR),
            text_encoder=clip_text_model(tokenizer),
            tokenizer=tokenizer,
            unet=upscale_unet(),
            low_res_scheduler=DDPMScheduler(),
            scheduler=DDIMScheduler(timestep_spacing="trailing"),
            max_noise_level=MAX_NOISE_LEVEL,
        )
    )
