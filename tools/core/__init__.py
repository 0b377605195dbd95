"""The base layer: the registry, errors, files, git, caches, YAML and globs.

Nothing here imports from `tools.drift_check`, `tools.release`, `tools.client` or the CLI in
`tools.fleet`; they all import from here.
"""

from __future__ import annotations

__version__ = "0.1.0"
