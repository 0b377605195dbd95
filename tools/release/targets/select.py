"""Build a target by name: the one place that maps `--target` to an implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from tools.release.targets.base import Target

TargetName = Literal["local", "modal"]


def make_target(name: str, root: Path, env: str) -> Target:
    if name == "modal":
        from tools.release.targets.modal import ModalTarget

        return ModalTarget(root, env)
    from tools.release.targets.local import LocalTarget

    return LocalTarget(root, env)
