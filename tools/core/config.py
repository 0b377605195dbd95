"""`[tool.fleet]` in pyproject.toml: where the registry is, what to scan, extra client maps.

[tool.fleet]
registry = "registry/fleet.yaml"        # the default; a path inside the repository
include = ["src/**", "docs/**"]          # default: every file git knows
exclude = ["vendor/**"]                  # added to the built-in excludes
client-maps = ["config/timeouts.json"]   # files whose maps discovery would not find
[tool.fleet.units]                       # a map's unit when its name does not say
ENDPOINT_TIMEOUTS = "ms"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tools.core import inputs
from tools.core.errors import FleetError, Problem

Unit = Literal["s", "ms"]
_UNITS = ("s", "ms")
_KEYS = ("registry", "include", "exclude", "client-maps", "units")


@dataclass(frozen=True)
class ProjectConfig:
    registry: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    client_maps: tuple[str, ...] = ()
    units: dict[str, Unit] = field(default_factory=dict)


def load_config(root: Path) -> ProjectConfig:
    pyproject = str(root / "pyproject.toml")
    if not inputs.is_file(pyproject):
        return ProjectConfig()
    try:
        data = tomllib.loads(inputs.read_text(pyproject))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FleetError(Problem(f"invalid TOML: {error}", "pyproject.toml")) from None
    except OSError as error:
        raise FleetError(Problem(f"cannot read: {error.strerror}", "pyproject.toml")) from None
    return parse_config(data.get("tool", {}).get("fleet", {}))


def parse_config(section: Any) -> ProjectConfig:
    """`[tool.fleet]` checked by hand: a small table, and `fleet check` starts faster without
    building a pydantic model for it."""
    if not isinstance(section, dict):
        _fail("", "must be a table")
    unknown = sorted(set(section) - set(_KEYS))
    if unknown:
        _fail(unknown[0], "unknown key")
    registry = section.get("registry")
    if registry is not None and not _inside(registry):
        _fail("registry", "must be a relative path inside the repository")
    units = section.get("units", {})
    if not isinstance(units, dict) or any(u not in _UNITS for u in units.values()):
        _fail("units", 'must map names to "s" or "ms"')
    return ProjectConfig(
        registry=registry,
        include=_globs(section, "include"),
        exclude=_globs(section, "exclude"),
        client_maps=_globs(section, "client-maps"),
        units=dict(units),
    )


def _globs(section: dict[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(key, "must be a list of strings")
    return tuple(value)


def _fail(key: str, message: str) -> None:
    where = f"tool.fleet.{key}" if key else "tool.fleet"
    raise FleetError(Problem(f"{where}: {message}", "pyproject.toml"))


def _inside(path: object) -> bool:
    if not isinstance(path, str) or not path or path.startswith(("/", "\\")) or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))
