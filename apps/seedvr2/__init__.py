"""ryla-seedvr2: image upscaling to an exact size, served by the SD x4 upscaler."""
