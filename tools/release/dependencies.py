"""What an app depends on, read statically at one commit: its folder, the repository modules it
imports (transitively), and the local paths its Modal image mounts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import NamedTuple, Protocol

from tools.core.paths import ROOT

MOUNT_METHODS = frozenset({"add_local_python_source", "add_local_dir", "add_local_file"})


class Tree(Protocol):
    """The files of one commit (or of the work tree)."""

    def files(self) -> frozenset[str]: ...

    def read(self, paths: list[str]) -> dict[str, str]: ...

    def grep(self, words: list[str], suffix: str) -> set[str]:
        """The files ending in `suffix` that hold any of `words` as a whole word."""
        ...


class AppFolder(Protocol):
    """An app as dependencies see it: a key and the folder its files live in."""

    @property
    def key(self) -> str: ...

    @property
    def dir(self) -> str: ...

    @property
    def entry_path(self) -> str: ...


class Dependencies(NamedTuple):
    folder: str
    imports: dict[str, str]  # file -> module that brought it in
    mounts: dict[str, str]  # path prefix -> how it is mounted


def dependencies(app: AppFolder, tree: Tree) -> Dependencies:
    return DependencyIndex(tree).of(app)


class DependencyIndex:
    """What apps depend on at one commit, each file parsed at most once: forward, everything
    one app depends on (`of`, for the local target's snapshot); backward, the apps that some
    changed paths reach (`reaching`, for a change plan).

    Forward, a file is parsed only when its text could reach another file of the repository:
    when it names a top-level package of the repository, imports relatively, or mounts a local
    path. Other files (`import modal`, `import torch`) are known to reach nothing without `ast`.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.files = tree.files()
        self._facts: dict[str, _FileFacts] = {}

    @cached_property
    def _by_folder(self) -> dict[str, list[str]]:
        """The Python files below each folder."""
        found: dict[str, list[str]] = {}
        for path in sorted(p for p in self.files if p.endswith(".py")):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                found.setdefault("/".join(parts[:depth]), []).append(path)
        return found

    @cached_property
    def _packages(self) -> tuple[str, ...]:
        """The top-level packages and modules of the repository."""
        python = (p for p in self.files if p.endswith(".py"))
        return tuple(sorted({p.split("/", 1)[0] if "/" in p else p[:-3] for p in python}))

    def reaching(self, apps: Iterable[AppFolder], changed: list[str]) -> dict[str, list[str]]:
        """Why each app depends on the `changed` paths outside every app folder: a module it
        imports, transitively, or a path its image mounts.

        The search goes from the changed files to the files that import them, round by round.
        A round reads only the files that spell, as a word, a name every importer of a target
        spells: the module's own name; for a file inside an app's folder, that folder's name,
        which every importer from outside it spells. Only those files are parsed.
        """
        apps = list(apps)
        owners = Owners(apps)
        by_folder = owners.by_folder
        # file -> changed path -> how: ("imports", "") or ("mounts", "add_local_dir('x')")
        reach: dict[str, dict[str, tuple[str, str]]] = {}
        imported_as: dict[str, str] = {}
        targets = [path for path in changed if path.endswith(".py") and path in self.files]
        words = sorted(MOUNT_METHODS)
        while targets or words:
            names = {target: _ModuleName.of(target, by_folder) for target in targets}
            found = self.tree.grep([*words, *(n.word for n in names.values())], ".py")
            texts = self.tree.read(sorted(found))
            if words:  # the first round also finds the images that mount a changed path
                reach |= self._mounted(texts, changed)
                words = []
            reach |= {target: {target: ("imports", "")} for target in names if target in changed}
            grown = []
            for target, name in names.items():
                for path, text in texts.items():
                    module = self._import_of(path, text, target, name)
                    if module is None:
                        continue
                    imported_as.setdefault(target, module)
                    if _merge(reach.setdefault(path, {}), reach[target]):
                        grown.append(path)
            targets = list(dict.fromkeys(grown))
        by_app: dict[str, dict[str, tuple[str, str]]] = {}
        for path, reached in reach.items():
            for owner in owners.of(path):
                _merge(by_app.setdefault(owner, {}), reached)
        return {
            app.key: [_reason(p, by_app[app.key][p], imported_as) for p in changed if p in reached]
            for app in apps
            if (reached := by_app.get(app.key))
        }

    def _mounted(
        self, texts: dict[str, str], changed: list[str]
    ) -> dict[str, dict[str, tuple[str, str]]]:
        """The files whose images mount a changed path, and how."""
        found: dict[str, dict[str, tuple[str, str]]] = {}
        for path, text in texts.items():
            if "add_local" not in text:
                continue
            for prefix, how in self._facts_of(path, text).mounts.items():
                for changed_path in changed:
                    if changed_path == prefix or changed_path.startswith(f"{prefix}/"):
                        found.setdefault(path, {}).setdefault(changed_path, ("mounts", how))
        return found

    def _import_of(self, path: str, text: str, target: str, name: _ModuleName) -> str | None:
        """The module by which the file at `path` imports `target`, or None."""
        if path == target or not name.may_import(path, text):
            return None
        found = (m for m, file in self._facts_of(path, text).references if file == target)
        return next(found, None)

    def _facts_of(self, path: str, text: str) -> _FileFacts:
        if path not in self._facts:
            self._facts[path] = _references(path, text, self.files)
        return self._facts[path]

    def of(self, app: AppFolder) -> Dependencies:
        found = Dependencies(app.dir, {}, {})
        # An app at the root owns its entry file, not every file of the repository.
        own = [app.entry_path] if app.dir == ROOT else self._by_folder.get(app.dir, [])
        queue = list(own)
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


class _FileFacts(NamedTuple):
    references: tuple[tuple[str, str], ...]  # (module, file) for each in-repository import
    mounts: dict[str, str]  # path prefix -> how the image mounts it


_NOTHING = _FileFacts((), {})
_RELATIVE_IMPORT = re.compile(r"\bfrom\s+\.")


class Owners:
    """Which apps a path belongs to: its app's, by folder. Several apps may share a folder,
    one entry file each: an entry file is its own app's, any other file in the folder is
    every one of them's. An app at the root owns its entry file only."""

    def __init__(self, apps: Iterable[AppFolder]) -> None:
        self.by_folder: dict[str, list[str]] = {}
        self.by_entry: dict[str, list[str]] = {}  # several where a file defines several Apps
        for app in apps:
            if app.dir != ROOT:
                self.by_folder.setdefault(app.dir, []).append(app.key)
            self.by_entry.setdefault(app.entry_path, []).append(app.key)

    def of(self, path: str) -> list[str]:
        """A lookup per parent folder, not a scan of the apps."""
        folder = path.rsplit("/", 1)[0] if "/" in path else ROOT
        if path in self.by_entry and len(self.by_folder.get(folder, ())) != 1:
            return self.by_entry[path]
        parts = path.split("/")
        for depth in range(len(parts) - 1, 0, -1):
            owners = self.by_folder.get("/".join(parts[:depth]))
            if owners is not None:
                return owners
        return []


def _reason(path: str, how: tuple[str, str], imported_as: dict[str, str]) -> str:
    if how[0] == "mounts":
        return f"mounts {how[1]} ({path} changed)"
    return f"imports {imported_as[path]} ({path} changed)"


def _merge(into: dict[str, tuple[str, str]], reached: dict[str, tuple[str, str]]) -> bool:
    """Add what `reached` reaches to `into`, an import over a mount; True if anything new."""
    new = {
        p: how
        for p, how in reached.items()
        if p not in into or (how[0] == "imports" and into[p][0] != "imports")
    }
    into.update(new)
    return bool(new)


class _ModuleName(NamedTuple):
    """What the files that import a module spell, and where they lie."""

    last: str  # the module's own name: every import of it spells it
    word: str  # the word a search for its importers looks for
    outside: str  # a folder (with its `/`) whose files cannot matter, or ""

    @classmethod
    def of(cls, path: str, app_folders: Mapping[str, object]) -> _ModuleName:
        parts = path.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
        for depth in range(len(parts) - 1, 0, -1):
            folder = "/".join(parts[:depth])
            if folder in app_folders:
                # From outside the app, any import spells the folder's name; from inside, an
                # import reaches no app that this file has not reached already.
                return cls(parts[-1], folder.rsplit("/", 1)[-1], f"{folder}/")
        return cls(parts[-1], parts[-1], "")

    def may_import(self, path: str, text: str) -> bool:
        """A pre-filter: a file that imports the module passes; one that passes is parsed."""
        if self.outside and path.startswith(self.outside):
            return False
        return self.last in text and self.word in text


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
