"""Mappings in JSON and YAML files: every mapping with string keys, located by line.

A `.json` file is read by the json module, and each key found in the text after the one
before it; YAML (and a file `[tool.fleet] client-maps` names) by the YAML loader, which
keeps a line for every key.
"""

from __future__ import annotations

import json
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
        if source.suffix == "json":
            return _json(source)
        return load_yaml(source.text, source.path)
    except (FleetError, RecursionError, ValueError):
        return None


# Keys written otherwise than json.dumps writes them (`"\u0061"`) are searched for at most
# this often: each miss reads to the end of the text.
_MISSES = 16


def _json(source: SourceFile) -> LocatedYaml:
    """The document, and the line of each key: where its token, followed by a colon, next
    stands after the key before it (a walk meets keys in the order the text holds them). A
    key written otherwise (escaped) takes the line of its container."""
    data = json.loads(source.text)
    located = _KeyLines(source)
    located.walk(data, (), 0)
    return LocatedYaml(data, located.lines)


class _KeyLines:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.lines: dict[tuple[str, ...], int] = {(): 1}
        self.misses = _MISSES

    def walk(self, node: Any, path: tuple[str, ...], at: int) -> int:
        """Lines of the keys under `node`, searched from `at`; the offset to go on from."""
        if isinstance(node, list):
            for index, item in enumerate(node):
                item_path = (*path, str(index))
                self.lines[item_path] = self.lines[path]
                at = self.walk(item, item_path, at)
                if isinstance(item, dict) and item:  # a map in a list: at its first key
                    self.lines[item_path] = self.lines[(*item_path, next(iter(item)))]
        elif isinstance(node, dict):
            for key, value in node.items():
                found = self._key_at(json.dumps(key, ensure_ascii=False), at)
                line = self.source.position(found)[0] if found >= 0 else self.lines[path]
                self.lines[(*path, key)] = line
                at = self.walk(value, (*path, key), max(at, found + 1))
        return at

    def _key_at(self, token: str, start: int) -> int:
        """Where `token` next stands as a key (a colon after it), or -1."""
        if self.misses <= 0:
            return -1
        text = self.source.text
        at = text.find(token, start)
        while at >= 0:
            after = at + len(token)
            while after < len(text) and text[after] in " \t\r\n":
                after += 1
            if text.startswith(":", after):
                return at
            at = text.find(token, at + 1)
        self.misses -= 1
        return -1


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
