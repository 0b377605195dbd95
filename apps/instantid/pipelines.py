"""The SDXL and FLUX.1 pipelines: production weights from the volume, or tiny ones built in code.

Production loads SDXL base once and shares its text encoders and VAE between the InstantID
ControlNet pipeline and the Lightning UNet; SDXL Turbo is its own checkpoint. Both FLUX face
endpoints use one FLUX.1-dev img2img pipeline with the XLabs IP-Adapter. The tiny backend keeps
the same pipeline classes and sharing, without IP-Adapters (no image encoder to build).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers import (
    ControlNetModel,
    EulerDiscreteScheduler,
    FluxImg2ImgPipeline,
    StableDiffusionXLControlNetPipeline,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
)

from apps._shared.backend import BackendName
from apps._shared.service import Runtime
from apps._shared.tiny.components import finish

SDXL_BASE = "stabilityai/stable-diffusion-xl-base-1.0"
SDXL_TURBO = "stabilityai/sdxl-turbo"
LIGHTNING = "ByteDance/SDXL-Lightning"
LIGHTNING_UNET = "sdxl_lightning_4step_unet.safetensors"
INSTANTID = "InstantX/InstantID"
INSTANTID_CONTROLNET = "ControlNetModel"
SDXL_IP_ADAPTER = "h94/IP-Adapter"
SDXL_IP_ADAPTER_FOLDER = "sdxl_models"
SDXL_IP_ADAPTER_WEIGHTS = "ip-adapter_sdxl.bin"
SDXL_IP_ADAPTER_ENCODER = "image_encoder"  # ViT-bigG, inside SDXL_IP_ADAPTER_FOLDER
FLUX_DEV = "black-forest-labs/FLUX.1-dev"
FLUX_IP_ADAPTER = "XLabs-AI/flux-ip-adapter"
FLUX_IP_ADAPTER_WEIGHTS = "ip_adapter.safetensors"
FLUX_IP_ADAPTER_ENCODER = "openai/clip-vit-large-patch14"

# What `download_weights` fetches: only the files `_production` reads (fp16 variants for SDXL).
SNAPSHOTS: dict[str, list[str]] = {
    SDXL_BASE: ["*.json", "*.txt", "*.fp16.safetensors"],
    SDXL_TURBO: ["*.json", "*.txt", "*.fp16.safetensors"],
    LIGHTNING: [LIGHTNING_UNET],
    INSTANTID: [f"{INSTANTID_CONTROLNET}/*"],
    SDXL_IP_ADAPTER: [
        f"{SDXL_IP_ADAPTER_FOLDER}/{SDXL_IP_ADAPTER_WEIGHTS}",
        f"{SDXL_IP_ADAPTER_FOLDER}/{SDXL_IP_ADAPTER_ENCODER}/config.json",
        f"{SDXL_IP_ADAPTER_FOLDER}/{SDXL_IP_ADAPTER_ENCODER}/model.safetensors",
    ],
    FLUX_IP_ADAPTER: [FLUX_IP_ADAPTER_WEIGHTS],
    FLUX_IP_ADAPTER_ENCODER: ["*.json", "*.txt", "model.safetensors"],
}
# Same patterns as apps/flux, so both apps read one copy of FLUX.1-dev on the shared volume.
FLUX_DEV_IGNORE = ["*.gguf", "flux1-*.safetensors"]


@dataclass
class InstantIdPipelines:
    instantid: StableDiffusionXLControlNetPipeline
    turbo: StableDiffusionXLPipeline
    lightning: StableDiffusionXLPipeline
    # Serves both /flux-pulid and /flux-ipadapter-faceid: they differ only in their inputs.
    flux: FluxImg2ImgPipeline
    # Whether `ip_adapter_image` may be passed: the tiny backend loads no IP-Adapters.
    instantid_ip_adapter: bool
    flux_ip_adapter: bool
    runtime: Runtime


def load(backend: BackendName) -> InstantIdPipelines:
    return _production() if backend == "production" else _tiny()


def lightning_scheduler(base: StableDiffusionXLPipeline) -> EulerDiscreteScheduler:
    """SDXL-Lightning is distilled on trailing timesteps; SDXL base spaces them leading."""
    return EulerDiscreteScheduler.from_config(base.scheduler.config, timestep_spacing="trailing")


def _production() -> InstantIdPipelines:
    base = StableDiffusionXLPipeline.from_pretrained(
        SDXL_BASE, dtype=torch.float16, variant="fp16", use_safetensors=True
    ).to("cuda")
    turbo = StableDiffusionXLPipeline.from_pretrained(
        SDXL_TURBO, dtype=torch.float16, variant="fp16", use_safetensors=True
    ).to("cuda")
    return InstantIdPipelines(
        instantid=_instantid(base),
        turbo=turbo,
        lightning=StableDiffusionXLPipeline.from_pipe(
            base, unet=_lightning_unet(), scheduler=lightning_scheduler(base), dtype=torch.float16
        ),
        flux=_flux_dev(),
        instantid_ip_adapter=True,
        flux_ip_adapter=True,
        runtime=Runtime(
            backend="production",
            models={
                "sdxl-instantid": (
                    f"StableDiffusionXLControlNetPipeline: {SDXL_BASE} + {INSTANTID} "
                    f"{INSTANTID_CONTROLNET} + IP-Adapter {SDXL_IP_ADAPTER} "
                    f"{SDXL_IP_ADAPTER_FOLDER}/{SDXL_IP_ADAPTER_WEIGHTS} (no insightface)"
                ),
                "sdxl-turbo": f"StableDiffusionXLPipeline: {SDXL_TURBO}",
                "sdxl-lightning": (
                    f"StableDiffusionXLPipeline: {SDXL_BASE} with {LIGHTNING} {LIGHTNING_UNET}"
                ),
                "flux-pulid": _flux_description("PuLID approximated, face crop"),
                "flux-ipadapter-faceid": _flux_description("IP-Adapter FaceID approximated"),
            },
        ),
    )


def _instantid(base: StableDiffusionXLPipeline) -> StableDiffusionXLControlNetPipeline:
    controlnet = ControlNetModel.from_pretrained(
        INSTANTID, subfolder=INSTANTID_CONTROLNET, dtype=torch.float16
    ).to("cuda")
    # Shares base's UNet, text encoders and VAE; the IP-Adapter patches that UNet, which no
    # other endpoint uses (Lightning has its own).
    pipeline = StableDiffusionXLControlNetPipeline.from_pipe(
        base, controlnet=controlnet, dtype=torch.float16
    )
    pipeline.load_ip_adapter(
        SDXL_IP_ADAPTER,
        subfolder=SDXL_IP_ADAPTER_FOLDER,
        weight_name=SDXL_IP_ADAPTER_WEIGHTS,
        image_encoder_folder=SDXL_IP_ADAPTER_ENCODER,
    )
    return pipeline


def _lightning_unet() -> UNet2DConditionModel:
    from huggingface_hub import hf_hub_download
    from safetensors.torch import load_file

    config = UNet2DConditionModel.load_config(SDXL_BASE, subfolder="unet")
    # Built on the GPU: random initialisation of 2.6 B parameters on the CPU takes tens of seconds.
    with torch.device("cuda"):
        unet = UNet2DConditionModel.from_config(config).to(torch.float16)
    unet.load_state_dict(load_file(hf_hub_download(LIGHTNING, LIGHTNING_UNET), device="cuda"))
    return unet


def _flux_dev() -> FluxImg2ImgPipeline:
    pipeline = FluxImg2ImgPipeline.from_pretrained(FLUX_DEV, dtype=torch.bfloat16).to("cuda")
    pipeline.load_ip_adapter(
        FLUX_IP_ADAPTER,
        weight_name=FLUX_IP_ADAPTER_WEIGHTS,
        image_encoder_pretrained_model_name_or_path=FLUX_IP_ADAPTER_ENCODER,
    )
    return pipeline


def _flux_description(method: str) -> str:
    return (
        f"FluxImg2ImgPipeline: {FLUX_DEV} + IP-Adapter {FLUX_IP_ADAPTER} "
        f"{FLUX_IP_ADAPTER_WEIGHTS} ({method})"
    )


def _tiny() -> InstantIdPipelines:
    from apps._shared.tiny.flux import flux_pipeline
    from apps._shared.tiny.sdxl import sdxl_controlnet_pipeline, sdxl_pipeline, sdxl_unet

    # One tiny SDXL serves turbo and lends its encoders and VAE to Lightning and InstantID.
    sdxl = sdxl_pipeline()
    lightning = StableDiffusionXLPipeline.from_pipe(
        sdxl, unet=sdxl_unet(), scheduler=lightning_scheduler(sdxl)
    )
    return InstantIdPipelines(
        instantid=sdxl_controlnet_pipeline(sdxl),
        turbo=sdxl,
        lightning=finish(lightning),
        flux=finish(FluxImg2ImgPipeline.from_pipe(flux_pipeline())),
        instantid_ip_adapter=False,
        flux_ip_adapter=False,
        runtime=Runtime(
            backend="tiny",
            models={
                "sdxl-instantid": "tiny StableDiffusionXLControlNetPipeline (no IP-Adapter)",
                "sdxl-turbo": "tiny StableDiffusionXLPipeline",
                "sdxl-lightning": "tiny StableDiffusionXLPipeline (own UNet, trailing Euler)",
                "flux-pulid": "tiny FluxImg2ImgPipeline (no IP-Adapter)",
                "flux-ipadapter-faceid": "tiny FluxImg2ImgPipeline (no IP-Adapter)",
            },
        ),
    )


def download_weights() -> None:
    from huggingface_hub import snapshot_download

    for repo, patterns in SNAPSHOTS.items():
        snapshot_download(repo, allow_patterns=patterns)
    snapshot_download(FLUX_DEV, ignore_patterns=FLUX_DEV_IGNORE)
