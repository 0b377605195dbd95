"""FL012 modal-resources: an app's GPU or proxy auth differs from the registry.

What it does
    Reads, statically, the `gpu=` of the `@app.cls(...)` or `@app.function(...)` that serves
    each registry app (a string, a module constant, or a list of those for fallbacks; the
    app is never imported) and the `requires_proxy_auth=` of its web decorator
    (`@modal.asgi_app(...)` and the like). Reports a GPU list that differs from the registry's
    `gpu` (types compared as Modal reads them, upper case, `:1` implied; order matters, it is
    the fallback order), a proxy auth setting that differs from the registry's
    `web.requires_proxy_auth`, and either of them when it cannot be resolved. FL001 checks
    `timeout=`.

Why is this bad?
    The registry is what reviews, policies (allowed GPUs) and cost reports read; the app file
    is what Modal runs. A GPU changed in `app.py` alone passes every review of the registry.
    A web function behind proxy auth answers 401 to every client that does not send the
    `Modal-Key` and `Modal-Secret` headers the registry told it not to send.

Example
    @app.cls(gpu="A10G", timeout=300)      # registry: gpu: H100
    class ComfyUI: ...

Use instead
    @app.cls(gpu="H100", timeout=300)      # or change the registry, where it is reviewed
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.registry.modal_names import parse_gpu
from tools.drift_check.extract.python import python_facts
from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.core.registry.model import App
    from tools.drift_check.extract.base import Value
    from tools.drift_check.extract.python import ModalDecorator
    from tools.drift_check.project import Project


class ModalResources:
    code = "FL012"
    name = "modal-resources"
    summary = "An app's gpu= or requires_proxy_auth= differs from the registry."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for app in project.registry.apps.values():
            source = project.file(app.entry_path)
            facts = python_facts(source) if source is not None else None
            target = app.web.cls or app.web.function
            decorator = (
                next((d for d in facts.decorators if d.target == target), None) if facts else None
            )
            if decorator is not None:  # FL006 reports a missing web function
                yield from self._gpu(app, decorator)
                yield from self._proxy_auth(app, decorator)

    def _gpu(self, app: App, decorator: ModalDecorator) -> Iterator[Finding]:
        value = decorator.keywords.get("gpu")
        wanted = app.gpus
        written = " or ".join(wanted)
        hint = f"set gpu to {_python(wanted)} (registry: apps.{app.key}.gpu)"
        at = value.at if value is not None else decorator.at
        if value is None:
            yield Finding(
                self.code,
                app.entry_path,
                at.line,
                at.col,
                f"{app.name}: no gpu= (a CPU container) but the registry says {written}",
                hint,
            )
            return
        specs = _strings(value)
        if specs is None:
            yield Finding(
                self.code,
                app.entry_path,
                at.line,
                at.col,
                f"gpu={value.text} cannot be resolved statically; the registry says {written}",
                "use a string, a module constant, or a list of them",
            )
            return
        if _normal(specs) != _normal(wanted):
            yield Finding(
                self.code,
                app.entry_path,
                at.line,
                at.col,
                f"{app.name}: gpu={value.text} but the registry says {written}",
                hint,
            )

    def _proxy_auth(self, app: App, decorator: ModalDecorator) -> Iterator[Finding]:
        method = app.web.method or app.web.function or ""
        keywords = decorator.web.get(method)
        if keywords is None:  # FL006: not a web endpoint
            return
        value = keywords.get("requires_proxy_auth")
        wanted = app.web.requires_proxy_auth
        if value is not None and value.text not in ("True", "False"):
            yield Finding(
                self.code,
                app.entry_path,
                value.at.line,
                value.at.col,
                f"requires_proxy_auth={value.text} cannot be resolved statically; the registry "
                f"says {wanted}",
                "write True or False",
            )
            return
        actual = value is not None and value.text == "True"
        if actual != wanted:
            at = value.at if value is not None else decorator.at
            said = f"requires_proxy_auth={value.text}" if value else "no requires_proxy_auth="
            yield Finding(
                self.code,
                app.entry_path,
                at.line,
                at.col,
                f"{app.name}.{method}: {said} but the registry says requires_proxy_auth: "
                f"{str(wanted).lower()}",
                f"make them agree (registry: apps.{app.key}.web.requires_proxy_auth)",
            )


def _strings(value: Value) -> list[str] | None:
    """The GPU specifications a `gpu=` value names, or None when one is not a known string."""
    if value.string is not None:
        return [value.string]
    if value.items is None:
        return None
    found = [item.string for item in value.items]
    return None if any(spec is None for spec in found) else [s for s in found if s is not None]


def _normal(specs: list[str]) -> list[tuple[str, int]] | None:
    try:
        return [parse_gpu(spec) for spec in specs]
    except ValueError:
        return None


def _python(specs: list[str]) -> str:
    return repr(specs[0]) if len(specs) == 1 else repr(specs)
