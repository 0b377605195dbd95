"""Python syntax helpers: parsing, dotted names, keywords, code quoted in comments."""

from __future__ import annotations

import ast

MAX_SHOWN = 80  # characters of code quoted in a comment


def parse_tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def dotted_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def excerpt(node: ast.expr | str, source: str = "") -> str:
    """Code quoted in a comment, as written in `source` when given: one line, bounded."""
    if isinstance(node, str):
        text = node
    else:
        try:
            text = (ast.get_source_segment(source, node) if source else None) or ast.unparse(node)
        except RecursionError:
            text = "..."
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 3]}..."


def keyword(call: ast.Call | None, *names: str, position: int | None = None) -> ast.expr | None:
    if call is None:
        return None
    for given in call.keywords:
        if given.arg in names:
            return given.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None
