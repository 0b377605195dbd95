"""FL012 modal-resources: an app's GPU, proxy auth, secrets or volumes differ from the registry.

What it does
    Reads, statically, the `gpu=` of the `@app.cls(...)` or `@app.function(...)` that serves
    each registry app (a string, a module constant, an f-string of those, or a list of them
    for fallbacks; the app is never imported), the `requires_proxy_auth=` of its web
    decorator (`@modal.asgi_app(...)` and the like), and the names of every
    `modal.Secret.from_name(...)` and `modal.Volume.from_name(...)` in the app file (literals,
    constants, or constants of a module it imports, such as `deploy.HF_SECRET`). Reports a
    GPU list that differs from the registry's `gpu` (types compared as Modal reads them,
    upper case, `:1` implied; order matters, it is the fallback order), a proxy auth setting
    that differs from `web.requires_proxy_auth`, a secret or volume the app uses that the
    registry's `secrets`/`volumes` do not list (or the reverse), and any of them when it
    cannot be resolved. FL001 checks `timeout=`.

Why is this bad?
    The registry is what reviews, policies (allowed GPUs) and cost reports read; the app file
    is what Modal runs. A GPU changed in `app.py` alone passes every review of the registry.
    A web function behind proxy auth answers 401 to every client that does not send the
    `Modal-Key` and `Modal-Secret` headers the registry told it not to send. A deploy checks
    the registry's secrets and volumes before it starts: one the registry does not list fails
    inside `modal deploy` instead, after other apps have deployed.

Example
    @app.cls(gpu="A10G", timeout=300)      # registry: gpu: H100
    class ComfyUI: ...

Use instead
    @app.cls(gpu="H100", timeout=300)      # or change the registry, where it is reviewed
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from tools.core.registry.modal_names import legacy_gpu, parse_gpu
from tools.drift_check.extract.python import PythonFacts
from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.core.registry.model import App, WebFunction
    from tools.drift_check.extract.base import Located, Value
    from tools.drift_check.extract.python import ModalDecorator
    from tools.drift_check.project import Project


class ModalResources:
    code = "FL012"
    name = "modal-resources"
    summary = "An app's gpu=, requires_proxy_auth=, secrets or volumes differ from the registry."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for app in project.registry.apps.values():
            facts = project.python(app.entry_path)
            if facts is None:
                continue

            def resolve(value: Value, facts: PythonFacts = facts, app: App = app) -> str | None:
                found = _resolved(project, facts, value)
                return found if found is not None else _legacy_gpu(project, app, facts, value)

            # FL006 reports a missing web function.
            decorators = dict((web.target, d) for web, d in project.web_decorators(app))
            for web, decorator in project.web_decorators(app):
                field = app.web_field(web, "gpu")
                owner = app.name if len(app.webs) == 1 else f"{app.name}.{web.target}"
                yield from self._gpu(app, decorator, web.gpus, (field, owner), resolve)
            for web in app.webs:
                if web.target in decorators:
                    yield from self._proxy_auth(app, web, decorators[web.target])
            for name, function in app.functions.items():
                found = facts.decorator(name)
                if found is not None:
                    gpus = [function.gpu] if isinstance(function.gpu, str) else function.gpu
                    where = (f"functions.{name}.gpu", f"{app.name}.{name}")
                    yield from self._gpu(app, found, list(gpus or []), where, resolve)
            yield from self._named(project, app, facts)

    def _in_app(self, app: App, at: Located, message: str, hint: str) -> Finding:
        return Finding(self.code, app.entry_path, at.line, at.col, message, hint)

    def _gpu(
        self,
        app: App,
        decorator: ModalDecorator,
        wanted: list[str],
        where: tuple[str, str],
        resolve: Callable[[Value], str | None],
    ) -> Iterator[Finding]:
        """`where`: the registry field under the app, and the owner's name as said."""
        value = decorator.keywords.get("gpu")
        written = " or ".join(wanted) or "no GPU"
        field, owner = where
        hint = f"set gpu to {_python(wanted)} (registry: apps.{app.key}.{field})"
        if not wanted:
            hint = f"remove gpu=, or set it in the registry (apps.{app.key}.{field})"
        at = value.at if value is not None else decorator.at
        if value is None:
            if wanted:
                yield self._in_app(
                    app,
                    at,
                    f"{owner}: no gpu= (a CPU container) but the registry says {written}",
                    hint,
                )
            return
        specs = _strings(value, resolve)
        if specs is None:
            yield self._in_app(
                app,
                at,
                f"gpu={value.text} cannot be resolved statically; the registry says {written}",
                "use a string, a module constant, or a list of them",
            )
            return
        if _normal(specs) != _normal(wanted):
            yield self._in_app(
                app,
                at,
                f"{owner}: gpu={value.text} but the registry says {written}",
                hint,
            )

    def _proxy_auth(
        self, app: App, web: WebFunction, decorator: ModalDecorator
    ) -> Iterator[Finding]:
        method = web.callable
        keywords = decorator.web.get(method)
        if keywords is None:  # FL006: not a web endpoint
            return
        value = keywords.get("requires_proxy_auth")
        wanted = web.requires_proxy_auth
        if value is not None and value.text not in ("True", "False"):
            yield self._in_app(
                app,
                value.at,
                f"requires_proxy_auth={value.text} cannot be resolved statically; the registry "
                f"says {wanted}",
                "write True or False",
            )
            return
        actual = value is not None and value.text == "True"
        if actual != wanted:
            at = value.at if value is not None else decorator.at
            said = f"requires_proxy_auth={value.text}" if value else "no requires_proxy_auth="
            yield self._in_app(
                app,
                at,
                f"{app.name}.{method}: {said} but the registry says requires_proxy_auth: "
                f"{str(wanted).lower()}",
                f"make them agree (registry: apps.{app.key}."
                f"{app.web_field(web, 'requires_proxy_auth')})",
            )

    def _named(self, project: Project, app: App, facts: PythonFacts) -> Iterator[Finding]:
        for kind, listed in (("Secret", app.secrets), ("Volume", app.volumes)):
            field = f"{kind.lower()}s"
            used: set[str] | None = set()
            for named in (n for n in facts.named_objects if n.kind == kind):
                name = _resolved(project, facts, named.name)
                at = named.name.at
                if name is None:
                    yield self._in_app(
                        app,
                        at,
                        f"{kind}.from_name({named.name.text}) cannot be resolved statically; "
                        f"the registry's {field}: {', '.join(listed) or 'none'}",
                        "use a string, a module constant, or a constant of an imported module",
                    )
                    used = None  # what it uses is not known: nothing listed is unused
                    continue
                if used is not None:
                    used.add(name)
                if name not in listed:
                    yield self._in_app(
                        app,
                        at,
                        f"{app.name} uses {kind.lower()} {name!r}, which apps.{app.key}.{field} "
                        "does not list: no deploy checks that it exists first",
                        f"add it to apps.{app.key}.{field}",
                    )
            for name in sorted(set(listed) - used) if used is not None else []:
                yield Finding(
                    self.code,
                    project.registry_path,
                    project.registry_line("apps", app.key, field),
                    1,
                    f"apps.{app.key}.{field} lists {name!r}, which {app.entry_path} does not use",
                    f"remove it, or use it in {app.entry_path}",
                )


def _resolved(project: Project, facts: PythonFacts, value: Value) -> str | None:
    """The string a name expression stands for: itself, a constant of this module, or a
    constant of a module it imports (`deploy.HF_SECRET`, or `HF_SECRET` imported by name)."""
    if value.string is not None:
        return value.string
    head, _, attribute = value.text.partition(".")
    module = facts.imports.get(head) if attribute and "." not in attribute else None
    if module is None and value.text in facts.imports:
        module, _, attribute = facts.imports[value.text].rpartition(".")
    if module is None:
        return None
    folder = module.replace(".", "/")
    for path in (f"{folder}.py", f"{folder}/__init__.py"):
        other = project.python(path)
        if other is not None and attribute in other.strings:
            return other.strings[attribute]
    return None


def _legacy_gpu(project: Project, app: App, facts: PythonFacts, value: Value) -> str | None:
    """Modal's older spelling, `modal.gpu.A100(count=2, size="80GB")`, as `A100-80GB:2`;
    the count may be a constant, also one the file imports."""
    import ast

    try:
        node = ast.parse(value.text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    owner = node.func.value
    if (owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")) != "gpu":
        return None
    count, size = 1.0, ""
    for keyword in node.keywords:
        if keyword.arg == "size" and isinstance(keyword.value, ast.Constant):
            size = str(keyword.value.value)
        elif keyword.arg == "count":
            text = ast.get_source_segment(value.text, keyword.value) or ""
            found = project.number(app.entry_path, facts, text)
            if found is None:
                return None
            count = found
    return legacy_gpu(node.func.attr, int(count), size)


def _strings(value: Value, resolve: Callable[[Value], str | None]) -> list[str] | None:
    """The GPU specifications a `gpu=` value names (constants of this module or of modules it
    imports resolved), or None when one is not a known string."""
    if value.items is None:
        single = resolve(value)
        return None if single is None else [single]
    found = [resolve(item) for item in value.items]
    return None if any(spec is None for spec in found) else [s for s in found if s is not None]


def _normal(specs: list[str]) -> list[tuple[str, int]] | None:
    try:
        return [parse_gpu(spec) for spec in specs]
    except ValueError:
        return None


def _python(specs: list[str]) -> str:
    return repr(specs[0]) if len(specs) == 1 else repr(specs)
