"""The Z-Image-Turbo pipelines: production weights from the volume, or tiny ones built in code."""

from __future__ import annotations

from dataclasses import dataclass

from diffusers import FlowMatchEulerDiscreteScheduler, ZImagePipeline

from apps._shared.backend import BackendName
from apps._shared.deploy import LORA_DIR
from apps._shared.lora import LoraLibrary, from_volume, random_adapter
from apps._shared.service import Runtime
from apps._shared.tiny.components import finish

TURBO = "Tongyi-MAI/Z-Image-Turbo"
# Part of the Danrisi settings (with its steps and guidance in service.py): a larger shift
# spends more of the steps at high noise, on composition. Turbo's own scheduler uses 3.0.
DANRISI_SHIFT = 6.0


@dataclass
class ZImagePipelines:
    turbo: ZImagePipeline
    danrisi: ZImagePipeline  # turbo's modules with the Danrisi scheduler
    loras: LoraLibrary
    runtime: Runtime


def load(backend: BackendName) -> ZImagePipelines:
    return _production() if backend == "production" else _tiny()


def _production() -> ZImagePipelines:
    import torch

    turbo = ZImagePipeline.from_pretrained(TURBO, dtype=torch.bfloat16).to("cuda")
    return ZImagePipelines(
        turbo=turbo,
        danrisi=with_danrisi_scheduler(turbo),
        loras=LoraLibrary(from_volume),
        runtime=Runtime(backend="production", models=_models(f"ZImagePipeline {TURBO}")),
    )


def _tiny() -> ZImagePipelines:
    from apps._shared.tiny.z_image import z_image_pipeline

    turbo = z_image_pipeline()
    return ZImagePipelines(
        turbo=turbo,
        danrisi=finish(with_danrisi_scheduler(turbo)),
        loras=LoraLibrary(random_adapter),
        runtime=Runtime(
            backend="tiny",
            models=_models("tiny ZImagePipeline", lora="random adapter seeded by lora_id"),
        ),
    )


def with_danrisi_scheduler(turbo: ZImagePipeline) -> ZImagePipeline:
    """The same modules, so no second copy of the weights: only the scheduler differs."""
    # A dynamic shift (from the image size) would override the fixed one.
    scheduler = FlowMatchEulerDiscreteScheduler.from_config(
        turbo.scheduler.config, shift=DANRISI_SHIFT, use_dynamic_shifting=False
    )
    # from_pipe casts every shared module to float32 unless it is told the dtype.
    return ZImagePipeline.from_pipe(turbo, scheduler=scheduler, dtype=turbo.dtype)


def _models(pipeline: str, lora: str = f"{LORA_DIR}/<lora_id>.safetensors") -> dict[str, str]:
    return {
        "/z-image-simple": pipeline,
        "/z-image-danrisi": (
            f"{pipeline}, scheduler shift {DANRISI_SHIFT:g} "
            "(stands in for the Danrisi ComfyUI workflow)"
        ),
        "/z-image-lora": f"{pipeline} with LoRA: {lora}",
    }


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    snapshot_download(TURBO)
