"""Tiny Z-Image: a two-layer single-stream transformer, a Qwen3 text encoder, a 16-channel VAE."""

from __future__ import annotations

import torch
from diffusers import FlowMatchEulerDiscreteScheduler, ZImagePipeline, ZImageTransformer2DModel

from apps._shared.tiny.components import SEED, finish, qwen3_encoder, vae_kl
from apps._shared.tiny.tokenizers import qwen_tokenizer

TEXT_WIDTH = 16
TURBO_SHIFT = 3.0  # Z-Image-Turbo's scheduler config


def z_image_transformer() -> ZImageTransformer2DModel:
    transformer = ZImageTransformer2DModel(
        all_patch_size=(2,),
        all_f_patch_size=(1,),
        in_channels=16,
        dim=32,
        n_layers=2,
        n_refiner_layers=1,
        n_heads=2,
        n_kv_heads=2,
        cap_feat_dim=TEXT_WIDTH,
        axes_dims=[8, 4, 4],  # sums to dim / n_heads
        axes_lens=[1536, 512, 512],  # Z-Image's own: captions up to 512 tokens, 2048 px sides
    )
    # Both pad tokens are allocated with torch.empty and only loaded weights fill them: left
    # alone they can hold NaN, which reaches every image. diffusers' own tests fill them too.
    with torch.no_grad():
        transformer.x_pad_token.fill_(1.0)
        transformer.cap_pad_token.fill_(1.0)
    return transformer


def z_image_pipeline() -> ZImagePipeline:
    torch.manual_seed(SEED)
    tokenizer = qwen_tokenizer()
    return finish(
        ZImagePipeline(
            scheduler=FlowMatchEulerDiscreteScheduler(shift=TURBO_SHIFT),
            vae=vae_kl(16, scaling_factor=0.3611, shift_factor=0.1159),
            text_encoder=qwen3_encoder(tokenizer, hidden=TEXT_WIDTH),
            tokenizer=tokenizer,
            transformer=z_image_transformer(),
        )
    )
