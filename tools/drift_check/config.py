"""`[tool.fleet]` in pyproject.toml: what to scan, where the registry is, extra client maps.

[tool.fleet]
registry = "registry/fleet.yaml"        # default: found from the root upwards
include = ["src/**", "docs/**"]          # default: every file git knows
exclude = ["vendor/**"]                  # added to the built-in excludes
client-maps = ["config/timeouts.json"]   # files whose maps discovery would not find
[tool.fleet.units]                       # a map's unit when its name does not say
ENDPOINT_TIMEOUTS = "ms"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.fleet.errors import FleetError, Problem

Unit = Literal["s", "ms"]


class CheckConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    registry: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    client_maps: tuple[str, ...] = Field(default=(), alias="client-maps")
    units: dict[str, Unit] = Field(default_factory=dict)


def load_config(root: Path) -> CheckConfig:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return CheckConfig()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FleetError(Problem(f"invalid TOML: {error}", "pyproject.toml")) from None
    section = data.get("tool", {}).get("fleet", {})
    try:
        return CheckConfig.model_validate(section)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in ("tool", "fleet", *first["loc"]))
        raise FleetError(Problem(f"{where}: {first['msg']}", "pyproject.toml")) from None
