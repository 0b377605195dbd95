"""The facts extractors share, and the Protocol every map extractor implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from tools.drift_check.source import SourceFile

Number = int | float


class Located(NamedTuple):
    line: int
    col: int  # 1-based


class Value(NamedTuple):
    """A value expression: its resolved number or string (None if unresolvable), and its text."""

    number: Number | None
    string: str | None
    text: str
    at: Located
    is_literal: bool  # a plain number literal: safe to rewrite
    items: tuple[Value, ...] | None = None  # a list or tuple literal's elements
    fields: tuple[Entry, ...] | None = None  # an object or dict literal's string-keyed entries


class Entry(NamedTuple):
    key: str
    key_at: Located
    value: Value


class MapLiteral(NamedTuple):
    """A dict, object literal or data mapping with string keys, as written in one file."""

    name: str | None  # the variable or key it is assigned to, if any
    at: Located
    entries: list[Entry]
    spreads: list[str]  # names spread into it (`**BASE`, `...BASE`)


class MapExtractor(Protocol):
    suffixes: frozenset[str]

    def maps(self, source: SourceFile) -> list[MapLiteral]: ...
