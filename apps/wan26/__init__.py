"""ryla-wan26: text-to-video, reference-to-video and LoRA video, served by Wan 2.2 A14B."""
