"""LoRA adapters by id: loaded once per container, applied for one call at a time.

Production reads `{LORA_DIR}/{id}.safetensors` from the weights volume; the tiny backend
makes a deterministic random adapter for any id. Both go through diffusers'
`load_lora_weights`, so the code path is the same.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from apps._shared.deploy import LORA_DIR

StateDict = dict[str, torch.Tensor]
MAX_LOADED = 8
PROJECTIONS = ("to_q", "to_k", "to_v")


class LoraNotFound(LookupError):
    """No adapter with that id: answered with 404."""


def adapter_name(lora_id: str) -> str:
    """peft adapter names become module attribute names: keep them identifiers."""
    return f"lora_{zlib.crc32(lora_id.encode()):08x}"


class LoraLibrary:
    def __init__(self, source: Callable[[str, Any], StateDict]) -> None:
        self._source = source
        self._loaded: OrderedDict[tuple[int, str], None] = OrderedDict()

    @contextmanager
    def applied(self, pipeline: Any, lora_id: str | None, scale: float) -> Iterator[None]:
        if lora_id is None:
            yield
            return
        name = adapter_name(lora_id)
        key = (id(pipeline), name)
        if key in self._loaded:
            self._loaded.move_to_end(key)
        else:
            pipeline.load_lora_weights(self._source(lora_id, pipeline), adapter_name=name)
            self._loaded[key] = None
            self._evict(pipeline)
        pipeline.enable_lora()
        pipeline.set_adapters([name], [scale])
        try:
            yield
        finally:
            pipeline.disable_lora()

    def _evict(self, pipeline: Any) -> None:
        mine = [key for key in self._loaded if key[0] == id(pipeline)]
        for key in mine[: max(0, len(mine) - MAX_LOADED)]:
            pipeline.delete_adapters(key[1])
            del self._loaded[key]


def from_volume(lora_id: str, _pipeline: Any) -> StateDict:
    from safetensors.torch import load_file

    path = Path(LORA_DIR) / f"{lora_id}.safetensors"
    if not path.is_file():
        raise LoraNotFound(lora_id)
    return load_file(path)


def random_adapter(lora_id: str, pipeline: Any, rank: int = 4) -> StateDict:
    """A small random adapter on the attention projections, seeded by the id."""
    prefix, model = (
        ("unet", pipeline.unet)
        if hasattr(pipeline, "unet")
        else ("transformer", pipeline.transformer)
    )
    generator = torch.Generator().manual_seed(zlib.crc32(lora_id.encode()))
    state: StateDict = {}
    for name, module in model.named_modules():
        # Once an adapter is loaded, the projections are peft wrappers around the Linear.
        layer = getattr(module, "base_layer", module)
        if isinstance(layer, torch.nn.Linear) and name.rsplit(".", 1)[-1] in PROJECTIONS:
            state[f"{prefix}.{name}.lora_A.weight"] = (
                torch.randn(rank, layer.in_features, generator=generator) * 0.1
            )
            state[f"{prefix}.{name}.lora_B.weight"] = (
                torch.randn(layer.out_features, rank, generator=generator) * 0.1
            )
    return state
