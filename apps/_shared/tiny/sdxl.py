"""Tiny SDXL: a two-level UNet with text-time embeddings and two CLIP encoders."""

from __future__ import annotations

import torch
from diffusers import (
    ControlNetModel,
    EulerDiscreteScheduler,
    StableDiffusionXLControlNetPipeline,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
)

from apps._shared.tiny.components import (
    SEED,
    clip_text_model,
    clip_text_model_with_projection,
    finish,
    vae_kl,
)
from apps._shared.tiny.tokenizers import clip_tokenizer


def sdxl_unet() -> UNet2DConditionModel:
    return UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(16, 32),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=6 * 8 + 32,  # 6 time ids x 8 + pooled text
        cross_attention_dim=32 + 32,  # both encoders' hidden states, concatenated
        norm_num_groups=8,
    )


def sdxl_pipeline() -> StableDiffusionXLPipeline:
    torch.manual_seed(SEED)
    tokenizer, tokenizer_2 = clip_tokenizer(), clip_tokenizer()
    return finish(
        StableDiffusionXLPipeline(
            vae=vae_kl(4, scaling_factor=0.13025),
            text_encoder=clip_text_model(tokenizer),
            text_encoder_2=clip_text_model_with_projection(tokenizer_2),
            tokenizer=tokenizer,
            tokenizer_2=tokenizer_2,
            unet=sdxl_unet(),
            scheduler=EulerDiscreteScheduler(timestep_spacing="trailing"),
        )
    )


def sdxl_controlnet_pipeline(
    base: StableDiffusionXLPipeline,
) -> StableDiffusionXLControlNetPipeline:
    """A ControlNet initialised from the base UNet, as InstantID's is trained from SDXL's."""
    torch.manual_seed(SEED)
    controlnet = ControlNetModel.from_unet(base.unet)
    return finish(StableDiffusionXLControlNetPipeline.from_pipe(base, controlnet=controlnet))
