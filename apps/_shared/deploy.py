"""Facts the Modal definitions of every app share: pinned packages, the weights volume, secrets.

Plain constants, no modal import: the HTTP layer and the tests read this module too. The
pins equal the versions the tiny CPU backends are tested with (`pyproject.toml`, extra `apps`),
so the code path that runs offline is the one that runs on the GPU.
"""

from __future__ import annotations

PYTHON_VERSION = "3.11"
GPU_PACKAGES = (
    "torch==2.13.0",
    "diffusers==0.42.1",
    "transformers==5.24.0",
    "accelerate==1.15.0",
    "peft==0.21.2",
    "ftfy==6.3.1",
    "safetensors==0.8.0",
    "sentencepiece==0.2.1",
    "pillow==13.0.0",
    "fastapi==0.165.0",
    "huggingface-hub==2.4.0",
)

WEIGHTS_VOLUME = "ryla-hf-cache"
WEIGHTS_DIR = "/weights"
HF_HOME = f"{WEIGHTS_DIR}/huggingface"
LORA_DIR = f"{WEIGHTS_DIR}/loras"
HF_SECRET = "huggingface"
SCALEDOWN_WINDOW_S = 300
DOWNLOAD_TIMEOUT_S = 3 * 60 * 60
