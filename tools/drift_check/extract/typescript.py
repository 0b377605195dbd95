"""Object literals assigned to names in TypeScript and JavaScript, without a TypeScript parser.

    export const ENDPOINT_TIMEOUT_MS: Record<string, number> = {
      ...DEFAULTS,
      '/z-image-simple': 10 * 60 * 1000,
      "/qwen-image-2512": 600_000,
    } as const;

A small scanner skips strings, template literals and comments and splits the object at its
top-level commas. Values are evaluated as arithmetic over numbers (with `_` separators) and
numeric constants of the same file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from tools.drift_check.extract.base import Entry, Located, MapLiteral, Value
from tools.drift_check.facts_cache import remembered
from tools.drift_check.source import SourceFile

_ASSIGNMENT = re.compile(
    r"(?:^|[;\s])(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*"
    r"(?::(?:[^=;{}]|\{[^{}=]{0,200}\}){0,200})?=\s*"  # a type, `{ app: string }` in it too
)
# A backslash is read one way only (an escape, never a character of its own): `\\.|.` read
# a string of backslashes both ways, in exponential time.
_KEY = re.compile(
    r"""\s*(?:(["'])(?P<quoted>(?:\\.|(?!\1)[^\\\n])*)\1|(?P<bare>[A-Za-z_$][\w$]*))\s*:"""
)
_NUMERIC = re.compile(r"[\w$\s()*+/._-]*")  # fullmatch: one class, read in linear time
# `const NAME = value` and `const NAME: number = value`, each space read one way.
_CONSTANT = re.compile(r"(?:const|let|var)\s+([A-Za-z_$][\w$]*)(?:\s*:\s*number)?\s*=\s*([^;\n{]+)")
_AS_CONST = re.compile(r"\bas\s+const\b")
_INTEGER_LITERAL = re.compile(r"\d[\d_]*(?:\.\d+)?")
_MAX_OBJECT = 200_000


# The suffixes of JavaScript and TypeScript files.
SUFFIXES = frozenset({"ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"})


class TypeScriptMaps:
    suffixes = SUFFIXES

    def maps(self, source: SourceFile) -> list[MapLiteral]:
        if "maps" not in source.cache:
            source.cache["maps"] = remembered(
                "typescript-maps", source, lambda: _maps(source), list[MapLiteral]
            )
        return source.cache["maps"]  # type: ignore[return-value]


def _maps(source: SourceFile) -> list[MapLiteral]:
    text = source.text
    constants = _numeric_constants(text)
    found = []
    for match in _ASSIGNMENT.finditer(text):
        start = match.end()
        if start >= len(text) or text[start] != "{":
            continue
        end = _closing(text, start)
        if end is None:
            continue
        line, col = source.position(start)
        entries, spreads = _entries(source, start + 1, end, constants)
        if entries or spreads:
            found.append(MapLiteral(match[1], Located(line, col), entries, spreads))
    return found


def _numeric_constants(text: str) -> dict[str, ast.expr]:
    constants: dict[str, ast.expr] = {}
    for match in _CONSTANT.finditer(text):
        expression = _python_expression(match[2])
        if expression is not None:
            constants[match[1]] = expression
    return constants


def _python_expression(text: str) -> ast.expr | None:
    cleaned = _AS_CONST.sub("", text).strip().rstrip(",")
    if not cleaned or not _NUMERIC.fullmatch(cleaned) or "$" in cleaned:
        return None
    try:
        return ast.parse(cleaned, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _code(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Each character of `text[start:end]` outside strings, template literals and comments."""
    i = start
    while i < end:
        char = text[i]
        if char in "\"'`":
            i = _after_string(text, i)
        elif text.startswith("//", i):
            newline = text.find("\n", i, end)
            i = end if newline == -1 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2, end)
            i = end if close == -1 else close + 2
        else:
            yield i, char
            i += 1


def _closing(text: str, start: int) -> int | None:
    """The index of the brace closing the one at `start`."""
    depth = 0
    for i, char in _code(text, start, min(len(text), start + _MAX_OBJECT)):
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return i
    return None


def _after_string(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        if text[i] == "\n" and quote != "`":
            return i + 1
        i += 1
    return len(text)


def _entries(
    source: SourceFile, start: int, end: int, constants: dict[str, ast.expr], depth: int = 0
) -> tuple[list[Entry], list[str]]:
    from tools.drift_check.extract.python import number_of

    entries: list[Entry] = []
    spreads: list[str] = []
    for raw_start, item_end in _top_level_items(source.text, start, end):
        item_start = _skip_trivia(source.text, raw_start, item_end)
        item = source.text[item_start:item_end]
        stripped = item.strip()
        if stripped.startswith("..."):
            spreads.append(stripped[3:].strip())
            continue
        key = _KEY.match(item)
        if key is None:
            continue
        name = key["quoted"] if key["quoted"] is not None else key["bare"]
        key_offset = item_start + key.start(2 if key["quoted"] is not None else "bare")
        value_offset = item_start + key.end()
        raw = source.text[value_offset:item_end]
        value_text = _without_as_const(raw.strip())
        leading = len(raw) - len(raw.lstrip())
        expression = _python_expression(value_text)
        string = _string_literal(value_text)
        key_line, key_col = source.position(key_offset - (1 if key["quoted"] is not None else 0))
        value_line, value_col = source.position(value_offset + leading)
        number = number_of(expression, constants) if expression is not None else None
        literal = _INTEGER_LITERAL.fullmatch(value_text) is not None
        fields = None
        if value_text.startswith("{") and depth < 4:  # `{ app: "flux", endpoint: "gen" }`
            opening = value_offset + leading
            closing = _closing(source.text, opening)
            if closing is not None and closing <= item_end:
                fields = tuple(_entries(source, opening + 1, closing, constants, depth + 1)[0])
        at = Located(value_line, value_col)
        value = Value(number, string, value_text, at, literal, fields=fields)
        entries.append(Entry(name, Located(key_line, key_col), value))
    return entries, spreads


def _without_as_const(text: str) -> str:
    """`text` less a trailing `as const` (split, not a regex: a long run of spaces stays
    linear)."""
    words = text.rsplit(None, 2)
    if len(words) == 3 and words[1:] == ["as", "const"]:
        return words[0]
    return text


def _skip_trivia(text: str, i: int, end: int) -> int:
    """Past the white space and comments before an item."""
    while i < end:
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            newline = text.find("\n", i, end)
            i = end if newline == -1 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2, end)
            i = end if close == -1 else close + 2
        else:
            break
    return i


def _string_literal(text: str) -> str | None:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`" and "${" not in text:
        return text[1:-1]
    return None


def _top_level_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans between the object's top-level commas."""
    items = []
    depth = 0
    item_start = start
    for i, char in _code(text, start, end):
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        elif char == "," and depth == 0:
            items.append((item_start, i))
            item_start = i + 1
    items.append((item_start, end))
    return [(s, e) for s, e in items if text[s:e].strip()]
