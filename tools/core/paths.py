"""The one rule for paths that configuration and the registry give: relative, POSIX, inside the
repository."""

from __future__ import annotations


def is_inside(path: object) -> bool:
    """A non-empty relative POSIX path with no `.`, `..` or empty part."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))
