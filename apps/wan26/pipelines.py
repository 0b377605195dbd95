"""Wan 2.2 A14B for the Wan 2.6 endpoints: production weights from the volume, or tiny ones.

Wan 2.6 weights are not public; see README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from diffusers import WanImageToVideoPipeline, WanPipeline

from apps._shared.backend import BackendName
from apps._shared.deploy import LORA_DIR
from apps._shared.lora import LoraLibrary, from_volume, random_adapter
from apps._shared.service import Runtime

TEXT_TO_VIDEO = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
IMAGE_TO_VIDEO = "Wan-AI/Wan2.2-I2V-A14B-Diffusers"


@dataclass
class WanPipelines:
    text_to_video: WanPipeline
    image_to_video: WanImageToVideoPipeline
    loras: LoraLibrary
    runtime: Runtime


def load(backend: BackendName) -> WanPipelines:
    return _production() if backend == "production" else _tiny()


def _production() -> WanPipelines:
    import torch

    text_to_video = WanPipeline.from_pretrained(TEXT_TO_VIDEO, dtype=torch.bfloat16)
    # Both checkpoints ship the same UMT5 encoder and Wan 2.1 VAE: load them once.
    image_to_video = WanImageToVideoPipeline.from_pretrained(
        IMAGE_TO_VIDEO,
        dtype=torch.bfloat16,
        tokenizer=text_to_video.tokenizer,
        text_encoder=text_to_video.text_encoder,
        vae=text_to_video.vae,
    )
    # Four 14B experts (about 115 GB in bf16) and the encoder do not fit the H200 together:
    # each model moves to the GPU only while it runs. The shared modules carry the hooks of
    # whichever pipeline set them last; a hook moves its module whoever calls it.
    text_to_video.enable_model_cpu_offload()
    image_to_video.enable_model_cpu_offload()
    return WanPipelines(
        text_to_video=text_to_video,
        image_to_video=image_to_video,
        loras=LoraLibrary(from_volume),
        runtime=Runtime(
            backend="production",
            models=_models(
                f"WanPipeline {TEXT_TO_VIDEO}",
                f"WanImageToVideoPipeline {IMAGE_TO_VIDEO}",
                f"{LORA_DIR}/<lora_id>.safetensors",
            ),
        ),
    )


def _tiny() -> WanPipelines:
    from apps._shared.tiny.wan import wan_i2v_pipeline, wan_pipeline

    text_to_video = wan_pipeline()
    return WanPipelines(
        text_to_video=text_to_video,
        image_to_video=wan_i2v_pipeline(text_to_video),
        loras=LoraLibrary(random_adapter),
        runtime=Runtime(
            backend="tiny",
            models=_models(
                "tiny WanPipeline, two experts",
                "tiny WanImageToVideoPipeline, two experts",
                "random adapter seeded by lora_id",
            ),
        ),
    )


def _models(text_to_video: str, image_to_video: str, lora: str) -> dict[str, str]:
    stand_in = "stands in for Wan 2.6"
    return {
        "/wan2.6": f"{text_to_video}; {stand_in}",
        "/wan2.6-r2v": f"{image_to_video}, the reference as first frame; {stand_in}",
        "/wan2.6-lora": f"{text_to_video}, LoRA on the high-noise expert: {lora}; {stand_in}",
    }


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    for repo in (TEXT_TO_VIDEO, IMAGE_TO_VIDEO):
        snapshot_download(repo)
