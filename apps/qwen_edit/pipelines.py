"""The Qwen-Image-Edit-2511 pipelines: production weights from the volume, or tiny ones in code."""

from __future__ import annotations

from dataclasses import dataclass

from diffusers import QwenImageEditInpaintPipeline, QwenImageEditPlusPipeline

from apps._shared.backend import BackendName
from apps._shared.service import Runtime

EDIT = "Qwen/Qwen-Image-Edit-2511"


@dataclass
class QwenEditPipelines:
    edit: QwenImageEditPlusPipeline
    inpaint: QwenImageEditInpaintPipeline  # `edit`'s modules
    runtime: Runtime


def load(backend: BackendName) -> QwenEditPipelines:
    return _production() if backend == "production" else _tiny()


def _production() -> QwenEditPipelines:
    import torch

    from apps._shared.qwen import ImageOnlyQwen2VLProcessor

    dtype = torch.bfloat16
    # Qwen2VLProcessor would also load the repository's video processor, which needs torchvision.
    processor = ImageOnlyQwen2VLProcessor.from_pretrained(EDIT, subfolder="processor")
    edit = QwenImageEditPlusPipeline.from_pretrained(EDIT, processor=processor, dtype=dtype)
    edit = edit.to("cuda")
    # from_pipe casts every module, shared ones included, to float32 unless given a dtype.
    inpaint = QwenImageEditInpaintPipeline.from_pipe(edit, dtype=dtype)
    return QwenEditPipelines(
        edit=edit,
        inpaint=inpaint,
        runtime=Runtime(
            backend="production",
            models={
                "/qwen-image-edit-2511": f"QwenImageEditPlusPipeline {EDIT}",
                "/qwen-image-inpaint-2511": f"QwenImageEditInpaintPipeline {EDIT}",
            },
        ),
    )


def _tiny() -> QwenEditPipelines:
    from apps._shared.tiny.qwen import (
        qwen_edit_transformer,
        qwen_image_edit_inpaint_pipeline,
        qwen_image_edit_plus_pipeline,
        qwen_image_pipeline,
    )

    edit = qwen_image_edit_plus_pipeline(qwen_image_pipeline(), qwen_edit_transformer())
    return QwenEditPipelines(
        edit=edit,
        inpaint=qwen_image_edit_inpaint_pipeline(edit),
        runtime=Runtime(
            backend="tiny",
            models={
                "/qwen-image-edit-2511": "tiny QwenImageEditPlusPipeline"
                " (reference resize bounded to the output area)",
                "/qwen-image-inpaint-2511": "tiny QwenImageEditInpaintPipeline"
                " (working area bounded to the output area)",
            },
        ),
    )


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    snapshot_download(EDIT)
