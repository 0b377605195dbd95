"""The unit of a timeout map: stated in config, said by its name, or read from its values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Unit = Literal["s", "ms"]

_MILLISECONDS_CASED = re.compile(r"(?:_MS$|_ms$|Ms$|MS$|Millis|millis|_MS_|Ms[A-Z])")
_SECONDS = re.compile(r"(?:_S$|_s$|_SEC|_sec|Seconds|SECONDS|seconds|Secs|_SECS)")


def unit_of(
    name: str | None, path: str, numbers: Iterable[float], configured: dict[str, Unit]
) -> Unit:
    for key in (name, path):
        if key is not None and key in configured:
            return configured[key]
    if name is not None:
        if _MILLISECONDS_CASED.search(name):
            return "ms"
        if _SECONDS.search(name):
            return "s"
    values = list(numbers)
    # Nobody waits 1000 s for an HTTP answer but many write 180000 ms.
    return "ms" if values and min(values) >= 1000 else "s"


def to_seconds(value: float, unit: Unit) -> float:
    return value / 1000 if unit == "ms" else value


def literal(seconds: int, unit: Unit, like: str) -> str:
    """The registry's value as a literal in the map's unit, in the style of the one it replaces."""
    value = seconds * 1000 if unit == "ms" else seconds
    return f"{value:_}" if "_" in like else str(value)
