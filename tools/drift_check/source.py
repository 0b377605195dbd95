"""A text file of the repository, with offsets turned into lines and columns on demand."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class SourceFile:
    path: str  # relative to the repository root, POSIX separators
    text: str
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer("\n", self.text))]

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def offset(self, line: int, col: int) -> int:
        return self._line_starts[line - 1] + col - 1

    @property
    def suffix(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[-1].lower() if "." in name else ""


_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")


def path_start(text: str, at: int, reach: int = 512) -> int:
    """Where the path that a name at `at` ends begins: the path characters written before it
    (`apps/x.py` of `./apps/x.py`), at most `reach` of them."""
    begin = at
    while begin > 0 and text[begin - 1] in _PATH_CHARS and at - begin < reach:
        begin -= 1
    return begin
