"""ryla-flux: FLUX.1 schnell and dev, with LoRA."""
