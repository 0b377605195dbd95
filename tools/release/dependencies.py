"""What an app depends on, read statically at one commit: its folder, the repository modules it
imports (transitively), and the local paths its Modal image mounts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Protocol

from tools.fleet.registry.model import App

MOUNT_METHODS = frozenset({"add_local_python_source", "add_local_dir", "add_local_file"})


class Tree(Protocol):
    """The files of one commit (or of the work tree)."""

    def files(self) -> frozenset[str]: ...

    def read(self, paths: list[str]) -> dict[str, str]: ...


@dataclass
class Dependencies:
    folder: str
    imports: dict[str, str] = field(default_factory=dict)  # file -> module that brought it in
    mounts: dict[str, str] = field(default_factory=dict)  # path prefix -> how it is mounted

    def reason(self, path: str) -> str | None:
        """Why a change to `path` concerns the app, or None."""
        if path.startswith(f"{self.folder}/"):
            return f"changed {path}"
        if path in self.imports:
            return f"imports {self.imports[path]} ({path} changed)"
        for prefix, how in self.mounts.items():
            if path == prefix or path.startswith(f"{prefix}/"):
                return f"mounts {how} ({path} changed)"
        return None


def dependencies(app: App, tree: Tree) -> Dependencies:
    files = tree.files()
    found = Dependencies(folder=app.dir)
    queue = sorted(p for p in files if p.startswith(f"{app.dir}/") and p.endswith(".py"))
    seen = set(queue)
    while queue:
        texts = tree.read(queue)
        queue = []
        for path, text in texts.items():
            for module, target in _references(path, text, files, found):
                if target not in seen:
                    seen.add(target)
                    found.imports.setdefault(target, module)
                    queue.append(target)
    return found


def _references(
    path: str, text: str, files: frozenset[str], found: Dependencies
) -> list[tuple[str, str]]:
    """(module, file) for each in-repository module the file imports; records mounts."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return []
    package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
    references: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        for module in _imported_modules(node, package):
            references += [(module, f) for f in _module_files(module, files)]
        if isinstance(node, ast.Call):
            _mount(node, files, found)
    return references


def _imported_modules(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parent = ".".join(parts[: len(parts) - node.level + 1])
            base = f"{parent}.{base}" if base else parent
        # `from pkg import name` may name a submodule: try both.
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return []


def _module_files(module: str, files: frozenset[str]) -> list[str]:
    """The module's file and its packages' `__init__.py` files that exist in the repository."""
    parts = module.split(".")
    found = []
    for depth in range(1, len(parts) + 1):
        stem = "/".join(parts[:depth])
        init = f"{stem}/__init__.py"
        if init in files:
            found.append(init)
        elif depth == len(parts) and f"{stem}.py" in files:
            found.append(f"{stem}.py")
    return found


def _mount(node: ast.Call, files: frozenset[str], found: Dependencies) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in MOUNT_METHODS:
        return
    for argument in node.args[:1] if func.attr != "add_local_python_source" else node.args:
        if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
            continue
        value = argument.value.rstrip("/")
        if func.attr == "add_local_python_source":
            folder = value.replace(".", "/")
            prefix = folder if any(f.startswith(f"{folder}/") for f in files) else f"{folder}.py"
            found.mounts[prefix] = f"{func.attr}({value!r})"
        else:
            found.mounts[value.removeprefix("./")] = f"{func.attr}({value!r})"
