"""The Qwen-Image pipelines: production weights from the volume, or tiny ones built in code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from diffusers import FlowMatchEulerDiscreteScheduler, QwenImageEditPlusPipeline, QwenImagePipeline

from apps._shared.backend import BackendName
from apps._shared.lora import LoraLibrary, StateDict, from_volume, random_adapter
from apps._shared.service import Runtime

QWEN_IMAGE = "Qwen/Qwen-Image-2512"
EDIT = "Qwen/Qwen-Image-Edit-2511"
LIGHTNING = "lightx2v/Qwen-Image-Lightning"
EDIT_LIGHTNING = "lightx2v/Qwen-Image-Edit-2511-Lightning"
# The step-distillation LoRAs, by repository: ids with a `/` never clash with a volume LoRA id.
LIGHTNING_WEIGHTS = {
    LIGHTNING: "Qwen-Image-Lightning-8steps-V2.0.safetensors",
    EDIT_LIGHTNING: "Qwen-Image-Edit-2511-Lightning-8steps-V1.0-bf16.safetensors",
}
# The schedule the Lightning LoRAs were distilled with (shift 3), from their model card.
LIGHTNING_SCHEDULER: dict[str, Any] = {
    "base_image_seq_len": 256,
    "base_shift": math.log(3),
    "invert_sigmas": False,
    "max_image_seq_len": 8192,
    "max_shift": math.log(3),
    "num_train_timesteps": 1000,
    "shift": 1.0,
    "shift_terminal": None,
    "stochastic_sampling": False,
    "time_shift_type": "exponential",
    "use_beta_sigmas": False,
    "use_dynamic_shifting": True,
    "use_exponential_sigmas": False,
    "use_karras_sigmas": False,
}


@dataclass
class QwenImagePipelines:
    image: QwenImagePipeline
    fast: QwenImagePipeline  # `image`'s modules on the Lightning schedule
    edit: QwenImageEditPlusPipeline  # shares `image`'s text encoder and VAE
    lightning: LoraLibrary  # the step-distillation LoRAs, by repository id
    loras: LoraLibrary  # users' LoRAs from the volume
    runtime: Runtime


def load(backend: BackendName) -> QwenImagePipelines:
    return _production() if backend == "production" else _tiny()


def _lightning_scheduler() -> FlowMatchEulerDiscreteScheduler:
    return FlowMatchEulerDiscreteScheduler.from_config(LIGHTNING_SCHEDULER)


def _lightning_from_hub(repo: str, _pipeline: Any) -> StateDict:
    from huggingface_hub import hf_hub_download
    from safetensors.torch import load_file

    return load_file(hf_hub_download(repo, LIGHTNING_WEIGHTS[repo]))


def _production() -> QwenImagePipelines:
    import torch
    from diffusers import QwenImageTransformer2DModel

    from apps._shared.qwen import ImageOnlyQwen2VLProcessor

    dtype = torch.bfloat16
    image = QwenImagePipeline.from_pretrained(QWEN_IMAGE, dtype=dtype).to("cuda")
    # from_pipe casts every module, shared ones included, to float32 unless given a dtype.
    fast = QwenImagePipeline.from_pipe(image, scheduler=_lightning_scheduler(), dtype=dtype)
    # The edit model uses Qwen-Image's Qwen2.5-VL encoder and VAE: only its transformer and
    # processor are loaded. Qwen2VLProcessor would also load a video processor (torchvision).
    edit_transformer = QwenImageTransformer2DModel.from_pretrained(
        EDIT, subfolder="transformer", dtype=dtype
    ).to("cuda")
    edit = QwenImageEditPlusPipeline.from_pipe(
        image,
        transformer=edit_transformer,
        processor=ImageOnlyQwen2VLProcessor.from_pretrained(EDIT, subfolder="processor"),
        dtype=dtype,
    )
    return QwenImagePipelines(
        image=image,
        fast=fast,
        edit=edit,
        lightning=LoraLibrary(_lightning_from_hub),
        loras=LoraLibrary(from_volume),
        runtime=Runtime(
            backend="production",
            models={
                "/qwen-image-2512": f"QwenImagePipeline {QWEN_IMAGE}",
                "/qwen-image-2512-fast": f"QwenImagePipeline {QWEN_IMAGE}"
                f" + {LIGHTNING}/{LIGHTNING_WEIGHTS[LIGHTNING]}, Lightning schedule",
                "/qwen-image-2512-lora": f"QwenImagePipeline {QWEN_IMAGE} + LoRA from the volume",
                "/video-faceswap": f"QwenImageEditPlusPipeline {EDIT} transformer"
                f" + {EDIT_LIGHTNING}/{LIGHTNING_WEIGHTS[EDIT_LIGHTNING]}"
                f", text encoder and VAE of {QWEN_IMAGE}, per frame",
            },
        ),
    )


def _tiny() -> QwenImagePipelines:
    from apps._shared.tiny.qwen import (
        derive,
        qwen_edit_transformer,
        qwen_image_edit_plus_pipeline,
        qwen_image_pipeline,
    )

    image = qwen_image_pipeline()
    return QwenImagePipelines(
        image=image,
        fast=derive(QwenImagePipeline, image, scheduler=_lightning_scheduler()),
        edit=qwen_image_edit_plus_pipeline(image, qwen_edit_transformer()),
        lightning=LoraLibrary(random_adapter),
        loras=LoraLibrary(random_adapter),
        runtime=Runtime(
            backend="tiny",
            models={
                "/qwen-image-2512": "tiny QwenImagePipeline",
                "/qwen-image-2512-fast": "tiny QwenImagePipeline + random adapter"
                " standing in for Lightning, Lightning schedule",
                "/qwen-image-2512-lora": "tiny QwenImagePipeline + random adapter per lora_id",
                "/video-faceswap": "tiny QwenImageEditPlusPipeline (own zero_cond_t transformer,"
                " reference resize bounded to the output area) + random adapter standing in"
                " for Lightning, per frame",
            },
        ),
    )


def download_weights() -> None:
    from huggingface_hub import hf_hub_download, snapshot_download

    snapshot_download(QWEN_IMAGE)
    # Its text encoder and VAE are Qwen-Image's, already downloaded above.
    snapshot_download(EDIT, allow_patterns=["model_index.json", "transformer/*", "processor/*"])
    for repo, weight_name in LIGHTNING_WEIGHTS.items():
        hf_hub_download(repo, weight_name)
