"""FL006 app-definition: Modal app files and the registry disagree.

What it does
    Every registry app must have its entry file (`dir/entry`), whose `modal.App("...")` name
    (an f-string, `f"{env}-server"`, when the registry's name is one of its values),
    web class and method (hence URL label; a registry `label` that is Modal's shortened form
    of a label too long for its host needs no `label=`) and FastAPI routes equal the
    registry's. A Modal
    app file where the fleet's apps live (a registry app's folder, or a folder such as `apps/`
    whose app folders are mostly registry apps) must be a registry app; Modal apps elsewhere
    (examples, generated apps, utilities) are outside the fleet, and so is an app that
    `modal run` starts through its local entrypoint (no web endpoint, no schedule), but no
    file anywhere may
    deploy a registry app's name but its own (deploying the copy replaces the app). A route
    the registry does not list, or a registry endpoint no route serves, is a finding; routes
    are found in the entry file and the repository modules it imports. A function the
    registry lists must be decorated there, unless one of those files binds its name to
    what a call returns (a factory that applies `app.cls` itself). fleet deploys an app from
    the repository root: its image may not add a local file by a path relative to another
    folder (`add_local_file("lib.py")` beside the entry file), which Modal reads from there.

Why is this bad?
    The registry promises URLs; the app file decides them. A renamed class changes the label
    and every URL with it; a route added without a registry entry is never smoke-tested; an
    app file nobody registered is never deployed by CI.

Example
    app = modal.App("ryla-flux-v2")          # registry: ryla-flux

Use instead
    app = modal.App("ryla-flux")
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.registry import modal_names
from tools.drift_check.extract.python import python_facts
from tools.drift_check.findings import Finding
from tools.drift_check.index import STANDARD_PATHS

if TYPE_CHECKING:
    from tools.core.registry.model import App, WebFunction
    from tools.drift_check.extract.python import PythonFacts
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


class AppDefinition:
    code = "FL006"
    name = "app-definition"
    summary = "A Modal app file and its registry entry disagree (name, web class, routes)."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for app in project.registry.apps.values():
            yield from self._registered(project, app)
        yield from self._unregistered(project)

    def _finding(self, path: str, line: int, col: int, message: str, hint: str = "") -> Finding:
        return Finding(self.code, path, line, col, message, hint)

    def _registered(self, project: Project, app: App) -> Iterator[Finding]:
        source = project.file(app.entry_path)
        facts = python_facts(source) if source is not None else None
        if facts is None:
            what = "does not exist" if source is None else "does not parse"
            line = project.registry_line("apps", app.key, "dir")
            yield self._finding(
                project.registry_path,
                line,
                1,
                f"apps.{app.key}: {app.entry_path} {what}",
                "restore the app file, or remove the app from the registry",
            )
            return
        yield from self._app_name(project, app)
        misplaced = project.misplaced(app.entry_path, ".")
        if misplaced is not None:
            local, base = misplaced
            yield self._finding(
                app.entry_path,
                *source.position(local.offset),
                f"fleet deploys {app.name} from the repository root (modal deploy "
                f"{app.deploy_target}), where the image's {local.call}({local.path!r}) names no "
                "file: Modal reads an image's relative local paths from the folder it runs in",
                f"build the path from __file__ (it is {posixpath.join(base, local.path)} from "
                f"{base}/)",
            )
        for web in app.webs:
            yield from self._web_function(project, app, web)
        if app.webs:
            yield from self._routes(project, app)
        for name in app.functions:
            if project.decorator(app, name) is None and not _made(project, app, name):
                yield self._finding(
                    app.entry_path,
                    1,
                    1,
                    f"no @app.function or @app.cls {name!r}: the registry lists it in "
                    f"apps.{app.key}.functions",
                )

    def _app_name(self, project: Project, app: App) -> Iterator[Finding]:
        found = project.deployed_app(app)
        if found is None:
            yield self._finding(
                app.entry_path,
                1,
                1,
                f"no modal.App(...) in {app.entry_path}, nor imported by it as "
                f"{app.entry_variable or 'app'}",
            )
            return
        path, modal_app = found
        facts = project.python(path)
        name = project.app_name(path, facts, modal_app) if facts is not None else None
        # `f"{env}-server"` and the registry's `prod-server`: one of its values
        template = modal_app.name is not None and _fills(modal_app.name.text, app.name)
        # `modal.App(config.name)` after `Config(name="runner")`: an expression this reading
        # cannot follow, beside the registry's name written out.
        written = modal_app.name is not None and name is None and _quoted(project, path, app.name)
        if name != app.name and not template and not written:
            shown = modal_app.name.text if modal_app.name else "no name"
            yield self._finding(
                path,
                modal_app.at.line,
                modal_app.at.col,
                f"modal.App({shown}): the registry names this app {app.name!r}",
                f'write modal.App("{app.name}") as a literal',
            )

    def _web_function(self, project: Project, app: App, web: WebFunction) -> Iterator[Finding]:
        target = web.target
        found = project.decorator(app, target)
        if found is None:
            yield self._finding(
                app.entry_path,
                1,
                1,
                f"no @app.{'cls' if web.cls else 'function'} {target!r}: the registry's web "
                f"function, whose name forms the label {web.url_label}",
            )
            return
        path, decorator = found
        method = web.callable
        if method not in decorator.web:
            yield self._finding(
                path,
                decorator.at.line,
                decorator.at.col,
                f"{target}.{method} is not a web endpoint (@modal.asgi_app() and the like); the "
                f"registry's URL label {web.url_label} needs it",
            )
            return
        label = decorator.web[method].get("label")
        if label is None and web.label is not None and not _shortened(project, app, web):
            yield self._finding(
                path,
                decorator.at.line,
                decorator.at.col,
                f"{target}.{method} sets no label=, so Modal gives it its own label, not the "
                f"registry's {web.label}",
                f'write label="{web.label}" on its web decorator',
            )
        elif label is not None and label.string != web.label:
            yield self._finding(
                path,
                label.at.line,
                label.at.col,
                f"label={label.text} makes the URL label differ from the registry's "
                f"{web.url_label}",
            )

    def _routes(self, project: Project, app: App) -> Iterator[Finding]:
        served: dict[str, tuple[str, int, int]] = {}
        # What Modal runs: the entry file and the modules it imports. Other files of the
        # folder may be servers of their own (a local dummy, a vendored app run by Docker).
        files = project.app_files(app)
        mounted = project.mounted_routers(files)
        for path in files:
            facts = project.python(path)
            known = {*facts.defined, *facts.imports} if facts else set()
            for route in facts.routes if facts else []:
                if route.router and route.router.split(".")[0] not in known:
                    continue  # declared on a name the module never binds: it serves nothing
                full = mounted.get((path, route.router), "") + route.path
                served.setdefault(full.rstrip("/") or "/", (path, route.at.line, route.at.col))
        # A route is reported where the app's own files declare it: another folder's module
        # may serve other apps too.
        served_here = {p: at for p, at in served.items() if _declared_by(app, at[0])}
        for path, (file, line, col) in served_here.items():
            if app.serving(path) or path in STANDARD_PATHS:
                continue
            if any(other.serving(path) for other in _sharing(project, app, file)):
                continue  # a module two apps import: the route is the other app's
            yield self._finding(
                file,
                line,
                col,
                f"route {path} is not an endpoint of {app.name} in the registry",
                "add it to the registry (with its timeouts and smoke request) or remove it",
            )
        # `/` of an app with several web functions, or of a `@modal.fastapi_endpoint`: such a
        # function has no route (the FastAPI apps of modules it imports serve others).
        several = len(app.webs) > 1
        missing = [
            e
            for e in app.served
            if e.path not in served
            and not (e.path == "/" and (several or project.endpoint_function(app, e.web)))
        ]
        if served and missing:
            paths = ", ".join(dict.fromkeys(e.path for e in missing))
            line = project.registry_line(*app.endpoint_loc(missing[0]))
            yield self._finding(
                project.registry_path,
                line,
                1,
                f"{paths}: no route in {app.entry_path if app.at_root else app.dir} serves "
                f"{'it' if len(missing) == 1 else 'them'}",
                "add the route, or remove the endpoint from the registry",
            )

    def _unregistered(self, project: Project) -> Iterator[Finding]:
        retired = {app.name for app in project.registry.retired.apps}
        entries = set(project.index.app_by_entry)
        # A module an entry imports its App from (`from .common import app`) deploys nothing
        # of its own.
        entries |= {
            found[0]
            for app in project.registry.apps.values()
            if (found := project.deployed_app(app)) is not None
        }
        by_name = project.index.app_by_name
        # A file of several Apps, each a registry app's by its variable (`file.py::app_a`;
        # validation has every app of such a file name one): the variables claimed; its other
        # Apps are outside the registry.
        claimed: dict[str, set[str]] = {}
        for app in project.registry.apps.values():
            if app.entry_variable is not None:
                claimed.setdefault(app.entry_path, set()).add(app.entry_variable)
        for source in project.scanned("py"):
            if "App(" not in source.text or (source.path in entries and source.path not in claimed):
                continue
            # Parsed only where it can matter: the fleet's folders, or a file that names a
            # registry app (a copy that deploys its name).
            named = any(name in source.text for name in by_name)
            if not named and not project.in_fleet_area(source.path):
                continue
            facts = python_facts(source)
            mine = claimed.get(source.path, set())  # the registry apps', checked as entries
            for modal_app in [a for a in facts.apps if a.variable not in mine] if facts else []:
                name = modal_app.name.string if modal_app.name else None
                if name in by_name and _set_aside(source.path):
                    continue  # `reference/`, `vendor/`: a copy kept as it was, not deployed
                if name in by_name and _mirror(project, by_name[name], source):
                    continue  # a copy as it is (a bundle for another platform): the same app
                if name in by_name:  # a second file that deploys a registry app's name
                    yield self._finding(
                        source.path,
                        modal_app.at.line,
                        modal_app.at.col,
                        f"Modal app {name!r} is {by_name[name].entry_path}'s: deploying this "
                        "file replaces that app",
                        "give this app its own name, or delete the copy",
                    )
                    continue
                if name is None or name in retired:
                    continue  # retired names are FL003's
                if not project.in_fleet_area(source.path):
                    continue  # an example, a generated app, a utility: outside the fleet
                if facts is not None and _run_only(facts):
                    continue  # started by `modal run` as it is needed, never deployed
                yield self._finding(
                    source.path,
                    modal_app.at.line,
                    modal_app.at.col,
                    f"Modal app {name!r} is not in the registry: CI will never deploy it",
                    f"add it to {project.registry_path}, or delete the file",
                )


def _mirror(project: Project, app: App, source: SourceFile) -> bool:
    """Whether a file is the app's entry file as it is, under the same name elsewhere (a
    bundle for another platform): deploying it deploys the same app. A copy under another
    name is a new file on its way to becoming another app."""
    entry = project.file(app.entry_path)
    same_name = posixpath.basename(source.path) == posixpath.basename(app.entry_path)
    return entry is not None and same_name and entry.text == source.text


def _quoted(project: Project, path: str, name: str) -> bool:
    """Whether the file at `path` writes `name` as a string literal."""
    source = project.file(path)
    return source is not None and (f'"{name}"' in source.text or f"'{name}'" in source.text)


def _run_only(facts: PythonFacts) -> bool:
    """Whether a file's app is one `modal run` starts for a while (a harness, a one-off job):
    it has a local entrypoint, and no web endpoint or schedule that only a deploy serves."""
    serves = any(d.web or "schedule" in d.keywords for d in facts.decorators)
    return bool(facts.entrypoints) and not serves


# Folders whose code is kept as it was, not deployed from there.
_ASIDE = frozenset({"reference", "references", "vendor", "vendored", "third_party", "3rdparty"})


def _set_aside(path: str) -> bool:
    """Whether a file is in a folder kept aside by its name (`reference/`, `vendor/`)."""
    return any(part.lower() in _ASIDE for part in path.split("/")[:-1])


def _sharing(project: Project, app: App, file: str) -> list[App]:
    """The other registry apps whose code includes `file` (a server module both mount)."""
    return [
        other
        for other in project.registry.apps.values()
        if other is not app and file in project.app_files(other)
    ]


def _declared_by(app: App, path: str) -> bool:
    """Whether a route in `path` is the app's own: in its folder, or, for an app at the
    root, in a file at the root."""
    return "/" not in path if app.at_root else app.owns(path)


def _shortened(project: Project, app: App, web: WebFunction) -> bool:
    """Whether the registry's label is the one Modal gives a web function whose own label is
    too long for its host: cut short, with a hash."""
    parts = (web.function,) if web.function is not None else (web.cls or "", web.method or "")
    derived = modal_names.default_label(app.name, *parts)
    label = web.label or ""
    return any(modal_names.truncates(label, derived, s) for s in project.index.sources_of(app))


_FIELD = re.compile(r"\{[^{}]{0,256}\}")


def _fills(written: str, name: str) -> bool:
    """Whether `name` is what an f-string App name (`f"{env}-server"`) gives for some value of
    its fields: the registry records one deployment's name."""
    if not written.startswith(("f", "F")) or len(written) < 3:
        return False
    template = written[1:].strip("\"'")
    parts = _FIELD.split(template)
    if len(parts) < 2:
        return False
    pattern = "(?:.+)".join(re.escape(part) for part in parts)
    return re.fullmatch(pattern, name) is not None


def _made(project: Project, app: App, name: str) -> bool:
    """Whether one of the app's files binds `name` at its top level to what a call returns
    (`VllmContainer_Phi2 = _make_container(...)`, a factory that applies `app.cls` itself):
    a function or class no decorator shows, which the check cannot tell is missing."""
    for path in project.app_files(app):
        facts = project.python(path)
        if facts is not None and name in facts.calls:
            return True
    return False
