"""ryla-qwen-image: Qwen-Image 2512 (full, Lightning, LoRA) and video face swap."""
