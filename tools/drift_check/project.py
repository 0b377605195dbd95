"""Everything a rule reads: the registry, its index, the files, and what the user selected."""

from __future__ import annotations

import ast
import bisect
import dataclasses
import posixpath
import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tools.core import inputs
from tools.core.config import ProjectConfig
from tools.core.registry.model import App, Registry, RetiredApp, WebFunction
from tools.core.yaml_lines import LocatedYaml
from tools.drift_check import prefilter
from tools.drift_check.extract import typescript
from tools.drift_check.extract.commands import Folders
from tools.drift_check.extract.python import (
    LocalPath,
    ModalApp,
    ModalDecorator,
    NamedObject,
    PythonFacts,
    defines_modal_app,
    flattened,
    local_paths,
    module_paths,
    number_of,
    python_facts,
    string_of,
)
from tools.drift_check.files import TextFiles
from tools.drift_check.index import RegistryIndex
from tools.drift_check.source import SourceFile

# A custom URL label in a decorator: `@modal.fastapi_endpoint(label="health")`.
_LABEL = re.compile(r"\blabel[ \t]*=[ \t]*[\"']([a-z0-9-]{1,63})[\"']")
# A secret looked up in modal-js: `Secret.fromName("x")`, `modal.secrets.fromName("x")`; a
# name not written out (`fromName(name)`) is None.
_JS_SECRET = re.compile(r"\b(?:Secret|secrets)\.fromName\([ \t]*(?:[\"'`]([\w.-]{1,64})[\"'`])?")


@dataclass
class Project:
    root: Path
    registry: Registry
    registry_path: str  # relative to root
    registry_lines: LocatedYaml
    config: ProjectConfig
    files: TextFiles
    # Files named on the command line (as pre-commit passes them); None checks every file.
    selected: frozenset[str] | None = None
    # A ripgrep pass started before the registry was validated; else one starts when needed.
    search: prefilter.Search | None = None
    index: RegistryIndex = field(init=False)
    passed_over: int = field(init=False, default=0)  # files the pre-filter found nothing in
    _app_files: dict[str, list[str]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.index = RegistryIndex(self.registry)

    def registry_line(self, *loc: str | int) -> int:
        return self.registry_lines.line_of(loc)

    @cached_property
    def _registry_sections(self) -> list[tuple[int, str | None]]:
        """Where each app's entry starts in the registry, and where top-level keys do."""
        starts: list[tuple[int, str | None]] = []
        for key, line in self.registry_lines.lines.items():
            if len(key) == 1:
                starts.append((line, None))
            elif len(key) == 2 and key[0] == "apps":
                starts.append((line, str(key[1])))
        return sorted(starts, key=lambda start: start[0])

    def app_of(self, path: str, line: int) -> str | None:
        """The registry app a place belongs to: a file in its folder, or its registry entry."""
        if path == self.registry_path:
            index = bisect.bisect_right(self._registry_sections, line, key=lambda s: s[0]) - 1
            return self._registry_sections[index][1] if index >= 0 else None
        for key, app in self.registry.apps.items():
            if app.owns(path):
                return key
        return None

    def affected(self, finding_path: str, line: int) -> bool:
        """Whether a named-files check reports a finding here: in a named file, or about an
        app one of whose files is named."""
        if self.selected is None or finding_path in self.selected:
            return True
        app = self.app_of(finding_path, line)
        return app is not None and app in self._named_apps

    @cached_property
    def _named_apps(self) -> frozenset[str]:
        selected = self.selected or frozenset()
        return frozenset(key for path in selected if (key := self.app_of(path, 0)) is not None)

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.files.candidates)

    def _paths_below(self, folder: str) -> list[str]:
        """The paths below `folder` (`""`: every path): a range of the sorted paths."""
        prefix = f"{folder.rstrip('/')}/" if folder else ""
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, f"{prefix}\U0010ffff", start)
        return self._sorted[start:end]

    def files_in(self, folder: str) -> list[str]:
        """The paths of the files right in `folder` (`""`: the root), not below it."""
        skip = len(folder.rstrip("/")) + 1 if folder else 0
        return [p for p in self._paths_below(folder) if "/" not in p[skip:]]

    def files_under(self, folder: str) -> list[SourceFile]:
        """The text files below `folder`."""
        return list(self.files.read(self._paths_below(folder)))

    def has_folder(self, folder: str) -> bool:
        """Whether `folder` holds a file of the repository (`""`, the root, always does)."""
        return not folder or bool(self._paths_below(folder))

    def folders(self, text: str, starts: list[str], own: str, *, markdown: bool = False) -> Folders:
        """Where each command of a text runs, from `starts`, in this repository's folders."""
        return Folders(
            text, starts, own, markdown=markdown, known=self.has_folder, checkout=self.root.name
        )

    def file(self, path: str) -> SourceFile | None:
        return self.files.get(path)

    def python(self, path: str) -> PythonFacts | None:
        """The Python facts of a file; None when it is missing or does not parse."""
        source = self.files.get(path)
        return python_facts(source) if source is not None else None

    # An app's code: Modal runs its entry file, and with it the modules that file imports; the
    # app's functions may be defined in any of them, on an App defined in any of them.

    def app_files(self, app: App) -> list[str]:
        """The entry file, then the repository modules it imports (transitively)."""
        # By Modal name, a plain field (`key` is a private attribute: pydantic reads it through
        # `__getattr__`, and this runs for every file and app).
        if app.name not in self._app_files:
            self._app_files[app.name] = [app.entry_path, *self.imported_files(app.entry_path)]
        return self._app_files[app.name]

    def deployed_app(self, app: App) -> tuple[str, ModalApp] | None:
        """The `modal.App(...)` that deploying the entry file deploys, and the file that
        defines it: the entry's own, or one it imports (`from .common import app`,
        `app = serve.app`). None when there is none to find."""
        facts = self.python(app.entry_path)
        if facts is None:
            return None
        if app.entry_variable is not None:  # `file.py::app_gpu0`: one of the file's Apps
            return self._app_variable(app.entry_path, facts, app.entry_variable, 0)
        own = facts.deployed_app()
        if own is not None:
            return app.entry_path, own
        for variable in ("app", "stub"):
            found = self._app_variable(app.entry_path, facts, variable, 0)
            if found is not None:
                return found
        return None

    def _app_variable(
        self, path: str, facts: PythonFacts, variable: str, depth: int
    ) -> tuple[str, ModalApp] | None:
        """The App `variable` names in the file at `path`, followed through imports."""
        own = next((a for a in facts.apps if a.variable == variable), None)
        if own is not None:
            return path, own
        if depth > 8:
            return None
        imported = facts.imports.get(variable)
        if imported is None and variable in facts.aliases:  # `app = serve.app`
            head, _, attribute = facts.aliases[variable].rpartition(".")
            imported = f"{facts.imports.get(head, head)}.{attribute}"
        module, _, attribute = (imported or "").rpartition(".")
        for candidate in self._modules(path, module):
            other = self.python(candidate)
            found = other and self._app_variable(candidate, other, attribute, depth + 1)
            if found:
                return found
        return None

    def _modules(self, path: str, module: str) -> list[str]:
        """The repository files `module`, named in the file at `path`, may be."""
        if not module:
            return []
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        return [p for p in module_paths(module, folder) if p in self._python_paths]

    def app_name(self, path: str, facts: PythonFacts, modal_app: ModalApp) -> str | None:
        """The name a `modal.App(...)` of the file at `path` is given: written, or a constant
        (imported ones too); None when the code does not say it."""
        if modal_app.name is None:
            return None
        return modal_app.name.string or self.string(path, facts, modal_app.name.text)

    @cached_property
    def repository_app_names(self) -> frozenset[str] | None:
        """The name of every Modal App the repository's Python files define, registry apps
        or not; None when one of them is not written out (`modal.App(f"{X}-worker")`). What
        any of those files names changes the answer, so each is noted as read by all."""
        names = set()
        for source in self.files.read(sorted(self._python_paths)):
            if not defines_modal_app(source.text):
                continue
            inputs.note_wide(str(self.root / source.path))
            facts = python_facts(source)
            for modal_app in facts.apps if facts is not None else []:
                name = self.app_name(source.path, facts, modal_app)
                if name is None:
                    return None
                names.add(name)
        return frozenset(names)

    @cached_property
    def repository_secrets(self) -> frozenset[str] | None:
        """The name of every Modal secret the repository's code looks up, registry apps or
        not: `modal.Secret.from_name(...)` in Python (constants resolved), `Secret.fromName`
        and `secrets.fromName` in JavaScript and TypeScript. None when one is not written
        out. Each file that looks one up is noted as read by all."""
        names: set[str] = set()
        for source in self.holding(prefilter.SECRET_LOOKUPS):
            if source.suffix == "py":
                facts = python_facts(source)
                if facts is None:
                    continue
                found = [
                    n.name.string or self.string(source.path, facts, n.name.text)
                    for n in facts.named_objects
                    if n.kind == "Secret"
                ]
            elif source.suffix in typescript.SUFFIXES:
                found = [m[1] for m in _JS_SECRET.finditer(source.text)]
            else:
                continue
            if found:
                inputs.note_wide(str(self.root / source.path))
            if None in found:
                return None
            names.update(name for name in found if name is not None)
        return frozenset(names)

    @cached_property
    def repository_labels(self) -> frozenset[str]:
        """Every custom URL label (`label="x"`) written in a file that defines a Modal App."""
        labels: set[str] = set()
        for source in self.files.read(sorted(self._python_paths)):
            if "label" in source.text and defines_modal_app(source.text):
                inputs.note_wide(str(self.root / source.path))
                labels.update(_LABEL.findall(source.text))
        return frozenset(labels)

    def serves_label(self, label: str) -> bool | None:
        """Whether an App of the repository may serve `label`: its name is the label, or
        starts it before a `-`, or its code sets that `label=`. None when some App's name is
        not written out."""
        names = self.repository_app_names
        if names is None:
            return None
        return label in self.repository_labels or any(
            label == name or label.startswith(f"{name}-") for name in names
        )

    def retired_app_of(self, path: str) -> RetiredApp | None:
        """The retired app a Python file defines (`modal.App("old")`, a constant's name
        resolved): its code, kept while the app is stopped. None for any other file."""
        source = self.files.get(path) if path.endswith(".py") else None
        if source is None or "App(" not in source.text:
            return None
        facts = python_facts(source)
        retired = {app.name: app for app in self.registry.retired.apps}
        for modal_app in facts.apps if facts is not None and retired else []:
            name = self.app_name(path, facts, modal_app)
            if name in retired:
                return retired[name]
        return None

    def decorator(self, app: App, target: str) -> tuple[str, ModalDecorator] | None:
        """The `@app.cls`/`@app.function` on `target` and its file: the entry file's, else
        the first module the entry imports that decorates it."""
        for path in self.app_files(app):
            facts = self.python(path)
            found = facts.decorator(target) if facts is not None else None
            if found is not None and not found.web:
                found = self._web_class(app, found)
            if found is not None:
                return path, found
        return None

    def endpoint_function(self, app: App, web: WebFunction) -> str | None:
        """The decorator of a web function that answers at `/` alone (`fastapi_endpoint`,
        `web_endpoint`: one function, no routes, no `/health`), as the app's code has it."""
        found = self.decorator(app, web.target)
        kind = found[1].web_kinds.get(web.callable) if found is not None else None
        return kind if kind in ("fastapi_endpoint", "web_endpoint") else None

    @cached_property
    def root_endpoints(self) -> dict[str, dict[str, tuple[App, WebFunction, str]]]:
        """The web functions answered at `/` alone (`endpoint_function`), by the file that
        defines each, then by their function's name, with their decorator."""
        found: dict[str, dict[str, tuple[App, WebFunction, str]]] = {}
        for app in self.registry.apps.values():
            for web in app.webs:
                decorated = self.decorator(app, web.target)
                kind = decorated[1].web_kinds.get(web.callable) if decorated else None
                if decorated is not None and kind in ("fastapi_endpoint", "web_endpoint"):
                    found.setdefault(decorated[0], {})[web.callable] = (app, web, kind)
        return found

    def _web_class(self, app: App, registered: ModalDecorator) -> ModalDecorator:
        """A class registered by `app.cls(...)(Class)`, with the web methods of its definition
        in a module of the app's code."""
        for path in self.app_files(app):
            facts = self.python(path)
            for found in facts.web_classes if facts is not None else []:
                if found.target == registered.target:
                    return dataclasses.replace(registered, web=found.web, web_kinds=found.web_kinds)
        return registered

    def web_decorators(self, app: App) -> Iterator[tuple[WebFunction, str, ModalDecorator]]:
        """The Modal decorator on each of the app's web classes and functions, with its file,
        once per class or function (methods of a class share its decorator); those missing
        are left out (FL006 reports them)."""
        seen: set[str] = set()
        for web in app.webs:
            found = self.decorator(app, web.target) if web.target not in seen else None
            if found is not None:
                seen.add(web.target)
                yield web, *found

    def named_objects(self, app: App) -> Iterator[tuple[str, PythonFacts, NamedObject]]:
        """Every `modal.Secret.from_name(...)`/`modal.Volume.from_name(...)` in the app's
        files, with its file and that file's facts."""
        for path in self.app_files(app):
            facts = self.python(path)
            for named in facts.named_objects if facts is not None else []:
                yield path, facts, named

    def number(self, path: str, facts: PythonFacts, text: str) -> float | None:
        """The number an expression of the file at `path` stands for, with the constants it
        imports from the repository's modules (`10 * MINUTES`, MINUTES imported)."""
        found = self._constant(path, facts, text, number_of, "numbers")
        return found if isinstance(found, int | float) else None

    def string(self, path: str, facts: PythonFacts, text: str) -> str | None:
        """The string an expression of the file at `path` stands for, with the constants it
        imports (`CLIENT_APP` imported, `common.EMBED_APP` of a module imported)."""
        found = self._constant(path, facts, text, string_of, "strings")
        return found if isinstance(found, str) else None

    def _constant(
        self,
        path: str,
        facts: PythonFacts,
        text: str,
        evaluate: Callable[[ast.expr, dict[str, ast.expr]], object],
        kind: str,
    ) -> object:
        try:
            parsed = ast.parse(text, mode="eval").body
            node = flattened(parsed, {*facts.imports, *facts.modules})  # `common.NAME`
        except (SyntaxError, ValueError, RecursionError):
            return None
        constants: dict[str, ast.expr] = {}
        for name in {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}:
            own = getattr(facts, kind).get(name)
            if own is not None:
                constants[name] = ast.Constant(own)
                continue
            head, _, rest = name.partition(".")
            written = facts.imports.get(head, head if rest else "")  # `import common` too
            module, _, attribute = (
                f"{written}.{rest}".rpartition(".") if rest else (written.rpartition("."))
            )
            for candidate in self._modules(path, module):
                other = self.python(candidate)
                value = getattr(other, kind).get(attribute) if other is not None else None
                if value is not None:
                    constants[name] = ast.Constant(value)
                    break
        return evaluate(node, constants)

    def mounted_routers(self, files: list[str]) -> dict[tuple[str, str], str]:
        """(file, router variable) -> the prefix `include_router(..., prefix=...)` in one of
        `files` mounts that router under, when it is named in that file or imported."""
        mounted: dict[tuple[str, str], str] = {}
        for path in files:
            facts = self.python(path)
            folder = path.rsplit("/", 1)[0] if "/" in path else ""
            for written, prefix in facts.includes if facts is not None else []:
                head, _, attribute = written.rpartition(".")
                if not head:  # `router`: this file's, or imported by name
                    imported = facts.imports.get(written, "")
                    module, _, attribute = imported.rpartition(".")
                    if not module:
                        mounted[(path, written)] = prefix
                        continue
                else:  # `routes.router`: a module imported as `routes`
                    module = facts.imports.get(head, head)
                for candidate in module_paths(module, folder):
                    mounted.setdefault((candidate, attribute), prefix)
        return mounted

    def imported_files(self, path: str, limit: int = 256) -> list[str]:
        """The repository's Python files that `path` imports, transitively: as Modal runs an
        entry file, a module resolves from the file's own folder or from the root; relative
        imports from the file's package. At most `limit` files."""
        found: list[str] = []
        seen = {path}
        queue = [path]
        while queue and len(found) < limit:
            current = queue.pop(0)
            facts = self.python(current)
            for module in facts.modules if facts is not None else []:
                for candidate in self._modules(current, module):
                    if candidate not in seen:
                        seen.add(candidate)
                        found.append(candidate)
                        queue.append(candidate)
        return found[:limit]

    @cached_property
    def _by_file_name(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in self.files.candidates:
            found.setdefault(path.rsplit("/", 1)[-1], []).append(path)
        return found

    def paths_named(self, name: str) -> list[str]:
        """The repository's files named `name`, in any folder."""
        return self._by_file_name.get(name, [])

    @cached_property
    def _python_paths(self) -> frozenset[str]:
        return frozenset(p for p in self.files.candidates if p.endswith(".py"))

    def modal_app_files(self, folder: str) -> list[str]:
        """The Modal app files in `folder` and below it."""
        return sorted(self._app_folders_under(folder, 0))

    def _app_folders_under(self, area: str, depth: int) -> set[str]:
        """The folders holding a Modal app file, `depth` levels below `area` (0: the files
        of `area` itself, each its own)."""
        found = set()
        for source in self.files_under(area):
            rest = source.path[len(area) + 1 :]
            if (
                source.suffix != "py"
                or rest.count("/") < depth
                or not defines_modal_app(source.text)
            ):
                continue
            found.add(source.path if depth == 0 else f"{area}/{rest.split('/', 1)[0]}")
        return found

    @cached_property
    def fleet_areas(self) -> tuple[str, ...]:
        """The folders where the fleet's apps live (`apps/`): a parent of two or more registry
        app folders, at least half of whose Modal app folders are registry apps. A Modal app
        elsewhere (an example, a generated app, a one-off utility) is outside the fleet on
        purpose."""
        registered: dict[str, set[str]] = {}
        for app in self.registry.apps.values():
            if "/" in app.dir:
                registered.setdefault(app.dir.rsplit("/", 1)[0], set()).add(app.dir)
        return tuple(
            f"{area}/"
            for area, folders in sorted(registered.items())
            if len(folders) >= 2 and len(folders) * 2 >= len(self._app_folders_under(area, 1))
        )

    @cached_property
    def fleet_folders(self) -> frozenset[str]:
        """Registry app folders whose Modal app files are at least half registry apps: a
        folder shared with as many other apps (a `misc/` of examples) is not the fleet's."""
        entries = self.index.app_by_entry
        kept = set()
        for folder in self.index.apps_in_folder:
            files = {
                f for f in self._app_folders_under(folder, 0) if "/" not in f[len(folder) + 1 :]
            }
            if 2 * len([f for f in files if f in entries]) >= len(files):
                kept.add(folder)
        return frozenset(kept)

    def in_fleet_area(self, path: str) -> bool:
        """Whether a Modal app at `path` belongs to the fleet: in a registry app's folder
        (`fleet_folders`), or in one of the fleet's areas."""
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        return folder in self.fleet_folders or path.startswith(self.fleet_areas)

    def an_example_s(self, path: str) -> bool:
        """Whether a file (a README, a script) belongs to Modal apps outside the fleet: its
        folder (or one below it) holds Modal app files, none of them a registry app's, and is
        not where the fleet's apps live. Their instructions are theirs, not the registry's."""
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        if not folder or self.in_fleet_area(path) or folder in self.index.apps_in_folder:
            return False
        if any(f.path.startswith(f"{folder}/") for f in self.index.retired_files):
            return False  # a retired app's folder: telling people to deploy it is drift
        apps = self._app_folders_under(folder, 0)  # in the folder and below it
        return bool(apps) and not apps & set(self.index.app_by_entry)

    def resolve(self, folders: list[str], path: str) -> str:
        """The file a command's `path` names run from one of `folders`: the first where it
        is a registry app's entry file, else where it exists, else where its folder does, else
        from the first folder."""
        # A path that starts with the repository's own folder is written from its parent.
        own = f"{self.root.name}/"
        tails = [path, path.removeprefix(own)] if path.startswith(own) else [path]
        candidates = [
            posixpath.normpath(posixpath.join(folder, tail)) for tail in tails for folder in folders
        ]
        entries = self.index.app_by_entry
        for wanted in (entries.__contains__, self.exists, self._folder_exists):
            found = next((p for p in candidates if wanted(p)), None)
            if found is not None:
                return found
        return candidates[0]

    def _folder_exists(self, path: str) -> bool:
        return self.has_folder(posixpath.dirname(path))

    def misplaced(self, path: str, folder: str) -> tuple[LocalPath, str] | None:
        """The first local file or folder the images of Python file `path` add by a relative
        path that names nothing from `folder`, where `modal` runs (modal reads it from there),
        but does from the file's own folder or the root: with that folder (`.`, the root)."""
        source = self.file(path) if path.endswith(".py") else None
        if source is None or ("local_" not in source.text and "dockerfile" not in source.text):
            return None
        here = posixpath.normpath(folder or ".")
        own = posixpath.dirname(path) or "."
        for local in local_paths(source):
            if self._there(posixpath.join(here, local.path)):
                continue
            for base in (own, "."):
                if base != here and self._there(posixpath.join(base, local.path)):
                    return local, base
        return None

    def _there(self, path: str) -> bool:
        """Whether a path names a file or folder of the repository."""
        normal = posixpath.normpath(path)
        return not normal.startswith("../") and (self.exists(normal) or self.has_folder(normal))

    def exists(self, path: str) -> bool:
        return self.files.get(path) is not None or inputs.is_file(str(self.root / path))

    @cached_property
    def _scanned_paths(self) -> list[str]:
        if self.selected is not None:
            return [p for p in self.files.candidates if p in self.selected]
        return self._prefiltered()

    def _prefiltered(self) -> list[str]:
        """Every candidate; in a large repository, those a ripgrep pass finds worth reading
        (`prefilter`), the others noted as read unchanged."""
        paths = self.files.candidates
        search = self.search
        if search is None or search.strings is not None:  # none, or one for named files
            search = prefilter.Search(
                self.root, lambda: paths, self.root / self.registry_path, beside=False
            )
        found = search.found()
        if found is None:
            return paths
        forced = set(self.config.client_maps)
        kept = [p for p in paths if p in found or p in forced]
        self.passed_over = len(paths) - len(kept)
        base = str(self.root)
        for path in paths:
            if path not in found and path not in forced:
                inputs.note_unread(f"{base}/{path}")
        return kept

    def holding(
        self, words: AbstractSet[str], *, ignore_case: bool = False
    ) -> Iterator[SourceFile]:
        """Every file, not only those scanned, whose text may hold one of `words`: in a large
        repository those a ripgrep pass for them finds (the pass under way since the check
        began, when it looks for them all: of the files it found, those that hold one), else
        all of them."""
        paths = self.files.candidates
        if self.search is not None and not ignore_case and self.search.covers(words):
            ahead = self.search.found()
            if ahead is not None:
                read = self.files.read([p for p in paths if p in ahead])
                return (s for s in read if any(w in s.text for w in words))
        rg = prefilter.ripgrep() if len(paths) >= prefilter.MIN_FILES and words else None
        found = (
            prefilter.holding(self.root, paths, words, rg, ignore_case=ignore_case) if rg else None
        )
        return self.files.read(paths if found is None else [p for p in paths if p in found])

    def scanned(self, *suffixes: str) -> Iterator[SourceFile]:
        """The files per-file rules look at: the selection, else all; optionally by suffix."""
        for source in self.files.read(self._scanned_paths):
            if not suffixes or source.suffix in suffixes:
                yield source
