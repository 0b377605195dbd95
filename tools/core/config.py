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

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from tools.core.errors import FleetError, Problem
from tools.core.paths import is_inside

Unit = Literal["s", "ms"]
_UNITS = ("s", "ms")
_KEYS = ("registry", "include", "exclude", "client-maps", "units")


class ProjectConfig(NamedTuple):
    registry: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    client_maps: tuple[str, ...] = ()
    units: Mapping[str, Unit] = MappingProxyType({})


def load_config(root: Path) -> ProjectConfig:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return ProjectConfig()
    try:
        table = fleet_table(pyproject.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise FleetError(Problem(f"not UTF-8 text ({error.reason})", "pyproject.toml")) from None
    except OSError as error:
        raise FleetError(Problem(f"cannot read: {error.strerror}", "pyproject.toml")) from None
    return parse_config({} if table is None else table)


def fleet_table(text: str) -> Any:
    """The `[tool.fleet]` table of a pyproject.toml text, or None when it has none. The TOML
    is parsed only when the text names fleet at all."""
    if "fleet" not in text:
        return None
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError as error:
        raise FleetError(Problem(f"invalid TOML: {error}", "pyproject.toml")) from None
    return tool.get("fleet") if isinstance(tool, dict) else None


def parse_config(section: Any) -> ProjectConfig:
    """`[tool.fleet]` checked by hand: a small table, and `fleet check` starts faster without
    building a pydantic model for it."""
    if not isinstance(section, dict):
        _fail("", "must be a table")
    unknown = sorted(set(section) - set(_KEYS))
    if unknown:
        _fail(unknown[0], "unknown key")
    registry = section.get("registry")
    if registry is not None and not is_inside(registry):
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
