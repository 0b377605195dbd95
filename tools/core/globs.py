"""Glob patterns for include and exclude settings: `*`, `?`, `**` and a trailing `/`.

A small translation to one regular expression, compiled by RE2: globs come from repository
text (the registry's triggers, `[tool.fleet]`), and RE2 matches in time linear in the path
whatever the pattern (Python's engine took time exponential in the number of `*` of a glob
that failed to match).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol


def _translate(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    pattern = pattern.lstrip("/")
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/\n]*")  # no newline: `matching` reads paths one to a line
            i += 1
        elif pattern[i] == "?":
            out.append("[^/\n]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    # A pattern without a slash matches a name at any depth, as in .gitignore.
    return body if anchored else f"(?:.*/)?{body}"


class GlobSet:
    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        joined = "|".join(f"(?:{_translate(p)})" for p in self.patterns)
        self._regex = _linear(f"^(?:{joined})(?:/.*)?$") if self.patterns else None
        self._lines: Matcher | None = None

    def match(self, path: str) -> bool:
        return self._regex is not None and self._regex.match(path) is not None

    def matching(self, paths: list[str]) -> set[str]:
        """The paths that match, found in one pass over them all, a line each (a path with a
        newline in its name is matched alone)."""
        if self._regex is None:
            return set()
        if self._lines is None:
            self._lines = _linear(f"(?m){self._regex.pattern}")
        plain = [p for p in paths if "\n" not in p]
        found = {m.group(0) for m in self._lines.finditer("\n".join(plain))}
        return found | {p for p in paths if "\n" in p and self.match(p)}


def _linear(pattern: str) -> Matcher:
    import re2  # here: a check whose configuration has no globs never loads it

    return re2.compile(pattern)


class Matcher(Protocol):
    pattern: str

    def match(self, text: str) -> object | None: ...
    def finditer(self, text: str) -> Iterator[Match]: ...


class Match(Protocol):
    def group(self, index: int) -> str: ...
