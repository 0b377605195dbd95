"""Tiny Wan 2.2 A14B: two two-layer experts, a UMT5 encoder, a 3D VAE (8x spatial, 4x temporal).

As in A14B, `transformer` denoises the high-noise timesteps (above `boundary_ratio` of the
schedule) and `transformer_2` the rest, so the two-expert code paths (guidance_scale_2, LoRA
on `transformer` alone) run here as they do on the GPU.
"""

from __future__ import annotations

import torch
from diffusers import (
    AutoencoderKLWan,
    FlowMatchEulerDiscreteScheduler,
    WanImageToVideoPipeline,
    WanPipeline,
    WanTransformer3DModel,
)
from transformers import UMT5Config, UMT5EncoderModel

from apps._shared.tiny.components import SEED, finish, t5_config
from apps._shared.tiny.tokenizers import t5_tokenizer

LATENT_CHANNELS = 16
# Image-to-video denoises the noise latents next to a 4-channel frame mask and the latents of
# the conditioning video, as Wan 2.2 A14B I2V does (no CLIP image encoder: image_dim is None).
I2V_CHANNELS = LATENT_CHANNELS + 4 + LATENT_CHANNELS
# The boundaries of Wan2.2-T2V-A14B-Diffusers and Wan2.2-I2V-A14B-Diffusers.
T2V_BOUNDARY = 0.875
I2V_BOUNDARY = 0.9


def wan_transformer(in_channels: int = LATENT_CHANNELS) -> WanTransformer3DModel:
    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=in_channels,
        out_channels=LATENT_CHANNELS,
        text_dim=32,  # the UMT5 width
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=1024,  # Wan's own: 1280 px sides and 241 frames fit
    )


def wan_vae() -> AutoencoderKLWan:
    return AutoencoderKLWan(
        base_dim=3,
        z_dim=LATENT_CHANNELS,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )


def wan_pipeline() -> WanPipeline:
    torch.manual_seed(SEED)
    tokenizer = t5_tokenizer()
    return finish(
        WanPipeline(
            tokenizer=tokenizer,
            text_encoder=UMT5EncoderModel(t5_config(tokenizer, UMT5Config)),
            vae=wan_vae(),
            scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0),
            transformer=wan_transformer(),
            transformer_2=wan_transformer(),
            boundary_ratio=T2V_BOUNDARY,
        )
    )


def wan_i2v_pipeline(text_to_video: WanPipeline) -> WanImageToVideoPipeline:
    """Image-to-video on the text-to-video pipeline's encoder and VAE: only the experts are new."""
    torch.manual_seed(SEED)
    return finish(
        WanImageToVideoPipeline.from_pipe(
            text_to_video,
            transformer=wan_transformer(in_channels=I2V_CHANNELS),
            transformer_2=wan_transformer(in_channels=I2V_CHANNELS),
            boundary_ratio=I2V_BOUNDARY,
        )
    )
