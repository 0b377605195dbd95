"""ryla-flux on Modal: FLUX.1 schnell and dev, with LoRA, behind one FastAPI app.

modal run apps/flux/app.py::download   # fill the weights volume once
modal deploy apps/flux/app.py          # serve /flux, /flux-dev, /flux-dev-lora
"""

from __future__ import annotations

import modal

from apps._shared import deploy

app = modal.App("ryla-flux")

image = (
    modal.Image.debian_slim(python_version=deploy.PYTHON_VERSION)
    .uv_pip_install(*deploy.GPU_PACKAGES)
    .env({"HF_HOME": deploy.HF_HOME})
    .add_local_python_source("apps._shared", "apps.flux")
)
weights = modal.Volume.from_name(deploy.WEIGHTS_VOLUME, create_if_missing=True)
huggingface = modal.Secret.from_name(deploy.HF_SECRET)


@app.cls(
    gpu="H100",
    timeout=300,
    image=image,
    volumes={deploy.WEIGHTS_DIR: weights},
    secrets=[huggingface],
    scaledown_window=deploy.SCALEDOWN_WINDOW_S,
)
class ComfyUI:
    """The class keeps its historical name: the URL label is ryla-flux-comfyui-fastapi-app."""

    @modal.enter()
    def load(self) -> None:
        from apps.flux.pipelines import load

        self.pipelines = load("production")

    @modal.asgi_app()
    def fastapi_app(self):
        from apps.flux.service import create_app

        return create_app(self.pipelines)


@app.function(
    image=image,
    volumes={deploy.WEIGHTS_DIR: weights},
    secrets=[huggingface],
    timeout=deploy.DOWNLOAD_TIMEOUT_S,
)
def download() -> None:
    """Fill the weights volume with the models this app loads."""
    from apps.flux.pipelines import download_weights

    download_weights()
    weights.commit()
