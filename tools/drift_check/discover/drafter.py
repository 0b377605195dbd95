"""The draft: one app per app file, with the client timeouts of the maps that name them."""

from __future__ import annotations

import ast
import math
import posixpath
from pathlib import Path

from tools.core.config import ProjectConfig
from tools.core.globs import GlobSet
from tools.core.paths import ROOT
from tools.core.registry import modal_names
from tools.drift_check.discover.client_timeouts import client_timeouts
from tools.drift_check.discover.draft import (
    Draft,
    DraftApp,
    DraftFunction,
    DraftWeb,
    Noted,
    guess,
    seconds_of,
)
from tools.drift_check.discover.endpoints import Served, draft_endpoint
from tools.drift_check.discover.route_sites import Route, registry_path
from tools.drift_check.discover.routes import Routes
from tools.drift_check.discover.sites import (
    AppDefinition,
    ModalSite,
    WebEntry,
    app_definitions,
    included_apps,
    modal_sites,
)
from tools.drift_check.discover.sources import Module, Resolved, Sources
from tools.drift_check.discover.syntax import dotted_name, excerpt, expression, keyword
from tools.drift_check.discover.url_settings import url_settings
from tools.drift_check.extract.base import Value
from tools.drift_check.extract.python import (
    ModalDecorator,
)
from tools.drift_check.files import DEFAULT_EXCLUDE, Listing, candidates

GUESSED_WORKSPACE = "my-workspace"
SYNTAX_ERROR = "syntax error"
_NOT_A_CONSTANT_NAME = "is not a name the code always has"
_NOT_A_REGISTRY_PATH = "is not '/', lower-case segments or {parameters}"
_READ_PROBLEMS = {"huge": "over 1 MiB"}  # why `TextFiles` skipped a file, as a summary says it
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
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "WEBSOCKET"})


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
    client_timeouts(sources, paths, apps, config)
    url_settings(sources, paths, apps)
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


class _Drafter:
    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.skipped: dict[str, str] = {}

    def apps(self) -> list[DraftApp]:
        defined: dict[str, tuple[Module, list[AppDefinition]]] = {}
        for path in sorted(self.sources.python, key=_folder_then_file):
            source = self.sources.files.get(path)
            if source is None or ("App(" not in source.text and "Stub(" not in source.text):
                continue
            module = self.sources.module(path)
            definitions = app_definitions(module.tree) if module is not None else []
            if module is not None and definitions:
                defined[path] = (module, definitions)
        attached = self._attached(defined)
        drafted, absorbed = [], set()
        for path, (module, definitions) in defined.items():
            if path in absorbed:
                continue
            variables = {d.variable for d in definitions}
            chosen = next(
                (d for name in ("app", "stub") for d in definitions if d.variable == name),
                definitions[0],
            )
            # The App `modal deploy FILE` takes, then each other App of the file with
            # functions of its own (`modal deploy FILE::app_gpu1`), with those it includes.
            here: list[tuple[DraftApp, str]] = []
            covered: set[str] = set()
            for definition in [chosen, *(d for d in definitions if d is not chosen)]:
                if definition.variable in covered:
                    continue
                group = included_apps(module.tree, definition.variable, variables)
                covered |= group
                if definition is not chosen and not modal_sites(module.tree, group):
                    continue  # an App with nothing on it
                own = (module, group)
                entry, parts = self._entry(own, attached.get((path, definition.variable), []))
                absorbed |= {part.path for part, _ in parts}
                app = self._app(entry, (module, definition), parts)
                here.append((app, definition.variable if entry is module else ""))
            for app, variable in here if len(here) > 1 else ():
                app.entry += f"::{variable}" if variable else ""
            drafted += [app for app, _ in here]
        _name_keys(drafted)
        return drafted

    def _attached(
        self, defined: dict[str, tuple[Module, list[AppDefinition]]]
    ) -> dict[tuple[str, str], list[tuple[Module, set[str]]]]:
        """The other modules that import an app defined elsewhere and decorate it
        (`from .common import app` and `@app.function`), by (defining file, variable)."""
        found: dict[tuple[str, str], list[tuple[Module, set[str]]]] = {}
        apps = {(path, d.variable) for path, (_, ds) in defined.items() for d in ds}
        for path in sorted(self.sources.python):
            source = self.sources.files.get(path)
            text = source.text if source is not None else ""
            if "import" not in text or (".function" not in text and ".cls" not in text):
                continue
            module = self.sources.module(path)
            for variable, imported in module.names.items() if module is not None else []:
                decorates = imported in apps and imported[0] != path
                if decorates and modal_sites(module.tree, {variable}):
                    found.setdefault(imported, []).append((module, {variable}))
        return found

    def _entry(
        self, own: tuple[Module, set[str]], attached: list[tuple[Module, set[str]]]
    ) -> tuple[Module, list[tuple[Module, set[str]]]]:
        """The file `modal deploy` takes for an app spread over modules, and the parts it
        deploys: of the defining module and those that decorate its app, the one whose
        imports reach most of the others (`app.py` importing `moshi.py`, both decorating the
        App of `common.py`) where the defining module decorates nothing itself; each part with
        the app variables it decorates."""
        candidates = [own, *attached]
        if len(candidates) == 1:
            return own[0], candidates
        paths = {module.path for module, _ in candidates}

        def reach(module: Module) -> set[str]:
            return {m.path for m in self.sources.followed(module)} & paths

        module, variables = own
        if modal_sites(module.tree, variables):  # a whole app: `modal run` tools extend it
            entry = module
        else:
            entry = max(candidates, key=lambda c: len(reach(c[0])))[0]
        reached = reach(entry)
        return entry, [c for c in candidates if c[0].path in reached]

    def _app(
        self,
        entry: Module,
        named: tuple[Module, AppDefinition],
        parts: list[tuple[Module, set[str]]],
    ) -> DraftApp:
        """The app `modal deploy ENTRY` deploys: named where it is defined, with the
        functions and classes each part decorates on it."""
        folder, _, file = entry.path.rpartition("/")
        folder = folder or ROOT  # an app file at the root: the app owns that file
        app = DraftApp("", self._name(*named), folder, file)
        app.secrets = self._named_in(parts, app, "Secret")
        app.volumes = self._named_in(parts, app, "Volume")
        sites = [
            (module, site)
            for module, variables in parts
            for site in modal_sites(module.tree, variables)
            if site.app in variables
        ]
        # Every web entry point, each at a URL of its own; the one describing most first.
        entries = sorted(
            ((module, site, web) for module, site in sites for web in site.web),
            key=lambda e: _WEB_PREFERENCE[e[2].decorator],
        )
        app.webs = [
            self._web(
                module,
                app,
                site,
                entry_point,
                [(m.path, e.body) for m, _, e in entries if e is not entry_point],
            )
            for module, site, entry_point in entries
        ]
        serving = {web.target for web in app.webs}
        for module, other_site in sites:
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
        node = keyword(definition.call, "name", position=0)
        name = self.sources.resolve(module, node) if node is not None else None
        if isinstance(name, str) and modal_names.is_valid_app_name(name):
            return Noted(name)
        folder, stem = posixpath.split(module.path.removesuffix(".py"))
        base = posixpath.basename(folder) if stem in _GENERIC_STEMS and folder else stem
        named = "".join(c if c.isalnum() or c in "._-" else "-" for c in base)[:64] or "app"
        written = f"modal.App({excerpt(node, module.text)})" if node is not None else "modal.App()"
        why = "is not a valid Modal app name" if isinstance(name, str) else _NOT_A_CONSTANT_NAME
        return guess(named, f"{written} {why}: named after the file")

    def _named_in(
        self, parts: list[tuple[Module, set[str]]], app: DraftApp, kind: str
    ) -> list[str]:
        found = [name for module, _ in parts for name in self._named(module, app, kind)]
        return list(dict.fromkeys(found))

    def _named(self, module: Module, app: DraftApp, kind: str) -> list[str]:
        """The secrets or volumes the app file names, in order of first use."""
        found: list[str] = []
        for named in (n for n in module.facts.named_objects if n.kind == kind):
            name = self.sources.value(module, named.name)
            if not isinstance(name, str):
                shown = f"modal.{kind}.from_name({excerpt(named.name.text)})"
                app.notes.append(guess(None, f"{shown} is not a constant: add its name"))
            elif name not in found:
                found.append(name)
        return found

    def _web(
        self,
        module: Module,
        app: DraftApp,
        site: ModalSite,
        entry: WebEntry,
        others: list[tuple[str, range]],
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
        label = keyword(entry.call, "label")
        resolved = self.sources.resolve(module, label) if label is not None else None
        if isinstance(resolved, str):
            web.label = resolved
        elif label is not None:
            notes.append(
                f"label={excerpt(label, module.text)} is not a constant: the derived label is used"
            )
        proxy_auth = keyword(entry.call, "requires_proxy_auth")
        if isinstance(proxy_auth, ast.Constant):
            web.requires_proxy_auth = proxy_auth.value is True
        elif proxy_auth is not None:
            notes.append(
                f"requires_proxy_auth={excerpt(proxy_auth, module.text)} is not a constant: false"
            )
        derived = web.derived_label(str(app.name.value))
        if notes:
            web.note = guess(None, "; ".join(notes))
        elif web.label is None and len(derived) > modal_names.MAX_LABEL_LENGTH:
            why = f"review: the label {derived} is over {modal_names.MAX_LABEL_LENGTH} characters"
            web.note = Noted(None, f"{why}: set label")
        names = [entry.member, site.target, str(app.name.value), app.entry.removesuffix(".py")]
        self._endpoints(module, app, web, entry, Served(names, others))
        return web

    def _endpoints(
        self, module: Module, app: DraftApp, web: DraftWeb, entry: WebEntry, served: Served
    ) -> None:
        timeout_s = seconds_of(web.timeout_s)
        root = Noted("/")
        if entry.decorator in ("fastapi_endpoint", "web_endpoint"):
            node = keyword(entry.call, "method")
            given = self.sources.resolve(module, node) if node is not None else "GET"
            method = Noted(given.upper()) if isinstance(given, str) else Noted("")
            if method.value not in _HTTP_METHODS:
                method = guess(
                    "POST",
                    f"method={excerpt(node or '', module.text)} is not one the registry knows",
                )
            web.endpoints.append(draft_endpoint(root, method, served, timeout_s))
            return
        if entry.decorator in ("asgi_app", "wsgi_app"):
            self._routes(module, app, web, served)
            if web.endpoints:
                return
            root = guess("/", f"no route of the @modal.{entry.decorator} could be described")
        else:
            port = keyword(entry.call, "port", position=0)
            number = self.sources.resolve(module, port) if port is not None else None
            written = excerpt(port, module.text) if port else "?"
            shown = str(number) if number is not None else written
            root = guess("/", f"a web server on port {shown}: its routes are not in the code")
        web.endpoints.append(draft_endpoint(root, Noted("POST"), served, timeout_s))

    def _routes(self, module: Module, app: DraftApp, web: DraftWeb, served: Served) -> None:
        """One endpoint per path the web function serves: the POST where a path has several
        methods. A route declared in another web function's body is that one's; others (at
        module level, in imported modules) are every ASGI or WSGI web function's. What is left
        out is the app's comment, naming the web function when there are several."""
        whose = f"{web.shown}: " if served.several else ""
        kept: dict[str, tuple[Route, Noted]] = {}
        passed_over: list[tuple[str, str]] = []  # (method, path)
        for route in Routes(self.sources, module).routes():
            if route.method not in _HTTP_METHODS:
                continue
            if any(route.file == f and route.line in lines for f, lines in served.others):
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
        timeout_s = seconds_of(web.timeout_s)
        for route, noted in kept.values():
            method = Noted(route.method)
            handled = served._replace(names=[route.handler, *served.names])
            web.endpoints.append(draft_endpoint(noted, method, handled, timeout_s))

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
        code = f"gpu={excerpt(value.text)}"
        if written is not None:
            return guess(written, f"{code} is not a constant; it names {written}")
        return guess(None, f"{code} is not a constant: add gpu: if it asks for one")

    def _gpu_object(self, module: Module, value: Value) -> list[str] | None:
        """`modal.gpu.A100(count=2, size="80GB")`, Modal's older spelling, as `A100-80GB:2`."""
        node = expression(value.text)
        if not isinstance(node, ast.Call):
            return None
        head, _, gpu_type = dotted_name(node.func).rpartition(".")
        if head.rsplit(".", 1)[-1] != "gpu" or not gpu_type:
            return None
        count_node, size_node = keyword(node, "count"), keyword(node, "size")
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
            why = f"timeout={excerpt(value.text)} is not a constant: Modal's default"
            return guess(modal_names.DEFAULT_TIMEOUT_S, why)
        whole = math.ceil(seconds)
        if modal_names.MIN_TIMEOUT_S <= whole <= modal_names.MAX_TIMEOUT_S:
            return Noted(whole)
        bounded = min(max(whole, modal_names.MIN_TIMEOUT_S), modal_names.MAX_TIMEOUT_S)
        return guess(bounded, f"timeout={excerpt(value.text)} is outside Modal's 1..86400 s")


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
    node = expression(text)
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
        if app.name.value in owners:
            app.copy_of = owners[app.name.value]
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
