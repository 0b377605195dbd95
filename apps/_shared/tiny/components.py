"""Tiny text encoders, VAEs and the finishing touches every tiny pipeline gets."""

from __future__ import annotations

from typing import Any, TypeVar

import torch
from diffusers import AutoencoderKL
from diffusers.pipelines.pipeline_utils import DiffusionPipeline
from transformers import (
    CLIPTextConfig,
    CLIPTextModel,
    CLIPTextModelWithProjection,
    CLIPTokenizer,
    Qwen2_5_VLConfig,
    Qwen2_5_VLForConditionalGeneration,
    Qwen2Tokenizer,
    Qwen3Config,
    Qwen3Model,
    T5Tokenizer,
)

from apps._shared.tiny.tokenizers import token_id

SEED = 0
Pipeline = TypeVar("Pipeline", bound=DiffusionPipeline)


def clip_config(tokenizer: CLIPTokenizer, hidden: int = 32) -> CLIPTextConfig:
    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        projection_dim=hidden,
        max_position_embeddings=tokenizer.model_max_length,
        bos_token_id=tokenizer.bos_token_id,
        # Must equal the tokenizer's: CLIP pools at the first end-of-text token.
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        hidden_act="gelu",
    )


def clip_text_model(tokenizer: CLIPTokenizer) -> CLIPTextModel:
    return CLIPTextModel(clip_config(tokenizer))


def clip_text_model_with_projection(tokenizer: CLIPTokenizer) -> CLIPTextModelWithProjection:
    return CLIPTextModelWithProjection(clip_config(tokenizer))


def t5_config(tokenizer: T5Tokenizer, config_class: type[Any]) -> Any:
    """A 2-layer T5 (or UMT5) config; `d_model` 32 is what the tiny transformers expect."""
    return config_class(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )


def qwen_vl_encoder(
    tokenizer: Qwen2Tokenizer, hidden: int = 16
) -> Qwen2_5_VLForConditionalGeneration:
    config = Qwen2_5_VLConfig(
        text_config={
            "vocab_size": len(tokenizer),
            "hidden_size": hidden,
            "intermediate_size": 32,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 2,
            "max_position_embeddings": tokenizer.model_max_length,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 1000000.0,
                "mrope_section": [1, 1, 2],
            },
            "bos_token_id": token_id(tokenizer, "<|endoftext|>"),
            "eos_token_id": token_id(tokenizer, "<|im_end|>"),
            "pad_token_id": token_id(tokenizer, "<|endoftext|>"),
        },
        vision_config={
            "depth": 2,
            "hidden_size": 16,
            "intermediate_size": 16,
            "num_heads": 2,
            "out_hidden_size": hidden,
            "fullatt_block_indexes": [1],
        },
        image_token_id=token_id(tokenizer, "<|image_pad|>"),
        video_token_id=token_id(tokenizer, "<|video_pad|>"),
        vision_start_token_id=token_id(tokenizer, "<|vision_start|>"),
        vision_end_token_id=token_id(tokenizer, "<|vision_end|>"),
    )
    return Qwen2_5_VLForConditionalGeneration(config)


def qwen3_encoder(tokenizer: Qwen2Tokenizer, hidden: int = 16) -> Qwen3Model:
    return Qwen3Model(
        Qwen3Config(
            vocab_size=len(tokenizer),
            hidden_size=hidden,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=2,
            head_dim=8,
            max_position_embeddings=tokenizer.model_max_length,
            pad_token_id=token_id(tokenizer, "<|endoftext|>"),
        )
    )


def vae_kl(latent_channels: int, levels: int = 4, **config: Any) -> AutoencoderKL:
    """An SD-style VAE with spatial factor 2**(levels-1)."""
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * levels,
        up_block_types=["UpDecoderBlock2D"] * levels,
        block_out_channels=[8] * levels,
        layers_per_block=1,
        latent_channels=latent_channels,
        norm_num_groups=4,
        sample_size=64,
        force_upcast=False,
        **config,
    )


def finish(pipeline: Pipeline) -> Pipeline:
    """Inference mode for every module, and no progress bars in server logs."""
    pipeline.set_progress_bar_config(disable=True)
    for component in pipeline.components.values():
        if isinstance(component, torch.nn.Module):
            component.eval().requires_grad_(False)
    return pipeline
