"""Markdown as the rules read it: which files are Markdown, and their headings outside code
blocks."""

from __future__ import annotations

import re
from typing import NamedTuple

from tools.drift_check.source import SourceFile

MARKDOWN = frozenset({"md", "mdx", "mdc", "markdown"})
FENCES = ("```", "~~~")
_HEADING = re.compile(r"(#{1,6})[ \t]+(.*)")
MAX_HEADINGS = 4096  # per document: bounded work on any text


class Heading(NamedTuple):
    line: int
    depth: int  # 1 for `#`, 6 for `######`
    title: str


def headings(source: SourceFile) -> list[Heading]:
    """The headings of a Markdown document outside its code blocks, at most `MAX_HEADINGS`;
    found once per file for every rule that reads them (the list is shared: not to change)."""
    if "headings" not in source.cache:
        source.cache["headings"] = _headings(source)
    return source.cache["headings"]  # type: ignore[return-value]


def _headings(source: SourceFile) -> list[Heading]:
    found, fenced = [], False
    for number, line in enumerate(source.lines, start=1):
        stripped = line.strip()
        if stripped.startswith(FENCES):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.fullmatch(stripped)
        if heading is not None:
            found.append(Heading(number, len(heading[1]), heading[2]))
            if len(found) == MAX_HEADINGS:
                break
    return found
