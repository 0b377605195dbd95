"""The one rule for paths that configuration and the registry give: relative, POSIX, inside the
repository."""

from __future__ import annotations


def is_inside(path: object) -> bool:
    """A non-empty relative POSIX path with no `.`, `..` or empty part."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


ROOT = "."  # an app folder: the repository's root, where an app owns only its own files


def is_folder(path: object) -> bool:
    """A folder an app may live in: one inside the repository, or its root (`.`)."""
    return path == ROOT or is_inside(path)


def folders_up(folder: str) -> list[str]:
    """`folder` (a repository path; `""` is the root) and each folder above it, the root last."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


def joined(folder: str, name: str) -> str:
    """`name` in `folder`, as a repository path (`app.py` at the root, not `./app.py`)."""
    return name if folder == ROOT else f"{folder}/{name}"
