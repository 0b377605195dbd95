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


# A map's name that says its values are something else than a wait.
_NOT_A_WAIT = re.compile(
    r"(?i)(?:seed|count|steps|size|width|height|weight|version|port|priority|order|index|"
    r"tokens|frames|fps|price|cost|limit_n|retries|attempts|concurrency|replicas|scale|ratio|"
    r"ttl|cache|max_?age|stale)"  # how long a response is kept, not how long a call waits
)
_A_WAIT = re.compile(r"(?i)(?:timeout|deadline|wait|duration|latency|budget)")
# The longest wait Modal allows, in seconds and in milliseconds.
_MAX_S = 86_400


def is_timeout_map(name: str | None, numbers: list[float], unit: Unit) -> bool:
    """Whether a map keyed by endpoints holds timeouts: its name says so, or says nothing
    and every value is a wait Modal allows in its unit (a seed of 1374878599 is not)."""
    if name is not None and _A_WAIT.search(name):
        return True
    if name is not None and _NOT_A_WAIT.search(name):
        return False
    limit = _MAX_S * 1000 if unit == "ms" else _MAX_S
    return all(0 < value <= limit and value == int(value) for value in numbers)


def to_seconds(value: float, unit: Unit) -> float:
    return value / 1000 if unit == "ms" else value


def literal(seconds: int, unit: Unit, like: str) -> str:
    """The registry's value as a literal in the map's unit, in the style of the one it replaces."""
    value = seconds * 1000 if unit == "ms" else seconds
    return f"{value:_}" if "_" in like else str(value)
