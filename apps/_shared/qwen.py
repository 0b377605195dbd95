"""What the two Qwen apps share: the image-only VL processor and the true-CFG convention."""

from __future__ import annotations

from typing import Any

from transformers import PreTrainedTokenizerBase, ProcessorMixin, Qwen2VLProcessor

from apps._shared.requests import TextToImage

# Qwen pipelines take sizes in multiples of 16 (VAE factor 8, 2x2 patches).
QWEN_MULTIPLE = 16
# Qwen's reference usage: a blank negative prompt still switches true CFG on.
BLANK_NEGATIVE = " "


def true_cfg(request: TextToImage, default: float) -> tuple[float, str | None]:
    """`guidance` is Qwen's true CFG scale; a negative prompt only matters above 1."""
    scale = default if request.guidance is None else request.guidance
    return scale, (request.negative_prompt or BLANK_NEGATIVE) if scale > 1 else None


class ImageOnlyQwen2VLProcessor(Qwen2VLProcessor):
    """Qwen2VLProcessor without its video processor.

    Qwen2VLVideoProcessor needs torchvision, and ProcessorMixin rejects `video_processor=None`.
    ProcessorMixin derives a processor's parts from its `__init__` signature, so leaving the
    parameter out leaves the part out; `from_pretrained` then loads only the image processor
    (the PIL backend) and the tokenizer.
    """

    def __init__(
        self,
        image_processor: Any = None,
        tokenizer: PreTrainedTokenizerBase | None = None,
        chat_template: str | None = None,
        **_kwargs: Any,
    ) -> None:
        if tokenizer is None:
            raise ValueError("ImageOnlyQwen2VLProcessor needs the Qwen tokenizer")
        self.image_token = "<|image_pad|>"
        self.video_token = "<|video_pad|>"
        self.image_token_id = int(tokenizer.convert_tokens_to_ids(self.image_token))
        self.video_token_id = int(tokenizer.convert_tokens_to_ids(self.video_token))
        ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)
