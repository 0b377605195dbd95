"""The upscaler behind /seedvr2: production weights from the volume, or a tiny one built in code.

diffusers has no SeedVR2 pipeline; see README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from diffusers import StableDiffusionUpscalePipeline

from apps._shared.backend import BackendName
from apps._shared.service import Runtime

UPSCALER = "stabilityai/stable-diffusion-x4-upscaler"


@dataclass
class UpscalePipelines:
    upscaler: StableDiffusionUpscalePipeline
    runtime: Runtime


def load(backend: BackendName) -> UpscalePipelines:
    return _production() if backend == "production" else _tiny()


def _production() -> UpscalePipelines:
    import torch

    upscaler = StableDiffusionUpscalePipeline.from_pretrained(UPSCALER, dtype=torch.float16)
    return UpscalePipelines(
        upscaler=_tiled(upscaler.to("cuda")),
        runtime=_runtime("production", f"StableDiffusionUpscalePipeline {UPSCALER}"),
    )


def _tiny() -> UpscalePipelines:
    from apps._shared.tiny.upscale import upscale_pipeline

    return UpscalePipelines(
        upscaler=_tiled(upscale_pipeline()),
        runtime=_runtime("tiny", "tiny StableDiffusionUpscalePipeline (x4)"),
    )


def _runtime(backend: BackendName, pipeline: str) -> Runtime:
    return Runtime(backend=backend, models={"/seedvr2": f"{pipeline}; stands in for SeedVR2"})


def _tiled(upscaler: StableDiffusionUpscalePipeline) -> StableDiffusionUpscalePipeline:
    """Outputs reach 4096x4096: the VAE decodes latents larger than its tile size tile by tile."""
    upscaler.vae.enable_tiling()
    return upscaler


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    # The single-file checkpoints and the .bin copies duplicate the diffusers safetensors.
    snapshot_download(UPSCALER, ignore_patterns=["x4-upscaler-ema.*", "*.bin"])
