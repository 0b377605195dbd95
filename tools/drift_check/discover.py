"""A starting registry drafted from a repository's Modal app files: what `fleet init` writes.

An app file is a Python file that defines `modal.App(...)` (`App` imported from modal, or
`modal.Stub`). Each is read with `ast`, never imported: the app's name; its Modal functions and
classes with their `gpu=` and `timeout=` (module constants, arithmetic, and constants of the
repository modules it imports); its web entry points, each a web function at a URL of its own,
and, for an ASGI or WSGI app, the routes it serves, followed into the repository modules it
imports with router prefixes applied; and the secrets and volumes it names. Client timeout
maps keyed by the endpoints or apps found give client timeouts. A value the code does not say
is guessed, and says why (`Noted`): a person reviews each guess before the registry is trusted.
"""

from __future__ import annotations

import ast
import copy
import math
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tools.core.config import ProjectConfig
from tools.core.globs import GlobSet
from tools.core.registry import modal_names
from tools.core.registry.model import ENDPOINT_PATH_PATTERN
from tools.drift_check.extract.base import Value
from tools.drift_check.extract.maps import maps_in
from tools.drift_check.extract.python import (
    ROUTE_METHODS,
    WEB_DECORATORS,
    ModalDecorator,
    PythonFacts,
    module_paths,
    number_of,
    python_facts,
    string_of,
    walk,
)
from tools.drift_check.files import DEFAULT_EXCLUDE, Listing, TextFiles, candidates
from tools.drift_check.units import is_timeout_map, to_seconds, unit_of

GUESSED_WORKSPACE = "my-workspace"
MAX_FOLLOWED_MODULES = 64  # repository modules read for one app's routes
MAX_DEPTH = 8  # imports followed to resolve one constant
MAX_SHOWN = 80  # characters of code quoted in a comment
SYNTAX_ERROR = "syntax error"
_NOT_A_CONSTANT_NAME = "is not a name the code always has"
_NOT_A_REGISTRY_PATH = "is not '/', lower-case segments or {parameters}"
_READ_PROBLEMS = {"huge": "over 1 MiB"}  # why `TextFiles` skipped a file, as a summary says it
AT_ROOT = "at the repository root (the registry needs a folder)"
MAP_SUFFIXES = frozenset({"py", "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts", "json"})
# Names too generic to name an app after: the folder says more.
_GENERIC_STEMS = frozenset({"app", "main", "modal_app", "server", "serve", "deploy", "api"})
# The entry point that describes most of an app wins: an ASGI or WSGI app serves every route.
_WEB_PREFERENCE = {
    "asgi_app": 0,
    "wsgi_app": 0,
    "fastapi_endpoint": 1,
    "web_endpoint": 1,
    "web_server": 2,
}
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_ANY_METHOD_ROUTES = frozenset({"api_route", "route"})  # methods=[...], else GET
_ADDED_ROUTES = frozenset({"add_api_route", "add_route", "add_url_rule"})  # ditto
_ROUTER_PREFIXES = {"APIRouter": "prefix", "Blueprint": "url_prefix"}
_INCLUDES = {"include_router": "prefix", "register_blueprint": "url_prefix"}
_AUXILIARY_WORDS = ("health", "status", "ready", "live", "list", "loras", "models", "docs")
# Words that name what an endpoint serves, most specific kind first: each must start a word
# of a path or a name (`upscaler` has `upscal`, `realesrgan` is its own word).
_KINDS = (
    ("faceswap", "faceswap face-swap swap-face reactor roop"),
    ("face-reference", "instantid pulid ip-adapter ipadapter face-ref photomaker"),
    ("upscale", "upscal esrgan realesrgan seedvr vsr flashvsr diffvsr video2x"),
    ("embedding", "embed"),
    ("ocr", "ocr"),
    ("audio", "audio tts speech whisper transcri music voice parakeet stt asr sound chatterbox"),
    ("video", "video wan ltx i2v t2v animat avatar hunyuan mochi multitalk infinitetalk"),
    ("image-edit", "edit inpaint outpaint img2img image-to-image kontext controlnet"),
    (
        "llm",
        "chat completion llm vllm ollama sgl gpt llama mistral deepseek falcon tgi lmdeploy "
        "trtllm vlm langserve",
    ),
    (
        "text-to-image",
        "text-to-image txt2img t2i flux sdxl diffusion image fooocus comfy a1111 dreambooth",
    ),
)

Resolved = int | float | str | tuple[int | float | str, ...]


class Noted(NamedTuple):
    """A drafted value and the comment written beside it; `guessed` when the code did not say
    it. A value of None is not written: only its comment is."""

    value: object
    note: str = ""
    guessed: bool = False


def guess(value: object, why: str) -> Noted:
    return Noted(value, why, True)


@dataclass
class DraftEndpoint:
    path: Noted  # the path, and why it was guessed when the code names none
    method: Noted
    kind: Noted
    client_timeout_s: Noted
    idempotent: Noted
    auxiliary: Noted | None = None


@dataclass
class DraftFunction:
    name: str
    gpu: Noted | None
    timeout_s: Noted


@dataclass
class DraftWeb:
    """A web function: the class and method, or the function; what its decorators say."""

    cls: str | None
    method: str | None
    function: str | None
    label: str | None = None
    requires_proxy_auth: bool = False
    note: Noted | None = None  # a guess or a warning about the web function
    gpu: Noted | None = None  # its @app.cls or @app.function's gpu=; None for a CPU container
    timeout_s: Noted | None = None
    endpoints: list[DraftEndpoint] = field(default_factory=list)

    @property
    def target(self) -> str:
        """The decorated class or function."""
        return self.cls or self.function or ""

    @property
    def shown(self) -> str:
        """`function`, or `Class.method`, as `modal deploy` names it."""
        return self.function or f"{self.cls}.{self.method}"


@dataclass
class DraftApp:
    key: str
    name: Noted
    dir: str
    entry: str
    # Its web functions, the one describing most first: one is written as the app's own
    # gpu, timeout_s, web and endpoints; several as a list of them under web.
    webs: list[DraftWeb] = field(default_factory=list)
    functions: list[DraftFunction] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    notes: list[Noted] = field(default_factory=list)  # comments on the app as a whole
    undescribed: list[str] = field(default_factory=list)  # routes left out

    @property
    def endpoints(self) -> list[DraftEndpoint]:
        """Every endpoint of every web function."""
        return [endpoint for web in self.webs for endpoint in web.endpoints]

    def noted(self) -> Iterator[Noted]:
        """Every drafted value with a comment, and the app's own comments."""
        yield self.name
        for web in self.webs:
            yield from (v for v in (web.gpu, web.timeout_s, web.note) if v is not None)
            for endpoint in web.endpoints:
                yield from (endpoint.path, endpoint.method, endpoint.kind)
                yield from (endpoint.client_timeout_s, endpoint.idempotent)
                if endpoint.auxiliary is not None:
                    yield endpoint.auxiliary
        for function in self.functions:
            yield from (v for v in (function.gpu, function.timeout_s) if v is not None)
        yield from self.notes


@dataclass
class Draft:
    workspace: Noted
    apps: list[DraftApp]
    skipped: dict[str, str]  # Python file -> why it was not read

    @property
    def guessed(self) -> int:
        """Guesses to review, each written with a `# guessed:` comment: values, and values the
        code hides (a secret whose name is not a constant)."""
        values = [self.workspace, *(n for app in self.apps for n in app.noted())]
        return sum(1 for n in values if n.guessed)

    @property
    def not_described(self) -> int:
        return sum(len(app.undescribed) for app in self.apps)


def draft_registry(
    root: Path, config: ProjectConfig, *, workspace: str | None, output: str
) -> Draft:
    """The registry `fleet init` writes for the repository at `root`, as data to render."""
    excluded = DEFAULT_EXCLUDE if config.exclude is None else config.exclude
    exclude = GlobSet((*excluded, *config.extend_exclude, output))
    paths = candidates(Listing(root).paths, exclude, GlobSet(config.include))
    sources = Sources(root, paths)
    drafter = _Drafter(sources)
    apps = drafter.apps()
    _mark_repeated_paths(apps)
    _client_timeouts(sources, paths, apps, config)
    chosen = (
        Noted(workspace)
        if workspace is not None
        else guess(GUESSED_WORKSPACE, "pass --workspace NAME: URLs are NAME--label.modal.run")
    )
    skipped = {path: SYNTAX_ERROR for path in sources.unparsed}
    for path, why in {**sources.files.skipped, **drafter.skipped}.items():
        if path.endswith(".py"):
            skipped[path] = _READ_PROBLEMS.get(why, why)
    return Draft(chosen, apps, dict(sorted(skipped.items())))


# The repository's Python modules, each parsed once, and constants resolved across imports.


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
        tree = _tree(source.text) if facts is not None else None
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
        node = _expression(value.text)
        return None if node is None else self.resolve(module, node)

    def resolve(self, module: Module, node: ast.expr, depth: int = 0) -> Resolved | None:
        """What `node` always evaluates to in `module`: a number, a string or a list of them
        (a tuple); None when that depends on more than constants."""
        if depth > MAX_DEPTH:
            return None
        try:
            node = _flattened(node, module.modules)
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


def _tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


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
    constants = {name: _flattened(value, modules) for name, value in _constants(tree).items()}
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


class _Flatten(ast.NodeTransformer):
    """`deploy.HF_SECRET`, for an imported module `deploy`, as one name `number_of` and
    `string_of` look up."""

    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        dotted = _dotted(node)
        if dotted.rpartition(".")[0] in self.modules:
            return ast.copy_location(ast.Name(dotted, ast.Load()), node)
        return self.generic_visit(node)


def _flattened(node: ast.expr, modules: dict[str, str]) -> ast.expr:
    if not modules or not any(isinstance(n, ast.Attribute) for n in ast.walk(node)):
        return node
    flat = _Flatten(modules).visit(copy.deepcopy(node))
    return flat if isinstance(flat, ast.expr) else node


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


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _shown(node: ast.expr | str, source: str = "") -> str:
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


# An app file: its apps, its Modal functions and classes, their web entry points.


class WebEntry(NamedTuple):
    member: str  # the method of a class, or the function itself
    decorator: str  # asgi_app, wsgi_app, fastapi_endpoint, web_endpoint or web_server
    call: ast.Call | None
    line: int
    body: range  # the lines of the method or function, decorators aside


class ModalSite(NamedTuple):
    """A class or function under `@app.cls(...)` or `@app.function(...)`."""

    app: str  # the app variable the decorator names
    kind: str  # "cls" or "function"
    target: str
    web: tuple[WebEntry, ...]


class AppDefinition(NamedTuple):
    variable: str
    call: ast.Call


def app_definitions(tree: ast.Module) -> list[AppDefinition]:
    """`app = modal.App(...)` at module level (`App` imported from modal, or `modal.Stub`)."""
    from_modal = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "modal" and not node.level
        for alias in node.names
        if alias.name in ("App", "Stub")
    }
    found = []
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        called = _dotted(node.value.func)
        if called in ("modal.App", "modal.Stub") or called in from_modal:
            found += [
                AppDefinition(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)
            ]
    return found


def modal_sites(tree: ast.Module, variables: set[str]) -> list[ModalSite]:
    classes = {n.name: n for n in walk(tree) if isinstance(n, ast.ClassDef)}
    sites = []
    for node in walk(tree):
        if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in variables
                and func.attr in ("cls", "function")
            ):
                web = _web_entries(node, classes, 0)
                sites.append(ModalSite(func.value.id, func.attr, node.name, web))
                break
    return sites


def _web_entries(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
    classes: dict[str, ast.ClassDef],
    depth: int,
) -> tuple[WebEntry, ...]:
    """The web entry points of a function, or of a class with those it inherits from classes
    of its module (as python_facts reads them)."""
    found: list[WebEntry] = []
    if isinstance(node, ast.ClassDef) and depth < MAX_DEPTH:
        for base in node.bases:
            parent = classes.get(base.id) if isinstance(base, ast.Name) else None
            if parent is not None and parent is not node:
                found += _web_entries(parent, classes, depth + 1)
    members = node.body if isinstance(node, ast.ClassDef) else [node]
    for member in members:
        if not isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in member.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            name = _dotted(call.func if call else decorator).rsplit(".", 1)[-1]
            if name in WEB_DECORATORS:
                found = [entry for entry in found if entry.member != member.name]
                body = range(member.lineno, (member.end_lineno or member.lineno) + 1)
                found.append(WebEntry(member.name, name, call, decorator.lineno, body))
    return tuple(found)


def _included(tree: ast.Module, chosen: str, variables: set[str]) -> set[str]:
    """The app variable `modal deploy` takes and those it includes (`app.include(other)`)."""
    edges: dict[str, set[str]] = {}
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "include"
            and isinstance(call.func.value, ast.Name)
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in variables
        ):
            edges.setdefault(call.func.value.id, set()).add(call.args[0].id)
    found, queue = {chosen}, [chosen]
    while queue:
        for other in edges.get(queue.pop(), set()) - found:
            found.add(other)
            queue.append(other)
    return found


def _keyword(call: ast.Call | None, *names: str, position: int | None = None) -> ast.expr | None:
    if call is None:
        return None
    for keyword in call.keywords:
        if keyword.arg in names:
            return keyword.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


# Routes: FastAPI, Starlette and Flask, in the app file and the modules it imports.


class RouteSite(NamedTuple):
    owner: str  # the object it is declared on: `web_app`, `router`, `self.app`
    methods: tuple[str, ...]
    path: ast.expr
    handler: str
    line: int


class IncludeSite(NamedTuple):
    owner: str
    router: ast.expr
    prefix: ast.expr | None


class ModuleRoutes(NamedTuple):
    routes: list[RouteSite]
    prefixes: dict[str, ast.expr]  # router variable -> its prefix= expression
    includes: list[IncludeSite]


class Route(NamedTuple):
    method: str
    path: str | None  # as served, prefixes applied; None when the code does not say
    written: str  # as written, for comments
    handler: str
    file: str  # where it is declared
    line: int


def module_routes(tree: ast.Module) -> ModuleRoutes:
    routes: list[RouteSite] = []
    prefixes: dict[str, ast.expr] = {}
    includes: list[IncludeSite] = []
    for node in walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            routes += [r for d in node.decorator_list if (r := _decorated_route(d, node.name))]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attribute, owner = node.func.attr, _dotted(node.func.value)
            if attribute in _ADDED_ROUTES and owner:
                path = _keyword(node, "path", "rule", position=0)
                handler = _keyword(node, "endpoint", "view_func", position=1)
                shown = _dotted(handler) if handler is not None else ""
                if path is not None:
                    routes.append(RouteSite(owner, _methods(node), path, shown, node.lineno))
            elif attribute in _INCLUDES and owner and node.args:
                prefix = _keyword(node, _INCLUDES[attribute])
                includes.append(IncludeSite(owner, node.args[0], prefix))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            kind = _dotted(node.value.func).rsplit(".", 1)[-1]
            prefix = (
                _keyword(node.value, _ROUTER_PREFIXES[kind]) if kind in _ROUTER_PREFIXES else None
            )
            for target in node.targets if prefix is not None else []:
                if _dotted(target):
                    prefixes[_dotted(target)] = prefix
    return ModuleRoutes(routes, prefixes, includes)


def _decorated_route(decorator: ast.expr, handler: str) -> RouteSite | None:
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    attribute, owner = decorator.func.attr, _dotted(decorator.func.value)
    if attribute in ROUTE_METHODS:
        methods: tuple[str, ...] = (attribute.upper(),)
    elif attribute in _ANY_METHOD_ROUTES:
        methods = _methods(decorator)
    else:
        return None
    path = _keyword(decorator, "path", "rule", position=0)
    if not owner or path is None:
        return None
    return RouteSite(owner, methods, path, handler, decorator.lineno)


def _methods(call: ast.Call) -> tuple[str, ...]:
    """`methods=["GET", "POST"]` as written; GET, as FastAPI and Flask default to."""
    given = _keyword(call, "methods")
    if isinstance(given, ast.List | ast.Tuple | ast.Set):
        found = [
            e.value.upper()
            for e in given.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        if found:
            return tuple(dict.fromkeys(found))
    return ("GET",)


class _Routes:
    """The routes one ASGI or WSGI app serves: its file's and those of the modules it imports,
    with the prefixes of routers and blueprints and of where they are included."""

    def __init__(self, sources: Sources, module: Module) -> None:
        self.sources = sources
        self.modules = {m.path: m for m in sources.followed(module)}
        self.found = {path: sources.routes(m) for path, m in self.modules.items()}
        self.parents: dict[tuple[str, str], tuple[tuple[str, str], ast.expr | None, Module]] = {}
        for path, routes in self.found.items():
            for include in routes.includes:
                router = self._identity(self.modules[path], include.router)
                if router is not None:
                    self.parents.setdefault(
                        router, ((path, include.owner), include.prefix, self.modules[path])
                    )

    def routes(self) -> list[Route]:
        found = []
        for path, routes in self.found.items():
            module = self.modules[path]
            for site in routes.routes:
                mounted = self._mounted((path, site.owner), 0)
                served = self.sources.resolve(module, site.path)
                written = _shown(site.path, module.text)
                full = mounted + served if mounted is not None and isinstance(served, str) else None
                found += [
                    Route(method, full, written, site.handler, path, site.line)
                    for method in site.methods
                ]
        return found

    def _identity(self, module: Module, node: ast.expr) -> tuple[str, str] | None:
        """The module and the variable an included router is: local, imported by name, or an
        attribute of an imported module."""
        dotted = _dotted(node)
        if not dotted:
            return None
        if dotted in module.names:
            return module.names[dotted]
        head, _, attribute = dotted.rpartition(".")
        if head in module.modules:
            return module.modules[head], attribute
        return module.path, dotted

    def _mounted(self, router: tuple[str, str], depth: int) -> str | None:
        """Where a router's routes start: where it is included, its own prefix."""
        if depth > MAX_DEPTH:
            return None
        path, owner = router
        routes = self.found.get(path)
        own_node = routes.prefixes.get(owner) if routes is not None else None
        own = self.sources.resolve(self.modules[path], own_node) if own_node is not None else ""
        if not isinstance(own, str):
            return None
        if router not in self.parents:
            return own
        parent, prefix_node, module = self.parents[router]
        above = self._mounted(parent, depth + 1)
        prefix = self.sources.resolve(module, prefix_node) if prefix_node is not None else ""
        if above is None or not isinstance(prefix, str):
            return None
        return above + prefix + own


def registry_path(served: str) -> tuple[str | None, bool]:
    """The registry's form of a served path (`{name}` for `{name:path}` or Flask's
    `<int:name>`), or None when it has none; and whether a trailing `/` was dropped."""
    if served in ("", "/"):
        return "/", False
    if not served.startswith("/"):
        return None, False
    segments = served.split("/")[1:]
    trailing = len(segments) > 1 and segments[-1] == ""
    if trailing:
        segments.pop()
    converted = [_parameter(segment) for segment in segments]
    path = "/" + "/".join(converted)
    # The registry's own pattern, linear: each segment starts with `/` and holds none.
    return (path if re.fullmatch(ENDPOINT_PATH_PATTERN, path) else None), trailing


def _parameter(segment: str) -> str:
    """A path segment, with a parameter written `{name}` (FastAPI's `{name:path}`, Flask's
    `<int:name>`)."""
    if segment.startswith("{") and segment.endswith("}"):
        return "{" + segment[1:-1].split(":", 1)[0] + "}"
    if segment.startswith("<") and segment.endswith(">"):
        return "{" + segment[1:-1].rsplit(":", 1)[-1] + "}"
    return segment


# Guesses: what an endpoint serves, whether it is a side route, whether it may be retried.


def kind_of(texts: list[str]) -> Noted:
    """The endpoint kind the first text that names one says: its path, then its names."""
    for text in texts:
        words = "-" + "-".join(words_of(text))
        for kind, keywords in _KINDS:
            for keyword in keywords.split():
                if f"-{keyword}" in words:
                    return guess(kind, f'"{keyword}" in {text}')
    named = ", ".join(t for t in texts if t)
    return guess("other", f"nothing in {named} names a kind" if named else "nothing names a kind")


def is_auxiliary(method: str, path: str) -> bool:
    """A GET health, status or listing route beside the product endpoints."""
    return method == "GET" and any(w.startswith(_AUXILIARY_WORDS) for w in words_of(path))


def words_of(text: str) -> list[str]:
    """The lower-case words of a path or a name: `FluxKontextService` is flux, kontext,
    service; `/v1/chat_completions` is v1, chat, completions."""
    spaced, previous = [], ""
    for char in text:
        if char.isupper() and previous.islower():
            spaced.append(" ")
        spaced.append(char.lower() if char.isalnum() else " ")
        previous = char
    return "".join(spaced).split()


def _idempotent(method: str) -> Noted:
    if method in ("GET", "PUT", "DELETE"):
        return guess(True, f"a {method}: retried once on a 408")
    return guess(False, f"a {method} may not be safe to repeat; true retries it once on a 408")


class _Served(NamedTuple):
    """What a web function's endpoints are drafted with: the names that may say their kind
    (the route's handler, the method, class or function, the app, the file), and the lines of
    the app's other web functions (several: each with its own timeout_s)."""

    names: list[str]
    others: list[range]

    @property
    def several(self) -> bool:
        return bool(self.others)


def _endpoint(path: Noted, method: Noted, served: _Served, timeout_s: int) -> DraftEndpoint:
    shown, verb = str(path.value), str(method.value)
    names = served.names
    texts = [shown, *names] if shown != "/" else names
    whose = "its web function's" if served.several else "the app's"
    # At `/`, the handler's name says what the path does not: a GET `health` is a side route.
    auxiliary = is_auxiliary(verb, shown) or (shown == "/" and is_auxiliary(verb, names[0]))
    return DraftEndpoint(
        path=path,
        method=method,
        kind=(
            guess("other", "a health or listing route")
            if auxiliary
            else kind_of([t for t in dict.fromkeys(texts) if t])
        ),
        client_timeout_s=guess(timeout_s, f"{whose} timeout_s: set how long clients wait"),
        idempotent=_idempotent(verb),
        auxiliary=guess(True, "a health or listing route") if auxiliary else None,
    )


# The draft: one app per app file.


class _Drafter:
    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.skipped: dict[str, str] = {}

    def apps(self) -> list[DraftApp]:
        drafted = []
        for path in sorted(self.sources.python, key=_folder_then_file):
            source = self.sources.files.get(path)
            if source is None or ("App(" not in source.text and "Stub(" not in source.text):
                continue
            module = self.sources.module(path)
            definitions = app_definitions(module.tree) if module is not None else []
            if not definitions:
                continue
            if "/" not in path:
                self.skipped[path] = AT_ROOT
                continue
            assert module is not None
            drafted.append(self._app(module, definitions))
        _name_keys(drafted)
        return drafted

    def _app(self, module: Module, definitions: list[AppDefinition]) -> DraftApp:
        """The app `modal deploy FILE` deploys: the variable `app` (or `stub`), else the first;
        with the apps it includes."""
        variables = {d.variable for d in definitions}
        chosen = next(
            (d for name in ("app", "stub") for d in definitions if d.variable == name),
            definitions[0],
        )
        deployed = _included(module.tree, chosen.variable, variables)
        sites = [s for s in modal_sites(module.tree, variables) if s.app in deployed]
        folder, entry = module.path.rsplit("/", 1)
        app = DraftApp("", self._name(module, chosen), folder, entry)
        app.secrets = self._named(module, app, "Secret")
        app.volumes = self._named(module, app, "Volume")
        # Every web entry point, each at a URL of its own; the one describing most first.
        entries = sorted(
            ((site, web) for site in sites for web in site.web),
            key=lambda e: _WEB_PREFERENCE[e[1].decorator],
        )
        app.webs = [
            self._web(module, app, site, entry, [e.body for _, e in entries if e is not entry])
            for site, entry in entries
        ]
        serving = {web.target for web in app.webs}
        for other_site in sites:
            if other_site.target not in serving:
                decorator = module.facts.decorator(other_site.target)
                app.functions.append(
                    DraftFunction(
                        other_site.target,
                        self._gpu(module, _keyword_value(decorator, "gpu")),
                        self._timeout(module, _keyword_value(decorator, "timeout")),
                    )
                )
        return app

    def _name(self, module: Module, definition: AppDefinition) -> Noted:
        node = _keyword(definition.call, "name", position=0)
        name = self.sources.resolve(module, node) if node is not None else None
        if isinstance(name, str) and modal_names.is_valid_app_name(name):
            return Noted(name)
        folder, stem = posixpath.split(module.path.removesuffix(".py"))
        base = posixpath.basename(folder) if stem in _GENERIC_STEMS and folder else stem
        named = "".join(c if c.isalnum() or c in "._-" else "-" for c in base)[:64] or "app"
        written = f"modal.App({_shown(node, module.text)})" if node is not None else "modal.App()"
        why = "is not a valid Modal app name" if isinstance(name, str) else _NOT_A_CONSTANT_NAME
        return guess(named, f"{written} {why}: named after the file")

    def _named(self, module: Module, app: DraftApp, kind: str) -> list[str]:
        """The secrets or volumes the app file names, in order of first use."""
        found: list[str] = []
        for named in (n for n in module.facts.named_objects if n.kind == kind):
            name = self.sources.value(module, named.name)
            if not isinstance(name, str):
                shown = f"modal.{kind}.from_name({_shown(named.name.text)})"
                app.notes.append(guess(None, f"{shown} is not a constant: add its name"))
            elif name not in found:
                found.append(name)
        return found

    def _web(
        self, module: Module, app: DraftApp, site: ModalSite, entry: WebEntry, others: list[range]
    ) -> DraftWeb:
        """A web function: its class's or function's gpu and timeout, what its web decorator
        says, and its endpoints (`others`: the lines of the app's other web functions)."""
        by_class = site.kind == "cls"
        decorator = module.facts.decorator(site.target)
        web = DraftWeb(
            cls=site.target if by_class else None,
            method=entry.member if by_class else None,
            function=None if by_class else site.target,
            gpu=self._gpu(module, _keyword_value(decorator, "gpu")),
            timeout_s=self._timeout(module, _keyword_value(decorator, "timeout")),
        )
        notes = []
        label = _keyword(entry.call, "label")
        resolved = self.sources.resolve(module, label) if label is not None else None
        if isinstance(resolved, str):
            web.label = resolved
        elif label is not None:
            notes.append(
                f"label={_shown(label, module.text)} is not a constant: the derived label is used"
            )
        proxy_auth = _keyword(entry.call, "requires_proxy_auth")
        if isinstance(proxy_auth, ast.Constant):
            web.requires_proxy_auth = proxy_auth.value is True
        elif proxy_auth is not None:
            notes.append(
                f"requires_proxy_auth={_shown(proxy_auth, module.text)} is not a constant: false"
            )
        parts = (site.target, entry.member) if by_class else (site.target,)
        derived = modal_names.default_label(str(app.name.value), *parts)
        if notes:
            web.note = guess(None, "; ".join(notes))
        elif web.label is None and len(derived) > modal_names.MAX_LABEL_LENGTH:
            why = f"review: the label {derived} is over {modal_names.MAX_LABEL_LENGTH} characters"
            web.note = Noted(None, f"{why}: set label")
        names = [entry.member, site.target, str(app.name.value), app.entry.removesuffix(".py")]
        self._endpoints(module, app, web, entry, _Served(names, others))
        return web

    def _endpoints(
        self, module: Module, app: DraftApp, web: DraftWeb, entry: WebEntry, served: _Served
    ) -> None:
        timeout_s = _seconds(web.timeout_s)
        root = Noted("/")
        if entry.decorator in ("fastapi_endpoint", "web_endpoint"):
            node = _keyword(entry.call, "method")
            given = self.sources.resolve(module, node) if node is not None else "GET"
            method = Noted(given.upper()) if isinstance(given, str) else Noted("")
            if method.value not in _HTTP_METHODS:
                method = guess(
                    "POST",
                    f"method={_shown(node or '', module.text)} is not one the registry knows",
                )
            web.endpoints.append(_endpoint(root, method, served, timeout_s))
            return
        if entry.decorator in ("asgi_app", "wsgi_app"):
            self._routes(module, app, web, served)
            if web.endpoints:
                return
            root = guess("/", f"no route of the @modal.{entry.decorator} could be described")
        else:
            port = _keyword(entry.call, "port", position=0)
            number = self.sources.resolve(module, port) if port is not None else None
            shown = (
                str(number) if number is not None else _shown(port, module.text) if port else "?"
            )
            root = guess("/", f"a web server on port {shown}: its routes are not in the code")
        web.endpoints.append(_endpoint(root, Noted("POST"), served, timeout_s))

    def _routes(self, module: Module, app: DraftApp, web: DraftWeb, served: _Served) -> None:
        """One endpoint per path the web function serves: the POST where a path has several
        methods. A route declared in another web function's body is that one's; others (at
        module level, in imported modules) are every ASGI or WSGI web function's. What is left
        out is the app's comment, naming the web function when there are several."""
        whose = f"{web.shown}: " if served.several else ""
        kept: dict[str, tuple[Route, Noted]] = {}
        passed_over: list[tuple[str, str]] = []  # (method, path)
        for route in _Routes(self.sources, module).routes():
            if route.method not in _HTTP_METHODS:
                continue
            if route.file == module.path and any(route.line in lines for lines in served.others):
                continue
            path, trailing = registry_path(route.path) if route.path is not None else (None, False)
            if path is None:
                shown = route.written if route.path is None else route.path
                why = "is not a constant" if route.path is None else _NOT_A_REGISTRY_PATH
                app.undescribed.append(f"{whose}{route.method} {shown} {why}")
                continue
            noted = guess(path, f"served as {route.path}") if trailing else Noted(path)
            earlier = kept.get(path)
            if earlier is None:
                kept[path] = (route, noted)
            elif route.method == earlier[0].method:
                continue  # the same route, declared twice
            elif route.method == "POST" and earlier[0].method != "POST":
                passed_over.append((earlier[0].method, path))
                kept[path] = (route, noted)
            else:
                passed_over.append((route.method, path))
        for method, path in passed_over:
            kept_method = kept[path][0].method
            app.undescribed.append(
                f"{whose}{method} {path} (one method per path: {kept_method} is)"
            )
        timeout_s = _seconds(web.timeout_s)
        for route, noted in kept.values():
            method = Noted(route.method)
            handled = served._replace(names=[route.handler, *served.names])
            web.endpoints.append(_endpoint(noted, method, handled, timeout_s))

    def _gpu(self, module: Module, value: Value | None) -> Noted | None:
        """The GPU a function asks for; None for a CPU container."""
        if value is None or value.text in ("None", "False"):
            return None
        specs = _gpu_specs(self.sources.value(module, value)) or self._gpu_object(module, value)
        if specs is not None:
            problems = [p for spec in specs if (p := modal_names.gpu_problem(spec)) is not None]
            shown = specs[0] if len(specs) == 1 else tuple(specs)
            why = f"review: the registry refuses it: {problems[0]}" if problems else ""
            return Noted(shown, why)
        written = _written_gpu(value.text)
        code = f"gpu={_shown(value.text)}"
        if written is not None:
            return guess(written, f"{code} is not a constant; it names {written}")
        return guess(None, f"{code} is not a constant: add gpu: if it asks for one")

    def _gpu_object(self, module: Module, value: Value) -> list[str] | None:
        """`modal.gpu.A100(count=2, size="80GB")`, Modal's older spelling, as `A100-80GB:2`."""
        node = _expression(value.text)
        if not isinstance(node, ast.Call):
            return None
        head, _, gpu_type = _dotted(node.func).rpartition(".")
        if head.rsplit(".", 1)[-1] != "gpu" or not gpu_type:
            return None
        count_node, size_node = _keyword(node, "count"), _keyword(node, "size")
        count = self.sources.resolve(module, count_node) if count_node is not None else 1
        size = self.sources.resolve(module, size_node) if size_node is not None else ""
        if not isinstance(count, int) or not isinstance(size, str):
            return None
        return [modal_names.legacy_gpu(gpu_type, count, size)]

    def _timeout(self, module: Module, value: Value | None) -> Noted:
        if value is None:
            return Noted(modal_names.DEFAULT_TIMEOUT_S, "Modal's default: no timeout=")
        seconds = self.sources.value(module, value)
        if not isinstance(seconds, int | float):
            why = f"timeout={_shown(value.text)} is not a constant: Modal's default"
            return guess(modal_names.DEFAULT_TIMEOUT_S, why)
        whole = math.ceil(seconds)
        if modal_names.MIN_TIMEOUT_S <= whole <= modal_names.MAX_TIMEOUT_S:
            return Noted(whole)
        bounded = min(max(whole, modal_names.MIN_TIMEOUT_S), modal_names.MAX_TIMEOUT_S)
        return guess(bounded, f"timeout={_shown(value.text)} is outside Modal's 1..86400 s")


def _seconds(timeout: Noted | None) -> int:
    value = timeout.value if timeout is not None else None
    return value if isinstance(value, int) else modal_names.DEFAULT_TIMEOUT_S


def _keyword_value(decorator: ModalDecorator | None, name: str) -> Value | None:
    return decorator.keywords.get(name) if decorator is not None else None


def _gpu_specs(value: Resolved | None) -> list[str] | None:
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, tuple) and all(isinstance(v, str) and v for v in value):
        return [str(v) for v in value]
    return None


def _written_gpu(text: str) -> str | None:
    """A GPU type written as a string anywhere in an expression (`"L40S" if X else None`)."""
    node = _expression(text)
    for found in ast.walk(node) if node is not None else []:
        text_found = isinstance(found, ast.Constant) and isinstance(found.value, str)
        if text_found and modal_names.gpu_problem(found.value) is None:
            return found.value
    return None


def _folder_then_file(path: str) -> tuple[str, str]:
    folder, _, name = path.rpartition("/")
    return folder, name


def _name_keys(apps: list[DraftApp]) -> None:
    """Registry keys from the app names, lower-case and unique; names used twice noted."""
    taken: set[str] = set()
    owners: dict[object, str] = {}
    for app in apps:
        cleaned = "".join(
            c if (c.isalnum() and c.isascii()) or c in "_-" else "-"
            for c in str(app.name.value).lower()
        )
        base = cleaned.lstrip("_-") or "app"
        key, number = base, 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        taken.add(key)
        app.key = key
        if app.name.value in owners and not app.name.note:
            app.name = Noted(
                app.name.value,
                f"review: app {owners[app.name.value]} has this name too; Modal would deploy "
                "both as one app",
            )
        owners.setdefault(app.name.value, key)


def _mark_repeated_paths(apps: list[DraftApp]) -> None:
    """Clients name a plain path's endpoint by the path alone: a later app (or web function
    of the same app) serving it too gets it as an auxiliary route, named with its app."""
    served: dict[str, tuple[DraftApp, DraftWeb]] = {}
    for app in apps:
        for web in app.webs:
            for endpoint in web.endpoints:
                path = str(endpoint.path.value)
                if endpoint.auxiliary is not None or path == "/" or "{" in path:
                    continue
                if path not in served:
                    served[path] = (app, web)
                    continue
                first, first_web = served[path]
                who, named = (
                    (f"app {first.key}", "the app")
                    if first is not app
                    else (first_web.shown, "the web function")
                )
                endpoint.auxiliary = guess(
                    True, f"{who} serves {path} too: clients name {named} to call it"
                )


# Client timeouts: maps in the repository keyed by the endpoints or apps found.


class _Timeout(NamedTuple):
    seconds: int
    where: str  # `NAME in FILE:LINE (VALUE UNIT)`


def _client_timeouts(
    sources: Sources, paths: list[str], apps: list[DraftApp], config: ProjectConfig
) -> None:
    """Each endpoint's client timeout from the first map naming its path (or its app), in
    place of the guess."""
    by_path = {
        str(e.path.value)
        for app in apps
        for e in app.endpoints
        if e.auxiliary is None and e.path.value != "/" and "{" not in str(e.path.value)
    }
    by_app = {str(app.name.value) for app in apps} | {app.key for app in apps}
    found = _timeout_maps(sources, paths, by_path | by_app, config)
    if not found:
        return
    for app in apps:
        whose = "its web function's" if len(app.webs) > 1 else "the app's"
        for web in app.webs:
            for endpoint in web.endpoints:
                path = str(endpoint.path.value)
                timeout = found.get(path) if path in by_path else None
                timeout = timeout or found.get(str(app.name.value)) or found.get(app.key)
                if timeout is None:
                    continue
                server = _seconds(web.timeout_s)
                if timeout.seconds > server:
                    why = f"{timeout.where} is above {whose} timeout_s: capped"
                    endpoint.client_timeout_s = guess(server, why)
                else:
                    endpoint.client_timeout_s = Noted(timeout.seconds, f"from {timeout.where}")


def _timeout_maps(
    sources: Sources, paths: list[str], keys: set[str], config: ProjectConfig
) -> dict[str, _Timeout]:
    found: dict[str, _Timeout] = {}
    for path in paths:
        if path.rpartition(".")[2].lower() not in MAP_SUFFIXES:
            continue
        source = sources.files.get(path)
        if source is None or not any(key in source.text for key in keys):
            continue
        for literal in maps_in(source):
            named = [e for e in literal.entries if e.key in keys and e.value.number is not None]
            numbers = [e.value.number for e in literal.entries if e.value.number is not None]
            if not named or len(numbers) * 2 < len(literal.entries):
                continue
            unit = unit_of(literal.name, path, numbers, dict(config.units))
            if not is_timeout_map(literal.name, numbers, unit):
                continue
            for entry in named:
                seconds = to_seconds(entry.value.number or 0, unit)
                where = (
                    f"{literal.name or 'a map'} in {path}:{entry.value.at.line} "
                    f"({entry.value.text} {unit})"
                )
                found.setdefault(entry.key, _Timeout(max(1, math.ceil(seconds)), where))
    return found
