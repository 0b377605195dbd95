"""ryla-z-image: Z-Image-Turbo text-to-image, with LoRA and the Danrisi sampler settings."""
