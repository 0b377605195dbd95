"""Extractors: facts read from files of one kind (URLs, Python, TypeScript, Markdown, YAML)."""
