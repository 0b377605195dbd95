"""The FLUX.1 pipelines: production weights from the volume, or tiny ones built in code."""

from __future__ import annotations

from dataclasses import dataclass

from diffusers import FluxPipeline

from apps._shared.backend import BackendName
from apps._shared.lora import LoraLibrary, from_volume, random_adapter
from apps._shared.service import Runtime
from apps._shared.tiny.components import finish

SCHNELL = "black-forest-labs/FLUX.1-schnell"
DEV = "black-forest-labs/FLUX.1-dev"


@dataclass
class FluxPipelines:
    schnell: FluxPipeline
    dev: FluxPipeline
    loras: LoraLibrary
    runtime: Runtime


def load(backend: BackendName) -> FluxPipelines:
    return _production() if backend == "production" else _tiny()


def _production() -> FluxPipelines:
    import torch
    from diffusers import FluxTransformer2DModel

    dev = FluxPipeline.from_pretrained(DEV, dtype=torch.bfloat16).to("cuda")
    # schnell and dev share their text encoders and VAE: only the transformer differs.
    schnell_transformer = FluxTransformer2DModel.from_pretrained(
        SCHNELL, subfolder="transformer", dtype=torch.bfloat16
    ).to("cuda")
    # from_pipe casts shared modules to float32 unless told otherwise.
    schnell = FluxPipeline.from_pipe(dev, transformer=schnell_transformer, dtype=torch.bfloat16)
    return FluxPipelines(
        schnell=schnell,
        dev=dev,
        loras=LoraLibrary(from_volume),
        runtime=Runtime(backend="production", models={"schnell": SCHNELL, "dev": DEV}),
    )


def _tiny() -> FluxPipelines:
    from apps._shared.tiny.flux import flux_pipeline, flux_transformer

    dev = flux_pipeline(guidance_embeds=True)
    schnell = finish(
        FluxPipeline.from_pipe(dev, transformer=flux_transformer(guidance_embeds=False))
    )
    return FluxPipelines(
        schnell=schnell,
        dev=dev,
        loras=LoraLibrary(random_adapter),
        runtime=Runtime(
            backend="tiny",
            models={"schnell": "tiny FluxPipeline (no guidance)", "dev": "tiny FluxPipeline"},
        ),
    )


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    for repo in (SCHNELL, DEV):
        snapshot_download(repo, ignore_patterns=["*.gguf", "flux1-*.safetensors"])
