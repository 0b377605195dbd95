"""ryla-qwen-edit: Qwen-Image-Edit 2511, instruction edit and inpaint."""
