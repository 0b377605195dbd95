"""Mappings in JSON and YAML files: every mapping with string keys, located by line.

A JSON document is read with the YAML loader, which keeps a line for every key.
"""

from __future__ import annotations

from typing import Any

from tools.core.errors import FleetError
from tools.core.yaml_lines import LocatedYaml, load_yaml
from tools.drift_check.extract.base import Entry, Located, MapLiteral, Value
from tools.drift_check.facts_cache import remembered
from tools.drift_check.source import SourceFile


class DataMaps:
    suffixes = frozenset({"json", "yaml", "yml"})

    def maps(self, source: SourceFile) -> list[MapLiteral]:
        if "maps" not in source.cache:
            source.cache["maps"] = _maps(source)
        return source.cache["maps"]  # type: ignore[return-value]


def located_data(source: SourceFile) -> LocatedYaml | None:
    """The document with a line per key; None when it does not parse."""
    if "data" not in source.cache:
        source.cache["data"] = remembered(
            "yaml", source, lambda: _parse(source), LocatedYaml | None
        )
    return source.cache["data"]  # type: ignore[return-value]


def _parse(source: SourceFile) -> LocatedYaml | None:
    try:
        return load_yaml(source.text, source.path)
    except (FleetError, RecursionError, ValueError):
        return None


def _maps(source: SourceFile) -> list[MapLiteral]:
    document = located_data(source)
    if document is None:
        return []
    found: list[MapLiteral] = []
    _walk(document, document.data, (), found)
    return found


def _walk(document: LocatedYaml, node: Any, path: tuple[str, ...], found: list[MapLiteral]) -> None:
    if isinstance(node, dict):
        entries = []
        for key, value in node.items():
            child = (*path, str(key))
            line = document.lines.get(child, 1)
            if isinstance(key, str) and not isinstance(value, dict | list):
                entries.append(Entry(key, Located(line, 1), _value(value, line)))
            _walk(document, value, child, found)
        if entries:
            name = path[-1] if path else None
            found.append(MapLiteral(name, Located(document.lines.get(path, 1), 1), entries, []))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _walk(document, item, (*path, str(index)), found)


def _value(value: object, line: int) -> Value:
    number = value if type(value) in (int, float) else None
    string = value if isinstance(value, str) else None
    return Value(number, string, str(value), Located(line, 1), is_literal=False)  # type: ignore[arg-type]
