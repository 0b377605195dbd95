"""The registry's text as data, before validation: YAML 1.2, read by yaml-rs, with no merge
keys, duplicate keys refused and alias expansion bounded. No pydantic here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tools.core.errors import FleetError, Problem
from tools.core.fs import read_document
from tools.core.repository import display_path
from tools.core.yaml_lines import load_yaml

_AT_LINE = re.compile(r"at line (\d+)")
# Far above what a registry of thousands of apps needs, far below what hangs a parser.
MAX_ALIAS_EXPANSIONS = 1_000
MAX_REPLAYED_EVENTS = 100_000


def read_registry_text(path: Path) -> str:
    return read_document(path, display_path(path), missing="registry file not found")


def registry_data(text: str, source: str) -> dict[str, Any]:
    """The registry's YAML as data, not yet validated."""
    import yaml_rs

    limits = yaml_rs.AliasLimits(
        max_alias_expansions_per_anchor=MAX_ALIAS_EXPANSIONS,
        max_total_replayed_events=MAX_REPLAYED_EVENTS,
    )
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=limits)
    except yaml_rs.YAMLDecodeError as error:
        raise _located_yaml_error(text, source, str(error)) from None
    except ValueError as error:  # an integer of thousands of digits, say
        raise FleetError(Problem(f"YAML error: {error}", source)) from None
    if not isinstance(data, dict):
        load_yaml(text, source)  # several documents: its error names the line of the second
        raise FleetError(Problem("the registry must be a mapping of keys to values", source, 1))
    if not _bounded(data):
        load_yaml(text, source)  # refuses the integer at its line
        raise FleetError(Problem("an integer is out of range (more than 19 digits)", source))
    return data


def _bounded(data: Any) -> bool:
    """Whether every integer in the data has at most 19 digits (a 64-bit value)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, int) and not isinstance(value, bool):
            if not -(10**19) < value < 10**19:
                return False
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return True


def _located_yaml_error(text: str, source: str, message: str) -> FleetError:
    """PyYAML's located error for the same text where it has one (a duplicate key, a syntax
    error), else yaml-rs's message at its line."""
    load_yaml(text, source)  # raises its own FleetError, with the line, for most texts
    said = [line.strip(" |") for line in message.splitlines() if line.strip(" |^")]
    at = _AT_LINE.search(message)
    line = int(at[1]) if at else None
    return FleetError(Problem(f"YAML error: {said[-1] if said else message}", source, line))
