"""YAML loading that remembers where every key came from, and refuses duplicate keys.

PyYAML silently keeps the last of two equal keys and forgets line numbers once it has built
Python objects. Composing the node tree first gives both: a line for every path (so a
validation error can name `file:line`) and a clean error for a key written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.core.errors import FleetError, Problem

if TYPE_CHECKING:
    import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"

PathKey = tuple[str, ...]

# Aliases can make a small file expand without bound ("billion laughs"); the registry and the
# workflows this reads are far below this many keys and items.
MAX_ENTRIES = 100_000


class LocatedYaml:
    """Parsed YAML data and the 1-based line of every mapping key and sequence item."""

    def __init__(self, data: Any, lines: dict[PathKey, int]) -> None:
        self.data = data
        self.lines = lines

    @staticmethod
    def later(parse: Callable[[], LocatedYaml]) -> LocatedYaml:
        """A document parsed only when its data or lines are first asked for."""
        return _Later(parse)

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The line of the longest prefix of `loc` that exists in the document."""
        parts = tuple(str(p) for p in loc)
        for end in range(len(parts), 0, -1):
            line = self.lines.get(parts[:end])
            if line is not None:
                return line
        return self.lines.get((), 1)


# An integer longer than this is refused: Python refuses to turn ints of 4,300 digits into
# text, and nothing fleet reads needs more than a 64-bit value.
MAX_INT_DIGITS = 19


def load_yaml(text: str, source: Path | str) -> LocatedYaml:
    import yaml  # here, not above: commands that read no located YAML never load PyYAML

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedYaml(None, {(): 1})
        lines: dict[PathKey, int] = {(): node.start_mark.line + 1}
        _index(node, (), lines, source)
        return LocatedYaml(loader.construct_document(node), lines)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = error.problem or error.context or "invalid YAML"
        if error.problem and error.context:
            what += f" ({error.context})"
        kind = (
            "YAML error"
            if isinstance(error, yaml.constructor.ConstructorError)
            else "YAML syntax error"
        )
        raise FleetError(Problem(f"{kind}: {what}", source, line)) from None
    except yaml.YAMLError as error:
        raise FleetError(Problem(f"YAML error: {error}", source)) from None
    except RecursionError:
        raise FleetError(Problem("YAML nested too deep", source)) from None
    finally:
        loader.dispose()


def _loader_class() -> type:
    """PyYAML's safe loader (the C one where there is one), with integers bounded."""
    global _LOADER  # noqa: PLW0603 - made once, on first use
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        def bounded_int(loader: Any, node: yaml.ScalarNode) -> Any:
            digits = sum(char.isdigit() for char in str(node.value))
            if digits > MAX_INT_DIGITS:
                raise yaml.constructor.ConstructorError(
                    None, None, f"an integer of {digits} digits is out of range", node.start_mark
                )
            return yaml.SafeLoader.construct_yaml_int(loader, node)

        _LOADER = type("BoundedLoader", (base,), {})
        _LOADER.add_constructor("tag:yaml.org,2002:int", bounded_int)
    return _LOADER


_LOADER: type | None = None


def _index(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], source: Path | str) -> None:
    import yaml

    if len(lines) > MAX_ENTRIES:
        raise FleetError(Problem(f"more than {MAX_ENTRIES} keys and items (aliases?)", source))
    if len(path) > 200:
        line = node.start_mark.line + 1
        raise FleetError(Problem("nesting too deep (a recursive alias?)", source, line))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # what it merges counts against the bound too
                _index(value_node, path, lines, source)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                raise FleetError(Problem("mapping keys must be plain values", source, line))
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in first_seen:
                raise FleetError(
                    Problem(
                        f"duplicate key {key!r} (first at line {first_seen[key]})", source, line
                    )
                )
            first_seen[key] = line
            lines[(*path, key)] = line
            _index(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, str(index))] = item.start_mark.line + 1
            _index(item, (*path, str(index)), lines, source)


class _Later(LocatedYaml):
    def __init__(self, parse: Callable[[], LocatedYaml]) -> None:
        self._parse = parse

    @cached_property
    def _document(self) -> LocatedYaml:
        return self._parse()

    @property  # type: ignore[override]
    def data(self) -> Any:
        return self._document.data

    @property  # type: ignore[override]
    def lines(self) -> dict[PathKey, int]:
        return self._document.lines
