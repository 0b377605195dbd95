"""Every map literal of a file, whatever its language: the one entry point for map rules."""

from __future__ import annotations

from collections.abc import Callable

from tools.drift_check.extract.base import Entry, MapExtractor, MapLiteral
from tools.drift_check.extract.data import DataMaps
from tools.drift_check.extract.python import PythonMaps
from tools.drift_check.extract.typescript import TypeScriptMaps
from tools.drift_check.source import SourceFile

_DATA = DataMaps()
EXTRACTORS: tuple[MapExtractor, ...] = (PythonMaps(), TypeScriptMaps(), _DATA)
_BY_SUFFIX = {suffix: e for e in EXTRACTORS for suffix in e.suffixes}


def maps_in(
    source: SourceFile, hint: Callable[[SourceFile], bool] | None = None, *, as_data: bool = False
) -> list[MapLiteral]:
    """The maps of a file; with `hint`, none unless it says the file may hold some.

    `as_data` reads any file as JSON or YAML: for the files `[tool.fleet] client-maps` names.
    """
    if as_data:
        return _DATA.maps(source)
    extractor = _BY_SUFFIX.get(source.suffix)
    if extractor is None or (hint is not None and not hint(source)):
        return []
    return extractor.maps(source)


def with_spreads(literal: MapLiteral, siblings: list[MapLiteral]) -> list[tuple[str, Entry]]:
    """Keys of a map including those spread into it from maps of the same file."""
    by_name = {m.name: m for m in siblings if m.name}
    keys: list[tuple[str, Entry]] = []
    for spread in literal.spreads:
        spread_map = by_name.get(spread)
        if spread_map is not None and spread_map is not literal:
            keys += [(e.key, e) for e in spread_map.entries]
    keys += [(e.key, e) for e in literal.entries]
    return keys
