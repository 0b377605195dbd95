"""What fleet generates from the registry: Markdown blocks (and, later, client modules)."""
