"""`[tool.fleet]` in pyproject.toml: where the registry is, what to scan, which rules run.

Ruff's model for files and rules:

[tool.fleet]
registry = "registry/fleet.yaml"        # the default; a path inside the repository
include = ["src/**", "docs/**"]          # default: every file git knows
exclude = ["node_modules/"]              # replaces the built-in excludes (rarely wanted)
extend-exclude = ["vendor/**"]           # added to the excludes
select = ["FL0"]                         # rule codes or prefixes; default: every rule
ignore = ["FL008"]                       # taken out of the selection
client-maps = ["config/timeouts.json"]   # files whose maps discovery would not find
baseline = ".fleet-baseline.json"        # findings accepted for now (`fleet check --baseline`)
history = ["docs/archive/**"]            # historical documents: references in them are not
                                         # checked (default: changelogs, release notes, ADRs,
                                         # archives, dated documents; [] checks them all)
[tool.fleet.per-file-ignores]            # a glob, and the codes not reported in its files
"docs/history/**" = ["FL003", "FL008"]
[tool.fleet.units]                       # a map's unit when its name does not say
ENDPOINT_TIMEOUTS = "ms"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from tools.core.errors import FleetError, Problem
from tools.core.paths import is_inside

Unit = Literal["s", "ms"]
_UNITS = ("s", "ms")
_KEYS = (
    "registry",
    "include",
    "exclude",
    "extend-exclude",
    "select",
    "ignore",
    "per-file-ignores",
    "client-maps",
    "baseline",
    "history",
    "units",
)
# A rule code, or a prefix of codes: ruff's selectors.
_SELECTOR = re.compile(r"FL\d{0,3}|ALL")


class ProjectConfig(NamedTuple):
    registry: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None  # None: the built-in excludes
    extend_exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    client_maps: tuple[str, ...] = ()
    baseline: str | None = None
    history: tuple[str, ...] | None = None  # None: the built-in kinds of historical document
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
    registry = _inside(section, "registry")
    units = section.get("units", {})
    if not isinstance(units, dict) or any(u not in _UNITS for u in units.values()):
        _fail("units", 'must map names to "s" or "ms"')
    per_file = section.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        _fail("per-file-ignores", "must map globs to lists of rule codes")
    return ProjectConfig(
        registry=registry,
        include=_globs(section, "include"),
        exclude=_globs(section, "exclude") if "exclude" in section else None,
        extend_exclude=_globs(section, "extend-exclude"),
        select=_selectors(section, "select", section.get("select", [])),
        ignore=_selectors(section, "ignore", section.get("ignore", [])),
        per_file_ignores=tuple(
            (glob, _selectors(section, f"per-file-ignores.{glob}", codes))
            for glob, codes in per_file.items()
        ),
        client_maps=_globs(section, "client-maps"),
        baseline=_inside(section, "baseline"),
        history=_globs(section, "history") if "history" in section else None,
        units=dict(units),
    )


def _inside(section: dict[str, Any], key: str) -> str | None:
    value = section.get(key)
    if value is not None and not (isinstance(value, str) and is_inside(value)):
        _fail(key, "must be a relative path inside the repository")
    return value


def _selectors(section: dict[str, Any], key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(key, "must be a list of rule codes")
    bad = [v for v in value if not _SELECTOR.fullmatch(v)]
    if bad:
        _fail(key, f"{bad[0]!r} is not a rule code or prefix (FL001, FL0, ALL)")
    return tuple(value)


def _globs(section: dict[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(key, "must be a list of strings")
    return tuple(value)


def _fail(key: str, message: str) -> None:
    where = f"tool.fleet.{key}" if key else "tool.fleet"
    raise FleetError(Problem(f"{where}: {message}", "pyproject.toml"))
