"""Which branch of a script a command is in (`if ... elif ... else ... fi`, the arms of
`case ... esac`), and whether the script prints it (`echo "modal deploy x.py"`) instead of
running it."""

from __future__ import annotations

import bisect
import re

# What opens, divides or closes a branch: `if`, `elif`, `else`, `fi`, `case`, `esac` where a
# command starts (a line's start, or after `;`, `&`, `|` or `(`), and the `;;` that ends an arm.
_BRANCH = re.compile(
    r"(?P<arm>;;&?|;&)|(?:^|[;&|(])[ \t]*(?P<word>if|elif|else|fi|case|esac)(?![\w.-])",
    re.MULTILINE,
)
# A command that prints: `echo` or `printf` at the start of its line.
_PRINTS = re.compile(r"[ \t]*(?:echo|printf)(?![\w.-])")
# `echo`'s or `printf`'s options, before what it prints.
_PRINT_OPTIONS = re.compile(r"(?:[ \t]+-[neE]{1,3}(?![\w-]))*")
_QUOTES = str.maketrans({'"': " ", "'": " "})
_OPEN, _CLOSE = frozenset({"if", "case"}), frozenset({"fi", "esac"})


class Branches:
    """The branch each offset of a script's text is in: for each block open there, outermost
    first, where the block starts and which of its branches it is; `()` at the top."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._marks: list[int] = [0]
        self._paths: list[tuple[tuple[int, int], ...]] = [()]
        if "if" not in text and "case" not in text:
            return
        path: list[tuple[int, int]] = []
        for match in _BRANCH.finditer(text):
            word = match["word"]
            if word in _OPEN:
                path.append((match.start("word"), 0))
            elif path and (word in ("elif", "else") or match["arm"]):
                start, branch = path[-1]
                path[-1] = (start, branch + 1)
            elif path and word in _CLOSE:
                path.pop()
            else:
                continue
            self._marks.append(match.end())
            self._paths.append(tuple(path))

    def branch(self, offset: int) -> tuple[tuple[int, int], ...]:
        """The branch of the command at `offset`: `()` when it runs whatever holds."""
        return self._paths[bisect.bisect_right(self._marks, offset) - 1]

    def printed(self, offset: int) -> bool:
        """Whether the command at `offset` is printed by `echo` or `printf` on its line."""
        start = self._text.rfind("\n", 0, offset) + 1
        return _PRINTS.match(self._text, start) is not None


def printed_text(text: str) -> str:
    """What a script prints for its reader to type (`echo "  cd apps/web"`), as typed: on
    each line that prints, the print word, its options and the quotes blanked; every other
    line blanked. Lines and columns as in `text`."""
    kept = []
    for line in text.split("\n"):
        word = _PRINTS.match(line)
        if word is None:
            kept.append(" " * len(line))
            continue
        options = _PRINT_OPTIONS.match(line, word.end())
        start = options.end() if options is not None else word.end()
        kept.append(" " * start + line[start:].translate(_QUOTES))
    return "\n".join(kept)
