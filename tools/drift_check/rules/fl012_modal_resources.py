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
    registry's `secrets`/`volumes` do not list (or the reverse). A value set only when the
    app deploys (read from the environment by a helper, computed) is not compared, and a
    secret or volume whose name is one leaves the registry's list unchecked. FL001 checks
    `timeout=`.

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

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

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
            if project.python(app.entry_path) is None:
                continue  # FL006 reports it
            # FL006 reports a missing web function.
            decorated = list(project.web_decorators(app))
            for web, path, decorator in decorated:
                field = app.web_field(web, "gpu")
                owner = app.name if len(app.webs) == 1 else f"{app.name}.{web.target}"
                gpu = _Gpu(path, decorator, web.gpus, field, owner)
                yield from self._gpu(project, app, gpu)
            by_target = {web.target: (path, decorator) for web, path, decorator in decorated}
            for web in app.webs:
                if web.target in by_target:  # each method's own web decorator
                    yield from self._proxy_auth(app, web, by_target[web.target])
            for name, function in app.functions.items():
                found = project.decorator(app, name)
                if found is not None:
                    gpus = [function.gpu] if isinstance(function.gpu, str) else function.gpu
                    field, owner = f"functions.{name}.gpu", f"{app.name}.{name}"
                    yield from self._gpu(project, app, _Gpu(*found, list(gpus or []), field, owner))
            yield from self._named(project, app)

    def _at(self, path: str, at: Located, message: str, hint: str) -> Finding:
        return Finding(self.code, path, at.line, at.col, message, hint)

    def _gpu(self, project: Project, app: App, gpu: _Gpu) -> Iterator[Finding]:
        path, decorator, wanted, field, owner = gpu
        facts = project.python(path)
        assert facts is not None  # the decorator was read from it

        def resolve(value: Value) -> str | None:
            found = value.string or project.string(path, facts, value.text)
            return found if found is not None else _legacy_gpu(project, path, facts, value)

        value = decorator.keywords.get("gpu")
        written = " or ".join(wanted) or "no GPU"
        hint = f"set gpu to {_python(wanted)} (registry: apps.{app.key}.{field})"
        if not wanted:
            hint = f"remove gpu=, or set it in the registry (apps.{app.key}.{field})"
        at = value.at if value is not None else decorator.at
        if value is None:
            if wanted:
                yield self._at(
                    path,
                    at,
                    f"{owner}: no gpu= (a CPU container) but the registry says {written}",
                    hint,
                )
            return
        specs = _strings(value, resolve)
        if specs is None:
            return  # set when it deploys (`gpu=pick()`): nothing here to compare
        if _normal(specs) != _normal(wanted):
            yield self._at(
                path,
                at,
                f"{owner}: gpu={value.text} but the registry says {written}",
                hint,
            )

    def _proxy_auth(
        self, app: App, web: WebFunction, where: tuple[str, ModalDecorator]
    ) -> Iterator[Finding]:
        path, decorator = where
        method = web.callable
        keywords = decorator.web.get(method)
        if keywords is None:  # FL006: not a web endpoint
            return
        value = keywords.get("requires_proxy_auth")
        wanted = web.requires_proxy_auth
        if value is not None and value.text not in ("True", "False"):
            return  # set when it deploys: nothing here to compare
        actual = value is not None and value.text == "True"
        if actual != wanted:
            at = value.at if value is not None else decorator.at
            said = f"requires_proxy_auth={value.text}" if value else "no requires_proxy_auth="
            yield self._at(
                path,
                at,
                f"{app.name}.{method}: {said} but the registry says requires_proxy_auth: "
                f"{str(wanted).lower()}",
                f"make them agree (registry: apps.{app.key}."
                f"{app.web_field(web, 'requires_proxy_auth')})",
            )

    def _named(self, project: Project, app: App) -> Iterator[Finding]:
        objects = list(project.named_objects(app))
        retired = project.index.retired_secrets  # FL003's
        for kind, listed in (("Secret", app.secrets), ("Volume", app.volumes)):
            field = f"{kind.lower()}s"
            used: set[str] | None = set()
            for path, facts, named in (o for o in objects if o[2].kind == kind):
                name = named.name.string or project.string(path, facts, named.name.text)
                at = named.name.at
                if name is None:  # set when it deploys: what it uses is not known
                    used = None  # so nothing listed is unused
                    continue
                if used is not None:
                    used.add(name)
                if name not in listed and not named.conditional and name not in retired:
                    yield self._at(
                        path,
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
                    f"apps.{app.key}.{field} lists {name!r}, which {_unused_by(project, app)}",
                    f"remove it, or use it in {app.entry_path}",
                )


def _unused_by(project: Project, app: App) -> str:
    """Whose code does not use a listed name: the entry file's, and the modules it imports'."""
    if len(project.app_files(app)) == 1:
        return f"{app.entry_path} does not use"
    return f"neither {app.entry_path} nor a module it imports uses"


def _legacy_gpu(project: Project, path: str, facts: PythonFacts, value: Value) -> str | None:
    """Modal's older spelling, `modal.gpu.A100(count=2, size="80GB")`, as `A100-80GB:2`;
    the count may be a constant, also one the file imports."""
    # `GPU_CONFIG = modal.gpu.A100()` at the module's top: the call it holds.
    text = facts.calls.get(value.text, value.text)
    try:
        node = ast.parse(text, mode="eval").body
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
            written = ast.get_source_segment(text, keyword.value) or ""
            number = project.number(path, facts, written)
            if number is None:
                return None
            count = number
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


class _Gpu(NamedTuple):
    """A `gpu=` to check: where its decorator is, what the registry wants, what to call it."""

    path: str
    decorator: ModalDecorator
    wanted: list[str]
    field: str  # the registry field under the app
    owner: str  # the function as a message names it
