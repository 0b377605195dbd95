"""What fleet takes from its environment, read here and nowhere below the CLI.

FLEET_CACHE_DIR      the cache folder (default $XDG_CACHE_HOME/fleet or ~/.cache/fleet)
FLEET_NO_CACHE       any value: no cache
FLEET_REGISTRY       the registry file (the --registry option)
NO_COLOR             no colour in text reports
GITHUB_STEP_SUMMARY  where reports append their Markdown
GITHUB_OUTPUT        where `fleet changed --github-output` writes
PYDANTIC_DISABLE_PLUGINS  set to `__all__` when unset (`without_pydantic_plugins`)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tools.core import redact
from tools.core.errors import FleetError, Problem


def fleet_folder() -> Path:
    """The user's fleet folder: caches, and the log of the last internal error."""
    configured = os.environ.get("FLEET_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "fleet"


def cache_folder() -> Path | None:
    return None if os.environ.get("FLEET_NO_CACHE") else fleet_folder()


def without_pydantic_plugins() -> None:
    """Pydantic's plugins (observability hooks) have no part in reading the registry, and
    finding them reads every installed package's entry points when its schema is first built:
    a few milliseconds of every start. A value the user set stands."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def append_step_summary(markdown: Callable[[], str]) -> None:
    """Add `markdown()` to the GitHub Actions step summary, when there is one."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        _append("GITHUB_STEP_SUMMARY", path, markdown())


def write_github_output(values: dict[str, str]) -> None:
    """`name=value` lines for the next steps of a GitHub Actions job."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        raise FleetError("--github-output needs GITHUB_OUTPUT (run inside GitHub Actions)")
    _append("GITHUB_OUTPUT", path, "".join(f"{k}={v}\n" for k, v in values.items()))


def _append(name: str, path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(redact.mask(text))
    except OSError as error:
        raise FleetError(Problem(f"{name}: cannot write: {error.strerror}", path)) from None
