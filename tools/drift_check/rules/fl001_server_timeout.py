"""FL001 server-timeout: an app's function timeout differs from the registry or is too short.

What it does
    Reads the `timeout=` of the `@app.cls(...)` or `@app.function(...)` that serves each
    registry app, statically (literals, module constants, arithmetic such as `15 * 60`; the
    app is never imported). Reports a value that differs from the registry's `timeout_s`, one
    below the largest client timeout of the app's endpoints plus the policy margin, and a
    missing `timeout=` (Modal then uses 300 s). A value set only when the app deploys (read
    from the environment by a helper, computed) is not compared: nothing here says it differs.

Why is this bad?
    When the server gives up before the client does, clients see 408s and retry work that was
    nearly done; when it differs from the registry, the registry no longer describes what runs.

Example
    @app.cls(gpu="L40S", timeout=300)   # registry: 900 s; /z-image-simple waits 600 s
    class ComfyUI: ...

Use instead
    @app.cls(gpu="L40S", timeout=900)

    `fleet check --fix` rewrites a plain number literal to the registry's value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.registry.modal_names import DEFAULT_TIMEOUT_S
from tools.drift_check.extract.python import ModalDecorator
from tools.drift_check.findings import Edit, Finding

if TYPE_CHECKING:
    from tools.core.registry.model import App, WebFunction
    from tools.drift_check.project import Project


class ServerTimeout:
    code = "FL001"
    name = "server-timeout"
    summary = "An app's function timeout differs from the registry or is below a client timeout."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for app in project.registry.apps.values():
            for web, path, decorator in project.web_decorators(app):
                yield from self._check(project, app, (path, decorator), web)
            for name in app.functions:
                found = project.decorator(app, name)
                if found is not None:  # FL006 reports a missing one
                    yield from self._check(project, app, found, name)

    def _check(
        self,
        project: Project,
        app: App,
        where: tuple[str, ModalDecorator],
        owner: WebFunction | str,
    ) -> Iterator[Finding]:
        """`owner`: one of the app's web functions, or a name in its `functions`."""
        path, decorator = where
        web = owner if not isinstance(owner, str) else None
        function = owner if isinstance(owner, str) else ""
        wanted = app.functions[function].timeout_s if web is None else web.timeout_s
        assert wanted is not None  # validated: a web function has one
        value = decorator.keywords.get("timeout")
        at = value.at if value is not None else decorator.at
        needed, slowest = 0, ""
        if web is not None:
            # Every endpoint served from the class's (or function's) containers.
            served = [e for e in app.served if e.web.target == web.target]
            slowest_endpoint = max(served, key=lambda e: e.client_timeout_s)
            slowest = slowest_endpoint.path
            margin = project.registry.policy.timeout_margin_s
            needed = slowest_endpoint.client_timeout_s + margin
        field = (
            f"functions.{function}.timeout_s" if web is None else app.web_field(web, "timeout_s")
        )
        hint = f"set timeout={wanted} (registry: apps.{app.key}.{field})"
        number = value.number if value is not None else None
        if value is not None and number is None:
            facts = project.python(path)
            number = project.number(path, facts, value.text) if facts else None
        if value is not None and number is None:
            return  # set when it deploys (`int(os.environ["T"])`): nothing here to compare
        actual = DEFAULT_TIMEOUT_S if value is None else number
        if actual == wanted:
            return
        said = (
            f"timeout={value.text}" if value is not None else "no timeout= (Modal's default 300 s)"
        )
        named = function or (web.target if web is not None and len(app.webs) > 1 else "")
        owner = f"{app.name}.{named}" if named else app.name
        message = f"{owner}: {said} but the registry says {wanted} s"
        if actual is not None and actual < needed:
            message += (
                f"; below the client timeout of {slowest} ({needed} s with the margin): "
                "clients would see 408s"
            )
        fix = (
            Edit(path, at.line, at.col, value.text, str(wanted))
            if value is not None and value.is_literal
            else None
        )
        yield Finding(self.code, path, at.line, at.col, message, hint, fix=fix)
