"""Facts from Python source, read with `ast` and never imported.

Modal apps and their decorators (with `timeout=` resolved statically), the secrets and
volumes they name, FastAPI routes, dict literals with their keys and values, HTTP client
calls, imports and module-level string constants.
"""

from __future__ import annotations

import ast
import copy
import io
import operator
import re
import tokenize
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tools.core.paths import folders_up
from tools.drift_check.extract.base import Entry, Located, MapLiteral, Number, Value
from tools.drift_check.extract.sdk_uses import SdkUse, SdkUses
from tools.drift_check.facts_cache import remembered
from tools.drift_check.source import SourceFile

WEB_DECORATORS = frozenset(
    {"asgi_app", "fastapi_endpoint", "wsgi_app", "web_server", "web_endpoint"}
)
ROUTE_METHODS = frozenset({"get", "post", "put", "delete", "patch", "websocket"})
HTTP_CLIENTS = frozenset(
    {
        "httpx.Client",
        "httpx.AsyncClient",
        "httpx.get",
        "httpx.post",
        "httpx.request",
        "httpx.stream",
        "requests.get",
        "requests.post",
        "requests.put",
        "requests.request",
    }
)
_PRINTS = frozenset({"print", "echo", "secho", "info", "warning", "warn", "error", "debug", "log"})
_CLIENT_VERBS = frozenset({"get", "post", "put", "patch", "delete", "request", "stream"})
NAMED_OBJECTS = {
    f"{prefix}{kind}.from_name": kind for prefix in ("modal.", "") for kind in ("Secret", "Volume")
}
_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
}


@dataclass(frozen=True)
class ModalDecorator:
    kind: str  # "cls" or "function"
    target: str  # the class or function it decorates
    keywords: dict[str, Value]
    at: Located
    web: dict[str, dict[str, Value]]  # web method (or the function) -> its decorator's keywords
    # web method (or the function) -> its decorator (`fastapi_endpoint`, `asgi_app`...)
    web_kinds: dict[str, str] = field(default_factory=dict)


class ModalApp(NamedTuple):
    name: Value | None
    at: Located
    variable: str = ""  # the name it is assigned to: `modal deploy` takes `app`, else `stub`


class Route(NamedTuple):
    method: str
    path: str  # as served: the prefix of the router that declares it included
    at: Located
    router: str = ""  # the variable of the app or router the route is declared on


class LocalPath(NamedTuple):
    """A local file or folder an image adds by a relative path: `add_local_file("lib.py")`."""

    call: str  # `add_local_file`, `add_local_dir`, `from_dockerfile`, ...
    path: str  # as written
    offset: int  # of the call's name in the text


# A local file or folder an image adds by a literal path (modal reads a relative one from the
# folder `modal` runs in: `Path(local_path)`, not from the app file's).
_LOCAL_PATH = re.compile(
    r"\.(?P<call>add_local_file|add_local_dir|copy_local_file|copy_local_dir|from_dockerfile"
    r"|from_local_dir|from_local_file)\([ \t\n]*(?:(?:local_path|path)[ \t]*=[ \t]*)?"
    r"(?P<quote>[\"'])(?P<path>[^\"'\n{}]{1,256})(?P=quote)"
)


def local_paths(source: SourceFile) -> list[LocalPath]:
    """The relative local paths a Python file's images add, outside comments: not an
    absolute one, nor one under `~` or an environment variable. Found once per file for
    every command that runs it (the list is shared: not to change)."""
    if "local_paths" not in source.cache:
        source.cache["local_paths"] = _local_paths(source.text)
    return source.cache["local_paths"]  # type: ignore[return-value]


def _local_paths(text: str) -> list[LocalPath]:
    found = []
    for match in _LOCAL_PATH.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if match["path"].startswith(("/", "~", "$")) or "#" in text[line_start : match.start()]:
            continue
        found.append(LocalPath(match["call"], match["path"], match.start("call")))
    return found


class ClientCall(NamedTuple):
    function: str
    at: Located
    keywords: dict[str, Value]
    target: Value | None = None  # the URL it calls (a client's base_url), when written


class NamedObject(NamedTuple):
    """`modal.Secret.from_name(NAME)` or `modal.Volume.from_name(NAME)`."""

    kind: str  # "Secret" or "Volume"
    name: Value
    # In a branch of a conditional (`[Secret.from_name("x")] if TOKEN else []`): it may not
    # be used.
    conditional: bool = False


@dataclass
class PythonFacts:
    apps: list[ModalApp] = field(default_factory=list)
    decorators: list[ModalDecorator] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    dicts: list[MapLiteral] = field(default_factory=list)
    client_calls: list[ClientCall] = field(default_factory=list)
    named_objects: list[NamedObject] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> module it names
    # The lines of bare string statements (docstrings): prose, not code.
    docstrings: list[tuple[int, int]] = field(default_factory=list)
    # The lines of strings a script prints for its reader (`print("Deploy: modal deploy
    # app.py")`, `logger.info(...)`, `click.echo(...)`): instructions, as docs are.
    printed: list[tuple[int, int]] = field(default_factory=list)
    # Routers mounted by this file: (the router as written, the prefix it is mounted under).
    includes: list[tuple[str, str]] = field(default_factory=list)
    # Every module an import anywhere in the file may name, as written (`.handlers` relative):
    # `from a import b` names `a` and, if b is a module, `a.b`.
    modules: list[str] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)  # module-level string constants
    numbers: dict[str, Number] = field(default_factory=dict)  # module-level number constants
    # Module-level `name = module.attribute` of an imported module (`app = serve.app`).
    aliases: dict[str, str] = field(default_factory=dict)
    # Every name the module defines at its top level: what `file.py::name` may name.
    defined: list[str] = field(default_factory=list)
    # What `modal run FILE::NAME --option` may pass to each local entrypoint and Modal
    # function: `--name` per parameter (`--no-name` too for a bool); None takes anything.
    run_options: dict[str, list[str] | None] = field(default_factory=dict)
    entrypoints: list[str] = field(default_factory=list)  # `@app.local_entrypoint()`s
    # Whether `python FILE` does anything: a `__main__` block, or a call at the top level.
    runs: bool = False
    # `["modal", "deploy", "app.py"]` as a subprocess gets it: the command as shell text (a
    # word the code computes is `$ARG`), where the list is written.
    modal_argv: list[tuple[str, Located]] = field(default_factory=list)
    # Module-level constants that hold a call, as written (`GPU_CONFIG = modal.gpu.A100()`).
    calls: dict[str, str] = field(default_factory=dict)
    # The module's classes with web methods, as a decorator would show them (kind "class"):
    # what `app.cls(...)(Class)` in a module that imports one registers.
    web_classes: list[ModalDecorator] = field(default_factory=list)
    # Modal SDK names and keyword arguments that modal 1.6 does not take (`modal_api`).
    sdk_uses: list[SdkUse] = field(default_factory=list)

    def deployed_app(self) -> ModalApp | None:
        """The app `modal deploy FILE` deploys: the one named `app`, else `stub`, else the
        only one."""
        for variable in ("app", "stub"):
            found = next((a for a in self.apps if a.variable == variable), None)
            if found is not None:
                return found
        return self.apps[0] if self.apps else None

    def decorator(self, target: str | None) -> ModalDecorator | None:
        """The `@app.cls(...)` or `@app.function(...)` on the class or function `target`, or
        on the one registered under that `name=`."""
        found = next((d for d in self.decorators if d.target == target), None)
        # `@app.function(name="wan") def generate_wan`: Modal registers it as `wan`
        named = (d for d in self.decorators if (n := d.keywords.get("name")) and n.string == target)
        return found or next(named, None)


def python_facts(source: SourceFile) -> PythonFacts | None:
    """The facts of a Python file; None when it does not parse."""
    if "python" not in source.cache:
        source.cache["python"] = remembered(
            "python", source, lambda: _extract(source.text), PythonFacts | None
        )
    return source.cache["python"]  # type: ignore[return-value]


def _extract(text: str) -> PythonFacts | None:
    try:
        # A byte order mark (a Windows editor's) is no code: Python reads the file without it.
        tree = ast.parse(text.removeprefix("\ufeff"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        return _Extractor(tree, text).facts
    except RecursionError:
        return None


class _Extractor:
    def __init__(self, tree: ast.Module, text: str) -> None:
        self.lines = text.splitlines()
        self.constants = _module_constants(tree)
        self.facts = PythonFacts()
        self.sdk = SdkUses() if "modal" in text else None
        self.app_variables: set[str] = set()
        # The nodes of a conditional expression's branches, met before the walk reaches them.
        self.conditional: set[int] = set()
        # A client made in a `with` (by its call node): the URL its body calls.
        self.with_targets: dict[int, Value] = {}
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []  # met so far
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        # `router = APIRouter(prefix="/v1")`: the prefix of each router of the module.
        self.prefixes = {
            name: prefix
            for name, value in self.constants.items()
            if isinstance(value, ast.Call)
            and (prefix := _string_keyword(value, "prefix", self.constants)) is not None
        }
        self.facts.runs = any(_runs(node) for node in tree.body)
        for node in _module_statements(tree.body):
            self._app_assignment(node)
            self._import(node)
            self._alias(node)
            self.facts.defined += _bound(node)
        # An app imported from another module (`from .common import app`) is decorated too.
        self.decorated_apps = self.app_variables | {*self.facts.imports, *self.facts.aliases}
        self._constants()
        # One walk, parents first: an assignment is met before the dict literal it assigns.
        names: dict[int, str] = {}
        for node in walk(tree):
            self._visit(node, names)
            if self.sdk is not None:
                self.sdk.visit(node)
        self._method_functions()
        if self.sdk is not None:
            self.facts.sdk_uses = self.sdk.found

    def _method_functions(self) -> None:
        """A class none decorates, whose methods are each `@stub.function(...)` (Modal before
        `@app.cls`: a lifecycle class with `__enter__`): registered as a class, with the first
        such method's keywords, so `{class, method}` in the registry names it."""
        decorated = {d.target for d in self.facts.decorators}
        for name, node in self.classes.items():
            if name in decorated:
                continue
            methods = {
                m.name for m in node.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            inside = [
                d
                for d in self.facts.decorators
                if d.kind == "function"
                and d.target in methods
                and node.lineno <= d.at.line <= (node.end_lineno or node.lineno)
            ]
            if inside:
                web, kinds = self._web(node)
                first = inside[0]
                self.facts.decorators.append(
                    ModalDecorator("cls", name, first.keywords, first.at, web, kinds)
                )

    def _visit(self, node: ast.AST, names: dict[int, str]) -> None:
        """One node of the walk; `names`: the variable each dict literal is assigned to."""
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            self._decorated(node)
            if not isinstance(node, ast.ClassDef):
                self.functions.append(node)
        elif isinstance(node, ast.Call):
            self._client_call(node)
            self._registered(node)
            self._printed(node)
        elif isinstance(node, ast.List | ast.Tuple):
            self._argv(node)
        elif isinstance(node, ast.Dict):
            self._dict(node, names.get(id(node)))
            names.update(_inner_names(node))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            target = _assignment_target(node)
            if target is not None and isinstance(node.value, ast.Dict):
                names[id(node.value)] = target
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                end = node.end_lineno or node.lineno
                self.facts.docstrings.append((node.lineno, end))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self._imported(node)
        elif isinstance(node, ast.With | ast.AsyncWith):
            self._with_client(node)
        elif isinstance(node, ast.IfExp):  # what its branches call may not run
            branches = (node.body, node.orelse)
            self.conditional.update(id(n) for b in branches for n in ast.walk(b))

    def _constants(self) -> None:
        """The module's string and number constants, as other modules import them (a string
        read from the environment as its default)."""
        for name in self.constants:
            # `GPU = os.environ.get("GPU", "A10G")`: what it is when the environment sets nothing
            text = default_string(ast.Name(name), self.constants)
            if text is not None:
                self.facts.strings[name] = text
            number = number_of(ast.Name(name), self.constants)
            if number is not None:
                self.facts.numbers[name] = number
            if isinstance(self.constants[name], ast.Call):
                self.facts.calls[name] = self.source(self.constants[name])

    def _alias(self, node: ast.stmt) -> None:
        """`app = serve.app`, `serve` imported (above it, as Python requires)."""
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in self.facts.imports
        ):
            self.facts.aliases[node.targets[0].id] = _dotted(node.value)

    def _imported(self, node: ast.Import | ast.ImportFrom) -> None:
        """An import anywhere: the names it binds, and the modules it may name."""
        self._import(node, nested=True)
        if isinstance(node, ast.Import):
            self.facts.modules += [alias.name for alias in node.names]
            return
        base = "." * node.level + (node.module or "")
        self.facts.modules.append(base)
        joiner = "" if base.endswith(".") else "."
        self.facts.modules += [f"{base}{joiner}{a.name}" for a in node.names]

    def value(self, node: ast.expr, depth: int = 0) -> Value:
        number = number_of(node, self.constants)
        string = string_of(node, self.constants)
        literal = isinstance(node, ast.Constant) and type(node.value) in (int, float)
        listed = self.constants.get(node.id) if isinstance(node, ast.Name) else node
        items = (
            tuple(self.value(item, depth + 1) for item in listed.elts[:64])
            if isinstance(listed, ast.List | ast.Tuple) and depth < 4  # `A = [A]` ends here
            else None
        )
        fields = (
            tuple(
                Entry(key.value, _at(key), self.value(value, depth + 1))
                for key, value in zip(node.keys[:64], node.values[:64], strict=True)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            )
            if isinstance(node, ast.Dict) and depth < 4
            else None
        )
        return Value(number, string, self.source(node), _at(node), literal, items, fields)

    def source(self, node: ast.expr) -> str:
        """The expression as written: sliced from the text, far cheaper than `ast.unparse`."""
        end_line, end_col = node.end_lineno, node.end_col_offset
        if end_line is None or end_col is None or end_line != node.lineno:
            return ast.unparse(node)
        line = self.lines[node.lineno - 1].encode()
        return line[node.col_offset : end_col].decode(errors="replace")

    def _app_assignment(self, node: ast.stmt) -> None:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            return
        called = _dotted(node.value.func)
        head, _, rest = called.partition(".")
        if rest and self.facts.imports.get(head) == "modal":  # `import modal as _modal`
            called = f"modal.{rest}"
        if called not in ("modal.App", "App", "modal.Stub", "Stub"):
            return
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.app_variables.add(target.id)
                args = node.value.args
                name = self.value(args[0]) if args else None
                keyword = next((k.value for k in node.value.keywords if k.arg == "name"), None)
                if keyword is not None:
                    name = self.value(keyword)
                self.facts.apps.append(ModalApp(name, _at(node.value), target.id))

    def _decorated(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not isinstance(node, ast.ClassDef):
            self._runnable(node)
        elif node.name in self.classes:
            web, kinds = self._web(node)
            if web:
                self.facts.web_classes.append(
                    ModalDecorator("class", node.name, {}, _at(node), web, kinds)
                )
        for decorator in node.decorator_list:
            if (  # `@app.function` without parentheses: Modal's defaults
                isinstance(decorator, ast.Attribute)
                and isinstance(decorator.value, ast.Name)
                and decorator.value.id in self.decorated_apps
                and decorator.attr in ("cls", "function")
            ):
                self.facts.decorators.append(
                    ModalDecorator(decorator.attr, node.name, {}, _at(decorator), *self._web(node))
                )
                continue
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in self.decorated_apps
                and func.attr in ("cls", "function")
            ):
                keywords = self._keywords(decorator)
                if self.sdk is not None:
                    self.sdk.arguments(f"App.{func.attr}", decorator)
                self.facts.decorators.append(
                    ModalDecorator(func.attr, node.name, keywords, _at(decorator), *self._web(node))
                )
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in ROUTE_METHODS
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
                and isinstance(decorator.args[0].value, str)
                and (decorator.args[0].value.startswith("/") or decorator.args[0].value == "")
            ):
                router = _dotted(func.value)
                path = self.prefixes.get(router, "") + decorator.args[0].value
                if path.startswith("/"):
                    at = _at(decorator.args[0])
                    method = func.attr.upper()  # `websocket`: WEBSOCKET
                    self.facts.routes.append(Route(method, path, at, router))

    def _printed(self, node: ast.Call) -> None:
        """A string printed for the reader: an argument of `print`, a logger's or `echo`."""
        name = _dotted(node.func).rsplit(".", 1)[-1]
        if name not in _PRINTS:
            return
        for argument in node.args[:4]:
            if isinstance(argument, ast.Constant | ast.JoinedStr):
                self.facts.printed.append((argument.lineno, argument.end_lineno or argument.lineno))

    def _with_client(self, node: ast.With | ast.AsyncWith) -> None:
        """`with httpx.Client() as client: client.post(URL)`: the client's target is the first
        URL its body calls by a literal (or a constant) string."""
        for item in node.items:
            call, variable = item.context_expr, item.optional_vars
            if not (isinstance(call, ast.Call) and isinstance(variable, ast.Name)):
                continue
            if not _dotted(call.func).endswith("Client"):
                continue
            for inner in (n for statement in node.body for n in ast.walk(statement)):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and isinstance(inner.func.value, ast.Name)
                    and inner.func.value.id == variable.id
                    and inner.func.attr in _CLIENT_VERBS
                    and inner.args
                ):
                    written = inner.args[1 if inner.func.attr in ("request", "stream") else 0]
                    if isinstance(written, ast.Name) and written.id not in self.constants:
                        written = _assigned(node.body, written.id) or written
                    if string_of(written, self.constants) is not None or isinstance(
                        written, ast.JoinedStr
                    ):
                        self.with_targets[id(call)] = self.value(written)
                        break

    def _registered(self, node: ast.Call) -> None:
        """`app.cls(cpu=2)(SearchService)`: a class or function registered by a call, not a
        decorator; one imported from another module has its web methods there."""
        func = node.func
        if not (
            isinstance(func, ast.Call)
            and isinstance(func.func, ast.Attribute)
            and isinstance(func.func.value, ast.Name)
            and func.func.value.id in self.decorated_apps
            and func.func.attr in ("cls", "function")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
        ):
            return
        name = node.args[0].id
        defined = self.classes.get(name) or next(
            (f for f in self.functions if f.name == name), None
        )
        web, kinds = self._web(defined) if defined is not None else ({}, {})
        keywords = self._keywords(func)
        self.facts.decorators.append(
            ModalDecorator(func.func.attr, name, keywords, _at(func), web, kinds)
        )

    def _argv(self, node: ast.List | ast.Tuple) -> None:
        """A list of a `modal deploy|run|serve` command's words, as `subprocess` runs it."""
        items = node.elts[:32]
        if len(items) < 3 or not all(isinstance(i, ast.Constant) for i in items[:2]):
            return
        first, verb = (item.value for item in items[:2])  # type: ignore[attr-defined]
        if first != "modal" or verb not in ("deploy", "run", "serve"):
            return
        words = [string_of(item, self.constants) or "$ARG" for item in items]
        self.facts.modal_argv.append((" ".join(words), _at(node)))

    def _runnable(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A local entrypoint or Modal function: the options `modal run` passes to it."""
        kinds = set()
        for decorator in node.decorator_list:
            called = decorator.func if isinstance(decorator, ast.Call) else decorator
            app, _, attribute = _dotted(called).rpartition(".")
            if app in self.decorated_apps:
                kinds.add(attribute)
        if not kinds & {"local_entrypoint", "function"}:
            return
        if "local_entrypoint" in kinds:
            self.facts.entrypoints.append(node.name)
        self.facts.run_options[node.name] = _options(node.args)

    def _keywords(self, call: ast.Call) -> dict[str, Value]:
        """A call's keywords, with those of `**CONFIG` spread in when CONFIG is a dict of this
        module (`dict(gpu="L4", timeout=600)` or `{"gpu": "L4"}`), and those a helper that builds
        them is given (`**function_kwargs(timeout=600)`); written ones win."""
        keywords: dict[str, Value] = {}
        for keyword in call.keywords:
            if keyword.arg is not None:
                keywords[keyword.arg] = self.value(keyword.value)
                continue
            spread = keyword.value
            if isinstance(spread, ast.Name):
                spread = self.constants.get(spread.id, spread)
            pairs: list[tuple[str, ast.expr]] = []
            if isinstance(spread, ast.Call):
                # `dict(gpu="L4")`, or a helper given what it builds the keywords from
                # (`**gpu_function_kwargs(timeout=600)`)
                pairs = [(k.arg, k.value) for k in spread.keywords if k.arg]
            elif isinstance(spread, ast.Dict):
                pairs = [
                    (k.value, v)
                    for k, v in zip(spread.keys, spread.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                ]
            for name, value in pairs:
                keywords.setdefault(name, self.value(value))
        return {**keywords, **{k.arg: self.value(k.value) for k in call.keywords if k.arg}}

    def _web(
        self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, depth: int = 0
    ) -> tuple[dict[str, dict[str, Value]], dict[str, str]]:
        """The web methods of a class (with those it inherits from classes of this module),
        or the function itself when it is one: each one's decorator keywords, and decorator."""
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        web: dict[str, dict[str, Value]] = {}
        kinds: dict[str, str] = {}
        if isinstance(node, ast.ClassDef) and depth < 8:
            for base in node.bases:
                parent = self.classes.get(base.id) if isinstance(base, ast.Name) else None
                if parent is not None and parent is not node:
                    inherited, inherited_kinds = self._web(parent, depth + 1)
                    web.update(inherited)
                    kinds.update(inherited_kinds)
        for member in members:
            if not isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in member.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                func = call.func if call else decorator
                kind = _decorator_name(func)
                if kind in WEB_DECORATORS:
                    keywords = call.keywords if call else []
                    web[member.name] = {k.arg: self.value(k.value) for k in keywords if k.arg}
                    kinds[member.name] = kind
        return web, kinds

    def _import(self, node: ast.stmt, *, nested: bool = False) -> None:
        """Names imports bind; one inside a function (`nested`) never replaces a module's."""
        imports = self.facts.imports
        found: dict[str, str] = {}
        if isinstance(node, ast.ImportFrom) and (node.module or node.level):
            # `from .common import app` -> `.common.app`; `from . import serve` -> `.serve`.
            base = "." * node.level + (node.module or "")
            joiner = "" if base.endswith(".") else "."
            for alias in node.names:
                found[alias.asname or alias.name] = f"{base}{joiner}{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
        for name, module in found.items():
            if not nested or name not in imports:
                imports[name] = module

    def _client_call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        if name.endswith(".include_router") and node.args:
            prefix = _string_keyword(node, "prefix", self.constants) or ""
            self.facts.includes.append((_dotted(node.args[0]), prefix))
        kind = NAMED_OBJECTS.get(name)
        if kind is not None and node.args:
            conditional = id(node) in self.conditional
            self.facts.named_objects.append(
                NamedObject(kind, self.value(node.args[0]), conditional)
            )
        if name in HTTP_CLIENTS:
            keywords = {k.arg: self.value(k.value) for k in node.keywords if k.arg}
            # request(method, url) and stream(method, url); a client's base_url; else (url).
            position = 1 if name.endswith((".request", ".stream")) else 0
            key = "base_url" if name.endswith("Client") else "url"
            written = next((k.value for k in node.keywords if k.arg == key), None)
            if written is None and not name.endswith("Client") and len(node.args) > position:
                written = node.args[position]
            timeout = keywords.get("timeout")
            if timeout is not None and timeout.number is None:
                # `timeout = httpx.Timeout(600.0, connect=60.0)` above the call
                keywords["timeout"] = self._local_value(node, timeout, number_of)
            target = self.value(written) if written is not None else None
            if target is None and name.endswith("Client"):
                target = self.with_targets.get(id(node))  # what `client.post(URL)` calls
            if target is not None and target.string is None:
                target = self._local_value(node, target)
                target = self._default_value(written, target) if target.string is None else target
            self.facts.client_calls.append(ClientCall(name, _at(node), keywords, target))

    def _default_value(self, written: ast.expr, target: Value) -> Value:
        """A call's URL, `written`, as the code builds it when the environment sets nothing:
        `os.getenv("BASE", "https://...")` read as its default, strings joined with `+`."""
        string = default_string(written, self.constants)
        if string is None:
            return target
        return Value(None, string, target.text, target.at, False)

    def _local_value(
        self,
        call: ast.Call,
        target: Value,
        known: Callable[[ast.expr, dict[str, ast.expr]], object] | None = None,
    ) -> Value:
        """A call's URL (or what `known` reads: a timeout's number) held in a variable of the
        function the call is in (`url = "..."`, assigned once there), as that value; else the
        target as it was."""
        name = target.text
        if not name.isidentifier():
            return target
        around = [
            f for f in self.functions if f.lineno <= call.lineno <= (f.end_lineno or f.lineno)
        ]
        if not around:
            return target
        function = max(around, key=lambda f: f.lineno)  # the innermost
        assigned = [
            node.value
            for node in walk(function)
            if isinstance(node, ast.Assign | ast.AnnAssign) and _local_name(node) == name
        ]
        value = assigned[0] if len(assigned) == 1 else None
        if value is None or (known or string_of)(value, self.constants) is None:
            return target
        return self.value(value)

    def _dict(self, node: ast.Dict, name: str | None) -> None:
        entries, spreads = [], []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                spreads.append(self.source(value))
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                entries.append(Entry(key.value, _at(key), self.value(value)))
        if entries:
            self.facts.dicts.append(MapLiteral(name, _at(node), entries, spreads))


# Nodes that are never facts nor hold any: contexts (`Load`, `Store`) and operators.
_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, parents before children, in source order.

    `ast.walk` does the same through a generator call per node (`iter_child_nodes`) and visits
    every `Load` and operator; this loop is about a third faster on real files.
    """
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        for name in reversed(node._fields):
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in reversed(value):
                    if isinstance(item, ast.AST) and not isinstance(item, _LEAVES):
                        stack.append(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                stack.append(value)


class PythonMaps:
    """Dict literals with string keys, for the map rules."""

    suffixes = frozenset({"py", "pyi"})

    def maps(self, source: SourceFile) -> list[MapLiteral]:
        facts = python_facts(source)
        return facts.dicts if facts is not None else []


def _string_keyword(call: ast.Call, name: str, constants: dict[str, ast.expr]) -> str | None:
    found = next((k.value for k in call.keywords if k.arg == name), None)
    return None if found is None else string_of(found, constants)


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    constants: dict[str, ast.expr] = {}
    for node in _module_statements(tree.body, fallbacks=False):
        target = _assignment_target(node)
        value = getattr(node, "value", None)
        if target is not None and isinstance(value, ast.expr):
            constants[target] = value
    return constants


def _options(arguments: ast.arguments) -> list[str] | None:
    """The options Modal's CLI makes of a function's parameters (`client_id` is
    `--client-id`; a bool is `--x` and `--no-x`); None when `*args` takes any."""
    if arguments.vararg is not None:
        return None
    options = []
    defaults = [None] * (len(arguments.args) - len(arguments.defaults)) + arguments.defaults
    pairs = [*zip(arguments.args, defaults, strict=True)]
    pairs += zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    for argument, default in pairs:
        name = argument.arg.replace("_", "-")
        options.append(f"--{name}")
        annotation = argument.annotation
        is_bool = isinstance(annotation, ast.Name) and annotation.id == "bool"
        if is_bool or (isinstance(default, ast.Constant) and isinstance(default.value, bool)):
            options.append(f"--no-{name}")
    return options


def _local_name(node: ast.Assign | ast.AnnAssign) -> str | None:
    """The variable an assignment binds: `url = ...`, `url: str = ...` (not `self.url`)."""
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    if isinstance(node, ast.Assign) and len(node.targets) != 1:
        return None
    return target.id if isinstance(target, ast.Name) and node.value is not None else None


def _assignment_target(node: ast.AST) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target
    else:
        return None
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


class _Flatten(ast.NodeTransformer):
    def __init__(self, modules: Container[str]) -> None:
        self.modules = modules

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        dotted = _dotted(node)
        if dotted.rpartition(".")[0] in self.modules:
            return ast.copy_location(ast.Name(dotted, ast.Load()), node)
        return self.generic_visit(node)


def flattened(node: ast.expr, modules: Container[str]) -> ast.expr:
    """`deploy.HF_SECRET`, for a module `deploy` named in `modules`, as one name
    (`Name("deploy.HF_SECRET")`) that `number_of` and `string_of` look up in their constants.
    `node` itself is left as it is."""
    if not any(isinstance(n, ast.Attribute) for n in ast.walk(node)):
        return node
    flat = _Flatten(modules).visit(copy.deepcopy(node))
    return flat if isinstance(flat, ast.expr) else node


def number_of(node: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> Number | None:
    """A number the expression always evaluates to: literals, module constants, arithmetic."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant):
        return node.value if type(node.value) in (int, float) else None
    if isinstance(node, ast.Name):
        known = constants.get(node.id)
        return None if known is None else number_of(known, constants, depth + 1)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = number_of(node.operand, constants, depth + 1)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _arithmetic(node, constants, depth)
    called = node if isinstance(node, ast.Call) and _dotted(node.func) in _TIMEOUTS else None
    return None if called is None else _read_timeout(called, constants, depth)


def _read_timeout(node: ast.Call, constants: dict[str, ast.expr], depth: int) -> Number | None:
    """httpx's `Timeout(600.0, connect=60.0)`: how long a response may take is `read`, else
    the default it is given first."""
    read = next((k.value for k in node.keywords if k.arg == "read"), None)
    given = read if read is not None else (node.args[0] if node.args else None)
    return None if given is None else number_of(given, constants, depth + 1)


def string_of(node: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> str | None:
    """A string the expression always evaluates to: literals, module constants, and f-strings
    of those and of numbers (`f"H100:{N_GPUS}"`)."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        known = constants.get(node.id)
        return None if known is None else string_of(known, constants, depth + 1)
    if isinstance(node, ast.JoinedStr):
        parts = [_formatted(part, constants, depth + 1) for part in node.values]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return None


_ENVIRONMENT_READS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get"})
_TIMEOUTS = frozenset({"httpx.Timeout", "Timeout"})


_TRIMS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper"})


def default_string(node: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> str | None:
    """The string an expression evaluates to when the environment sets nothing: as
    `string_of`, with `os.getenv(NAME, DEFAULT)` read as DEFAULT and strings joined by `+`."""
    if depth > 20:
        return None
    if isinstance(node, ast.Call | ast.BoolOp):
        return _call_or(node, constants, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = default_string(node.left, constants, depth + 1)
        right = default_string(node.right, constants, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name) and node.id in constants:
        return default_string(constants[node.id], constants, depth + 1)
    if isinstance(node, ast.JoinedStr):
        parts = [_formatted(part, constants, depth + 1, default_string) for part in node.values]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return string_of(node, constants, depth)


def _call_or(node: ast.Call | ast.BoolOp, constants: dict[str, ast.expr], depth: int) -> str | None:
    """`os.getenv("APP", "x")` as its default, `.strip()` of one, and `... or "x"` (the first
    that is not empty), read as `default_string` reads their parts."""
    if isinstance(node, ast.Call) and _dotted(node.func) in _ENVIRONMENT_READS:
        return default_string(node.args[1], constants, depth + 1) if len(node.args) > 1 else None
    if isinstance(node, ast.BoolOp):
        if not isinstance(node.op, ast.Or):
            return None
        for value in node.values:
            text = default_string(value, constants, depth + 1)
            if text is None or text:
                return text
        return ""
    method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    if method not in _TRIMS or node.args or not isinstance(node.func, ast.Attribute):
        return string_of(node, constants, depth)
    text = default_string(node.func.value, constants, depth + 1)
    return None if text is None else str(getattr(text, method)())


def _formatted(
    part: ast.expr,
    constants: dict[str, ast.expr],
    depth: int,
    read: Callable[[ast.expr, dict[str, ast.expr], int], str | None] | None = None,
) -> str | None:
    """One part of an f-string as text: a literal, or `{NAME}` of a known string or number;
    strings read by `read` (`string_of`, or `default_string`)."""
    read = read or string_of
    if not isinstance(part, ast.FormattedValue):
        return read(part, constants, depth)
    if part.conversion != -1 or part.format_spec is not None:
        return None
    text = read(part.value, constants, depth)
    if text is not None:
        return text
    number = number_of(part.value, constants, depth)
    return None if number is None else str(number)


def _arithmetic(node: ast.BinOp, constants: dict[str, ast.expr], depth: int) -> Number | None:
    left = number_of(node.left, constants, depth + 1)
    right = number_of(node.right, constants, depth + 1)
    if left is None or right is None:
        return None
    if right == 0 and isinstance(node.op, ast.Div | ast.FloorDiv):
        return None
    result = _OPERATORS[type(node.op)](left, right)
    return int(result) if float(result).is_integer() else result


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _at(node: ast.AST) -> Located:
    return Located(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)


def module_paths(module: str, folder: str) -> list[str]:
    """Where a module named in a file of `folder` may be: relative to that folder, a folder
    above it or the root, as a module or a package."""
    level = len(module) - len(module.lstrip("."))
    name = module[level:].replace(".", "/")
    if level:
        parts = folder.split("/") if folder else []
        if level - 1 > len(parts):
            return []
        bases = ["/".join(parts[: len(parts) - (level - 1)])]
    else:  # from the file's folder, a folder above it (a source root), or the root; or a
        # `src/` beside one of them (a src layout put on the path)
        bases = folders_up(folder)
        bases += [f"{base}/src" if base else "src" for base in bases]
    paths = []
    for base in bases:
        stem = "/".join(p for p in (base, name) if p)
        if stem:
            paths += [f"{stem}.py", f"{stem}/__init__.py"]
    return paths


def _runs(node: ast.stmt) -> bool:
    """Whether a top-level statement does something when the file is run: `if __name__ ==
    "__main__":`, or a call (`main()`, `asyncio.run(main())`)."""
    if isinstance(node, ast.If):
        return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(node.test))
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call | ast.Await)


def _module_statements(body: list[ast.stmt], *, fallbacks: bool = True) -> Iterator[ast.stmt]:
    """A module's top-level statements, and those of the `if` and `try` blocks among them
    (`if modal:` / `app = modal.App(...)`, `try:` / `import modal`): run when it is imported.
    Without `fallbacks`, not an `except` block's (`APP_NAME = ""` when modal is missing)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _module_statements([*node.body, *node.orelse], fallbacks=fallbacks)
        elif isinstance(node, ast.Try):
            handlers = [s for h in node.handlers for s in h.body] if fallbacks else []
            inner = [*node.body, *handlers, *node.orelse, *node.finalbody]
            yield from _module_statements(inner, fallbacks=fallbacks)
        else:
            yield node


def _inner_names(node: ast.Dict) -> dict[int, str]:
    """The maps inside a map, each named by its key (`"runpod": {...}`), as in TypeScript."""
    return {
        id(value): key.value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(value, ast.Dict)
        and isinstance(key, ast.Constant)
        and isinstance(key.value, str)
    }


def _bound(node: ast.stmt) -> list[str]:
    """The names a top-level statement binds: a def, a class, an assignment, an import."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    return []


def module_header(source: SourceFile) -> str:
    """A Python file's header, its leading comments and module docstring (where a module says
    how it is deployed), everything after it blanked to spaces (lines and columns kept).
    Comments further down describe the code, often with example commands: not docs."""
    facts = python_facts(source)
    docstrings = facts.docstrings if facts is not None else []
    lines = source.text.split("\n")
    kept, header = [], True
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        in_docstring = bool(docstrings) and docstrings[0][0] <= number <= docstrings[0][1]
        header = header and (not stripped or stripped.startswith("#") or in_docstring)
        kept.append(line if header else " " * len(line))
    return "\n".join(kept)


def python_docs(source: SourceFile) -> str:
    """A Python file's docs: its header (`module_header`) and every docstring, where a
    function tells how to run it (`Run with: modal run x.py::test_image`); comments further
    down, which describe the code, blanked with it (lines and columns kept)."""
    facts = python_facts(source)
    docstrings = _kept_lines(source, facts.docstrings if facts is not None else [])
    header = module_header(source).split("\n")
    return "\n".join(h if h.strip() else d for h, d in zip(header, docstrings, strict=True))


def python_prose(source: SourceFile) -> str:
    """A Python file's prose: its comments and docstrings (where a module says how it is
    deployed or run), the code blanked to spaces (lines and columns kept)."""
    facts = python_facts(source)
    kept = _kept_lines(source, facts.docstrings if facts is not None else [])
    try:
        for token in tokenize.generate_tokens(io.StringIO(source.text).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                line = kept[row - 1]
                kept[row - 1] = line[:col] + token.string + line[col + len(token.string) :]
    except (tokenize.TokenError, SyntaxError):
        pass  # what was read so far stands
    return "\n".join(kept)


def _decorator_name(func: ast.expr) -> str:
    """The decorator a decorator expression names: `modal.asgi_app` -> `asgi_app`; of a
    fallback across Modal's versions, `getattr(modal, "fastapi_endpoint", None) or
    getattr(modal, "web_endpoint")`, the first that is a web decorator."""
    if isinstance(func, ast.BoolOp):
        for operand in func.values:
            if (
                isinstance(operand, ast.Call)
                and _dotted(operand.func) == "getattr"
                and len(operand.args) >= 2
                and isinstance(operand.args[1], ast.Constant)
                and operand.args[1].value in WEB_DECORATORS
            ):
                return str(operand.args[1].value)
        return ""
    return _dotted(func).rsplit(".", 1)[-1]


def _assigned(body: list[ast.stmt], name: str) -> ast.expr | None:
    """The first string or f-string `body` assigns to `name` (`url = "https://..."`)."""
    for statement in body:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
                and isinstance(node.value, ast.Constant | ast.JoinedStr)
            ):
                return node.value
    return None


def python_messages(source: SourceFile) -> str:
    """The lines of the strings a Python file prints for its reader, the rest blanked to
    spaces (lines and columns kept)."""
    facts = python_facts(source)
    return "\n".join(_kept_lines(source, facts.printed if facts is not None else []))


def _kept_lines(source: SourceFile, spans: list[tuple[int, int]]) -> list[str]:
    """The file's lines, those outside `spans` (first and last line) blanked to spaces."""
    lines = source.text.split("\n")
    kept = [" " * len(line) for line in lines]
    for start, end in spans:
        for number in range(start, min(end, len(lines)) + 1):
            kept[number - 1] = lines[number - 1]
    return kept


# An App declared with its name written out: `modal.App("lift-sys")`, `Stub(name="x")`.
DECLARED_APP = re.compile(r"\b(?:App|Stub)\([ \t]*(?:name[ \t]*=[ \t]*)?[\"']([\w.-]{1,64})[\"']")


def defines_modal_app(text: str) -> bool:
    """Whether a Python text defines a Modal app, told without parsing it: it imports modal
    and calls `App(` (`modal.App(...)`, or `App` imported from modal) or `Stub(`, as Modal
    0.x named it."""
    return ("App(" in text or "Stub(" in text) and ("import modal" in text or "from modal" in text)
