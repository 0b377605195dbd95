"""Read `registry/fleet.yaml` into a validated `Registry`, or fail with `file:line: message`.

Lines for messages come from composing the text again with PyYAML (`tools.core.yaml_lines`),
only when a message needs one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tools.core.errors import FleetError, Problem
from tools.core.registry.model import UNION_TAGS, Registry, semantic_problems
from tools.core.registry.parse import read_registry_text, registry_data
from tools.core.repository import display_path
from tools.core.yaml_lines import LocatedYaml, load_yaml

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def load_registry(path: Path) -> Registry:
    return parse_registry(read_registry_text(path), display_path(path))


def load_registry_located(path: Path) -> tuple[Registry, LocatedYaml]:
    """The registry and the line of every key in it, for reports that point into the file."""
    source = display_path(path)
    text = read_registry_text(path)
    return parse_registry(text, source), LocatedYaml.later(lambda: load_yaml(text, source))


def parse_registry(text: str, source: str) -> Registry:
    return validate(registry_data(text, source), text, source)


def validate(data: dict[str, Any], text: str, source: str) -> Registry:
    """The validated registry, or every problem with the line of `text` it is at."""
    try:
        registry = Registry.model_validate(data)
    except ValidationError as error:
        located = load_yaml(text, source)
        problems = [_located(e, located, source) for e in error.errors(include_url=False)]
        raise FleetError(*sorted(problems, key=_line)) from None
    semantic = semantic_problems(registry)
    if semantic:
        located = load_yaml(text, source)
        problems = [
            Problem(f"{dotted(loc)}: {message}", source, located.line_of(loc))
            for loc, message in semantic
        ]
        raise FleetError(*sorted(problems, key=_line))
    return registry


def _line(problem: Problem) -> int:
    return problem.line or 0


def _located(error: ErrorDetails, located: LocatedYaml, source: str) -> Problem:
    loc = tuple(part for part in error["loc"] if part not in UNION_TAGS)
    is_key = bool(loc) and loc[-1] == "[key]"
    if is_key:
        loc = loc[:-1]
    line = located.line_of(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        return Problem(f"{dotted(loc[:-1])}: unknown key {loc[-1]!r}", source, line)
    if kind == "missing":
        return Problem(f"{dotted(loc[:-1])}: missing required key {loc[-1]!r}", source, line)
    message = error["msg"].removeprefix("Value error, ")
    if kind.endswith("_type") and isinstance(error["input"], str | int | float | bool):
        message += f" (got {error['input']!r})"
    if is_key:
        return Problem(f"{dotted(loc[:-1])}: key {loc[-1]!r}: {message}", source, line)
    return Problem(f"{dotted(loc)}: {message}", source, line)


def dotted(loc: tuple[str | int, ...]) -> str:
    """`apps.flux.endpoints[/flux].client_timeout_s`: the location as a person reads it."""
    text = ""
    for part in loc:
        if isinstance(part, int) or not _PLAIN_KEY.match(part):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"
