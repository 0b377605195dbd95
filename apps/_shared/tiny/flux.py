"""Tiny FLUX.1: a one-block transformer, CLIP and T5 encoders, a 16-channel VAE."""

from __future__ import annotations

import torch
from diffusers import FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
from transformers import T5Config, T5EncoderModel

from apps._shared.tiny.components import SEED, clip_text_model, finish, t5_config, vae_kl
from apps._shared.tiny.tokenizers import clip_tokenizer, t5_tokenizer


def flux_transformer(*, guidance_embeds: bool) -> FluxTransformer2DModel:
    """`guidance_embeds=True` is FLUX.1-dev's distilled guidance; schnell has none."""
    return FluxTransformer2DModel(
        patch_size=1,
        in_channels=16 * 4,  # 16 latent channels packed 2x2
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=32,  # the T5 width
        pooled_projection_dim=32,  # the CLIP width
        guidance_embeds=guidance_embeds,
        axes_dims_rope=(4, 6, 6),
    )


def flux_pipeline(*, guidance_embeds: bool = True) -> FluxPipeline:
    torch.manual_seed(SEED)
    tokenizer, tokenizer_2 = clip_tokenizer(), t5_tokenizer()
    return finish(
        FluxPipeline(
            scheduler=FlowMatchEulerDiscreteScheduler(),
            vae=vae_kl(
                16,
                shift_factor=0.1159,
                scaling_factor=0.3611,
                use_quant_conv=False,
                use_post_quant_conv=False,
            ),
            text_encoder=clip_text_model(tokenizer),
            tokenizer=tokenizer,
            text_encoder_2=T5EncoderModel(t5_config(tokenizer_2, T5Config)),
            tokenizer_2=tokenizer_2,
            transformer=flux_transformer(guidance_embeds=guidance_embeds),
        )
    )
