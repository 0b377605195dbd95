"""Where the registry is: found from a folder upwards, and named as a person would type it.

No pydantic here: commands that only need the path (a replayed `fleet check`) stay light.
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.core import inputs
from tools.core.errors import FleetError

REGISTRY_FILE = Path("registry") / "fleet.yaml"
SCHEMA_NAME = "fleet.schema.json"


def find_registry(start: Path) -> Path:
    """`registry/fleet.yaml` in `start` or the nearest parent that has one."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / REGISTRY_FILE
        if inputs.is_file(str(candidate)):
            return candidate
    raise FleetError(f"no {REGISTRY_FILE.as_posix()} in {start} or its parents; pass --registry")


def schema_path(registry_path: Path) -> Path:
    return registry_path.with_name(SCHEMA_NAME)


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()
