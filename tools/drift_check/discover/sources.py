"""The repository's Python modules, each parsed once, and constants resolved across imports."""

from __future__ import annotations

import ast
import posixpath
from pathlib import Path
from typing import NamedTuple

from tools.drift_check.discover.route_sites import ModuleRoutes, module_routes
from tools.drift_check.discover.syntax import expression, parse_tree
from tools.drift_check.extract.base import Value
from tools.drift_check.extract.python import (
    PythonFacts,
    flattened,
    module_paths,
    number_of,
    python_facts,
    string_of,
)
from tools.drift_check.files import TextFiles

MAX_FOLLOWED_MODULES = 64  # repository modules read for one app's routes
MAX_DEPTH = 8  # imports followed to resolve one constant

Resolved = int | float | str | tuple[int | float | str, ...]


class Module(NamedTuple):
    path: str
    text: str
    tree: ast.Module
    facts: PythonFacts
    constants: dict[str, ast.expr]  # module-level NAME = expression, module attributes as names
    names: dict[str, tuple[str, str]]  # a name imported from a repository module: (file, name)
    modules: dict[str, str]  # a repository module imported as a name (`deploy`, `a.b`): file
    followed: tuple[str, ...]  # the repository files any import of the module names


class Sources:
    """The repository's files as git lists them; Python modules parsed on first use."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self.files = TextFiles(root, paths)
        self.python = frozenset(p for p in paths if p.endswith(".py"))
        self._modules: dict[str, Module | None] = {}
        self._imported_values: dict[tuple[str, str], Resolved | None] = {}
        self._routes: dict[str, ModuleRoutes] = {}
        self.unparsed: set[str] = set()

    def module(self, path: str) -> Module | None:
        if path not in self._modules:
            self._modules[path] = self._parse(path)
        return self._modules[path]

    def _parse(self, path: str) -> Module | None:
        source = self.files.get(path)
        if source is None:
            return None
        facts = python_facts(source)
        tree = parse_tree(source.text) if facts is not None else None
        if facts is None or tree is None:
            self.unparsed.add(path)
            return None
        return _module(path, source.text, tree, facts, self.python)

    def value(self, module: Module, value: Value) -> Resolved | None:
        """What an expression python_facts read always evaluates to, imports followed."""
        if value.items is not None:
            items = [self.value(module, item) for item in value.items]
            return _flat(items)
        if value.number is not None:
            return value.number
        if value.string is not None:
            return value.string
        node = expression(value.text)
        return None if node is None else self.resolve(module, node)

    def resolve(self, module: Module, node: ast.expr, depth: int = 0) -> Resolved | None:
        """What `node` always evaluates to in `module`: a number, a string or a list of them
        (a tuple); None when that depends on more than constants."""
        if depth > MAX_DEPTH:
            return None
        try:
            node = flattened(node, module.modules)
            return _evaluate(node, self._scope(module, node, depth))
        except RecursionError:  # an expression nested deeper than any constant is
            return None

    def _scope(self, module: Module, node: ast.expr, depth: int) -> dict[str, ast.expr]:
        """The module's constants, with the imported names `node` needs resolved to values."""
        scope = dict(module.constants)
        pending, seen = _names(node), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in module.constants:
                pending |= _names(module.constants[name])
                continue
            found = self._imported(module, name, depth)
            if found is not None:
                scope[name] = _as_node(found)
        return scope

    def _imported(self, module: Module, name: str, depth: int) -> Resolved | None:
        if name in module.names:
            path, attribute = module.names[name]
        else:
            head, _, attribute = name.rpartition(".")
            path = module.modules.get(head, "") if head else ""
        key = (path, attribute)
        if key not in self._imported_values:  # each imported constant resolved once
            self._imported_values[key] = None  # an import cycle ends here
            other = self.module(path) if path else None
            if other is not None:
                found = self.resolve(other, ast.Name(attribute, ast.Load()), depth + 1)
                self._imported_values[key] = found
        return self._imported_values[key]

    def routes(self, module: Module) -> ModuleRoutes:
        if module.path not in self._routes:
            self._routes[module.path] = module_routes(module.tree)
        return self._routes[module.path]

    def followed(self, module: Module) -> list[Module]:
        """The module and the repository modules it imports, transitively, bounded."""
        found, queue, seen = [module], [module], {module.path}
        while queue and len(found) < MAX_FOLLOWED_MODULES:
            for path in queue.pop(0).followed:
                other = self.module(path) if path not in seen else None
                seen.add(path)
                if other is not None and len(found) < MAX_FOLLOWED_MODULES:
                    found.append(other)
                    queue.append(other)
        return found


def _module(
    path: str, text: str, tree: ast.Module, facts: PythonFacts, known: frozenset[str]
) -> Module:
    folder = posixpath.dirname(path)
    names: dict[str, tuple[str, str]] = {}
    modules: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _module_file(alias.name, folder, known)
                if found is not None:
                    modules[alias.asname or alias.name] = found
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            joiner = "" if base.endswith(".") else "."
            for alias in node.names:
                local = alias.asname or alias.name
                submodule = _module_file(f"{base}{joiner}{alias.name}", folder, known)
                parent = _module_file(base, folder, known)
                if submodule is not None:
                    modules[local] = submodule
                elif parent is not None:
                    names[local] = (parent, alias.name)
    constants = {name: flattened(value, modules) for name, value in _constants(tree).items()}
    followed = (_module_file(name, folder, known) for name in facts.modules)
    own = tuple(dict.fromkeys(p for p in followed if p is not None and p != path))
    return Module(path, text, tree, facts, constants, names, modules, own)


def _module_file(module: str, folder: str, known: frozenset[str]) -> str | None:
    """The repository file a module names from a file in `folder` (`module_paths`)."""
    return next((path for path in module_paths(module, folder) if path in known), None)


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    constants: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        else:
            continue
        if isinstance(target, ast.Name) and node.value is not None:
            constants[target.id] = node.value
    return constants


def _names(node: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _evaluate(node: ast.expr, scope: dict[str, ast.expr]) -> Resolved | None:
    for _ in range(MAX_DEPTH):  # a name for a list: GPUS = ["H100", "A100"]
        if not isinstance(node, ast.Name) or not isinstance(
            scope.get(node.id), ast.List | ast.Tuple
        ):
            break
        node = scope[node.id]
    if isinstance(node, ast.List | ast.Tuple):
        return _flat([_evaluate(item, scope) for item in node.elts[:16]])
    number = number_of(node, scope)
    return number if number is not None else string_of(node, scope)


def _flat(items: list[Resolved | None]) -> Resolved | None:
    """A list of plain values as a tuple; None when one is unknown or itself a list."""
    if not items or any(item is None or isinstance(item, tuple) for item in items):
        return None
    return tuple(i for i in items if i is not None and not isinstance(i, tuple))


def _as_node(value: Resolved) -> ast.expr:
    if isinstance(value, tuple):
        return ast.List([ast.Constant(item) for item in value], ast.Load())
    return ast.Constant(value)
