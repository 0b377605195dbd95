"""FL014 serve-target: `uvicorn module:app` names an object the module does not serve.

What it does
    Reads `uvicorn MODULE:ATTR` (and `gunicorn`, `hypercorn`, `python -m uvicorn`, with
    `--app-dir DIR`) in documents' code, shell scripts, Makefiles, Dockerfiles, compose and
    workflow files and other configuration (not in Python, where the server is started by
    code whose folder fleet cannot tell). The module is found as Python imports it, from the
    folders the text runs in (its own, the root, moved by `cd`), else as the one file of that
    path in the repository (a container's working folder). Reports an ATTR that is a Modal App
    (`modal.App(...)`): uvicorn refuses it, since a Modal App is no ASGI application; and an
    ATTR the module never names.

Why is this bad?
    A module that became a Modal app keeps its name, and the commands that served it locally
    (a README's "run it locally", a Makefile's `dev`, a Dockerfile's `CMD`) fail on start.

Example
    uvicorn modal_service:app --reload   # modal_service.py: app = modal.App("inference")

Use instead
    modal serve modal_service.py
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.extract.commands import Folders, asgi_serves, in_markdown_code, shell_text
from tools.drift_check.findings import Finding
from tools.drift_check.selection import DOCUMENTS

if TYPE_CHECKING:
    from tools.drift_check.extract.commands import AsgiServe
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

_SHELL = frozenset({"sh", "bash"})


class ServeTarget:
    code = "FL014"
    name = "serve-target"
    summary = "`uvicorn module:app` names a Modal App, or an object the module does not have."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for source in project.scanned():
            if source.suffix == "py" or "corn" not in source.text:
                continue
            serves = asgi_serves(source.text)
            if serves:
                yield from self._serves(project, source, serves)

    def _serves(
        self, project: Project, source: SourceFile, serves: list[AsgiServe]
    ) -> Iterator[Finding]:
        markdown = source.suffix in DOCUMENTS
        own = posixpath.dirname(source.path)
        shell = markdown or source.suffix in _SHELL
        text = shell_text(source.text, markdown=markdown) if shell else source.text
        folders = Folders(text, ["", own], own, markdown=markdown) if shell else None
        for serve in serves:
            if markdown and not in_markdown_code(source.text, serve.offset):
                continue
            where = folders.at(serve.offset) if folders is not None else [own, ""]
            if where is None:
                continue  # a `cd` to a folder the text cannot tell
            problem = _problem(project, where, serve)
            if problem is not None:
                message, hint = problem
                yield Finding(self.code, source.path, *source.position(serve.offset), message, hint)


def _problem(project: Project, folders: list[str], serve: AsgiServe) -> tuple[str, str] | None:
    path = _module_file(project, folders, serve)
    facts = project.python(path) if path is not None else None
    source = project.file(path) if path is not None else None
    if facts is None or source is None:
        return None
    if any(app.variable == serve.attr for app in facts.apps):
        return (
            f"`{serve.written}`: {path}'s `{serve.attr}` is a Modal App, not an ASGI app",
            f"serve it with `modal serve {path}`, or name the ASGI app the module builds",
        )
    if "import *" in source.text or re.search(rf"\b{re.escape(serve.attr)}\b", source.text):
        return None  # named somewhere: fleet does not follow every way a module binds a name
    return (
        f"`{serve.written}`: {path} defines no `{serve.attr}`",
        "name the ASGI app the module defines",
    )


def _module_file(project: Project, folders: list[str], serve: AsgiServe) -> str | None:
    """The file Python imports for `serve.module` from one of `folders` (and `--app-dir`), else
    the one file of that path anywhere in the repository; None when there is none or several."""
    tail = serve.module.replace(".", "/")
    names = (f"{tail}.py", f"{tail}/__init__.py")
    for folder in folders:
        base = posixpath.join(folder, serve.folder)
        for name in names:
            path = posixpath.normpath(posixpath.join(base, name))
            if project.exists(path):
                return path
    last = posixpath.basename(names[0])
    found = [p for p in project.paths_named(last) if p == names[0] or p.endswith(f"/{names[0]}")]
    return found[0] if len(found) == 1 else None
