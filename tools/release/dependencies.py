"""What an app depends on, read statically at one commit: its folder, the repository modules it
imports (transitively), and the local paths its Modal image mounts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from tools.core.registry.model import App

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
    return DependencyIndex(tree).of(app)


class DependencyIndex:
    """What apps depend on at one commit, each file parsed at most once for all of them.

    A file is parsed only when its text could reach another file of the repository: when it
    names a top-level package of the repository, imports relatively, or mounts a local path.
    Other files (`import modal`, `import torch`) are known to reach nothing without `ast`.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.files = tree.files()
        python = sorted(p for p in self.files if p.endswith(".py"))
        self._by_folder: dict[str, list[str]] = {}
        for path in python:
            parts = path.split("/")
            for depth in range(1, len(parts)):
                self._by_folder.setdefault("/".join(parts[:depth]), []).append(path)
        self._packages = tuple(
            sorted({p.split("/", 1)[0] if "/" in p else p.removesuffix(".py") for p in python})
        )
        self._facts: dict[str, _FileFacts] = {}

    def of_apps(self, apps: Iterable[App]) -> dict[str, Dependencies]:
        """Each app's dependencies, the apps' own files read in one go."""
        apps = list(apps)
        self._read([p for app in apps for p in self._by_folder.get(app.dir, [])])
        return {app.key: self.of(app) for app in apps}

    def of(self, app: App) -> Dependencies:
        found = Dependencies(folder=app.dir)
        queue = list(self._by_folder.get(app.dir, []))
        seen = set(queue)
        while queue:
            facts = self._read(queue)
            queue = []
            for file_facts in facts:
                found.mounts.update(file_facts.mounts)
                for module, target in file_facts.references:
                    if target not in seen:
                        seen.add(target)
                        found.imports.setdefault(target, module)
                        queue.append(target)
        return found

    def _read(self, paths: list[str]) -> list[_FileFacts]:
        missing = [p for p in paths if p not in self._facts]
        for path, text in self.tree.read(missing).items():
            self._facts[path] = self._parse(path, text)
        return [self._facts[p] for p in paths if p in self._facts]

    def _parse(self, path: str, text: str) -> _FileFacts:
        if not (
            "add_local" in text
            or _RELATIVE_IMPORT.search(text)
            or any(package in text for package in self._packages)
        ):
            return _NOTHING
        return _references(path, text, self.files)


@dataclass(frozen=True)
class _FileFacts:
    references: tuple[tuple[str, str], ...]  # (module, file) for each in-repository import
    mounts: dict[str, str]  # path prefix -> how the image mounts it


_NOTHING = _FileFacts((), {})
_RELATIVE_IMPORT = re.compile(r"\bfrom\s+\.")


def _references(path: str, text: str, files: frozenset[str]) -> _FileFacts:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return _NOTHING
    package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
    references: list[tuple[str, str]] = []
    mounts: dict[str, str] = {}
    for node in ast.walk(tree):
        for module in _imported_modules(node, package):
            references += [(module, f) for f in _module_files(module, files)]
        if isinstance(node, ast.Call):
            mounts.update(_mount(node, files))
    return _FileFacts(tuple(references), mounts)


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


def _mount(node: ast.Call, files: frozenset[str]) -> dict[str, str]:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in MOUNT_METHODS:
        return {}
    mounts = {}
    for argument in node.args[:1] if func.attr != "add_local_python_source" else node.args:
        if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
            continue
        value = argument.value.rstrip("/")
        if func.attr == "add_local_python_source":
            folder = value.replace(".", "/")
            prefix = folder if any(f.startswith(f"{folder}/") for f in files) else f"{folder}.py"
            mounts[prefix] = f"{func.attr}({value!r})"
        else:
            mounts[value.removeprefix("./")] = f"{func.attr}({value!r})"
    return mounts
