"""Tiny, randomly initialised pipelines of every model family, built in code.

No file is read and nothing is downloaded: each model comes from a small config under a fixed
torch seed, each tokenizer from an in-memory vocabulary. The pipelines run their real
`__call__` (prompt -> denoising -> VAE decode -> PIL) at 64x64 in a fraction of a second on a
CPU. Their outputs are noise-like but valid images and videos of the requested size.
"""
