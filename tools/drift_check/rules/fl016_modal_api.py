"""FL016 modal-api: code uses a Modal SDK name or argument that modal 1.6 no longer has.

What it does
    Reads every Python file that imports modal for the names modal 1.x removed or refuses
    (`modal.Stub`, `modal.Mount`, `modal.gpu.A100()`, `@modal.web_endpoint`,
    `modal.Function.lookup`, `Image.copy_local_dir` in a builder chain, and the rest of
    `tools/drift_check/modal_api.py`), and for keyword arguments that `@app.function`,
    `@app.cls`, the web decorators, `modal.App`, `modal.Secret.from_name` and
    `modal.Volume.from_name` do not take (`keep_warm=`, `container_idle_timeout=`,
    `concurrency_limit=`, `allow_concurrent_inputs=`, `mounts=`, a misspelt one). Says nothing
    in a repository that pins an older modal (`modal==0.64.2`, `modal<1.6`, a Poetry `^0.63`)
    in its requirements, `pyproject.toml`, setup files, Pipfile, conda environment, Dockerfile
    or workflows: that code is right for the modal it installs.

Why is this bad?
    `modal deploy` imports the app file with the modal it installs. With an unpinned or
    `>=` requirement that is the newest modal, in which these names raise `AttributeError`
    or `DeprecationError` and these arguments `TypeError`: the deploy fails before anything
    reaches Modal, often in CI long after the code was written. A removed argument also no
    longer means what the code says: `keep_warm=1` keeps nothing warm.

Example
    @app.function(gpu="A10G", keep_warm=1, container_idle_timeout=300)

Use instead
    @app.function(gpu="A10G", min_containers=1, scaledown_window=300)
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check import modal_api
from tools.drift_check.extract.python import python_facts
from tools.drift_check.findings import Edit, Finding

if TYPE_CHECKING:
    from tools.drift_check.extract.sdk_uses import SdkUse
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

# A requirement that bounds modal from above: `modal==0.64.2`, `modal<1.0`, `modal~=1.0.4`,
# `modal[extra] <= 1.2`.
_PEP440 = re.compile(
    r"(?<![\w.-])modal(?:\[[\w,. -]{0,64}\])?[ \t]{0,8}(?P<op>===?|~=|<=|<)[ \t]{0,8}"
    r"v?(?P<major>[0-9]{1,4})\.(?P<minor>[0-9]{1,4})(?P<patch>\.[0-9]{1,6})?",
    re.IGNORECASE,
)
# Poetry's `modal = "^0.63"`, `modal = { version = "~1.0" }`, `modal = "0.64.1"`.
_POETRY = re.compile(
    r"^[ \t]{0,8}modal[ \t]{0,8}=[ \t]{0,8}(?:\{[^}\n]{0,64}?version[ \t]{0,8}=[ \t]{0,8})?"
    r"\"(?P<op>[\^~]?)(?P<major>[0-9]{1,4})\.(?P<minor>[0-9]{1,4})",
    re.IGNORECASE | re.MULTILINE,
)
_DEPENDENCY_FILES = re.compile(
    r"(?:^|/)(?:requirements[\w.-]{0,64}\.(?:txt|in)|pyproject\.toml|setup\.(?:py|cfg)"
    r"|Pipfile|environment[\w.-]{0,64}\.ya?ml|Dockerfile[\w.-]{0,64}"
    r"|\.github/workflows/[^/]{1,128}\.ya?ml)$"
)
_UNBOUNDED = 10_000

_SHOWN = {
    "App": "modal.App",
    "App.function": "@app.function",
    "App.cls": "@app.cls",
    "method": "@modal.method",
    "fastapi_endpoint": "@modal.fastapi_endpoint",
    "asgi_app": "@modal.asgi_app",
    "wsgi_app": "@modal.wsgi_app",
    "web_server": "@modal.web_server",
}


class ModalApi:
    code = "FL016"
    name = "modal-api"
    summary = "A Modal SDK name or argument that modal 1.6 no longer has."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        if older_modal(project) is not None:
            return
        for source in project.scanned("py"):
            if "modal" not in source.text:
                continue
            facts = python_facts(source)
            uses = facts.sdk_uses if facts is not None else []
            if uses and _copy_of_fleet_file(project, source):
                continue  # reported in the fleet's own copy
            for use in uses:
                message, hint = _said(use)
                at = use.at
                yield Finding(
                    self.code, source.path, at.line, at.col, message, hint, _fix(use, source)
                )


def _copy_of_fleet_file(project: Project, source: SourceFile) -> bool:
    """Whether a file outside the fleet is a fleet file as it is, under the same name (a bundle
    for another platform, a second checkout): one fix, in the fleet's copy, is what it needs."""
    if project.in_fleet_area(source.path):
        return False
    for path in project.paths_named(posixpath.basename(source.path)):
        other = project.file(path) if path != source.path else None
        if other is not None and project.in_fleet_area(path) and other.text == source.text:
            return True
    return False


def _fix(use: SdkUse, source: SourceFile) -> Edit | None:
    """The rename of a name or argument that is the same thing under a new name."""
    key = use.argument or use.name
    new = modal_api.RENAMED.get(key)
    if new is None or not use.renamable:
        return None
    if use.argument and new not in modal_api.ARGUMENTS[use.name]:
        return None  # `@modal.method(keep_warm=1)`: the new name is not this call's either
    old = key.rsplit(".", 1)[-1]  # the word written there: `lookup` of `Function.lookup`
    line = source.lines[use.at.line - 1]
    if line[use.at.col - 1 : use.at.col - 1 + len(old)] != old:
        return None  # not written as read (a tab, an odd encoding): leave it to a person
    return Edit(source.path, use.at.line, use.at.col, old, new)


def _said(use: SdkUse) -> tuple[str, str]:
    version = ".".join(map(str, modal_api.VERSION))
    if not use.argument:
        shown = use.name if use.name.startswith("Image.") else f"modal.{use.name}"
        return (
            f"{shown} was removed from modal: with modal {version} this line fails",
            f"use {modal_api.REMOVED[use.name]}",
        )
    call = _SHOWN.get(use.name, f"modal.{use.name}")
    message = f"{call} takes no {use.argument}= in modal {version}: this call raises TypeError"
    replaced = modal_api.REPLACED_ARGUMENTS.get(use.argument)
    if replaced is not None:
        elsewhere = replaced.removesuffix("=") not in modal_api.ARGUMENTS[use.name]
        if replaced.endswith("=") and elsewhere:  # `@modal.method(keep_warm=1)`
            return message, f"remove it: {replaced} is set on @app.function or @app.cls"
        return message, f"use {replaced}"
    close = difflib.get_close_matches(use.argument, modal_api.ARGUMENTS[use.name], n=1)
    return message, f"did you mean {close[0]}=?" if close else "remove it"


def older_modal(project: Project) -> str | None:
    """Where the repository pins a modal older than the one `modal_api` describes (as
    `path:line`), or None when nothing does."""
    for path in project.files.candidates:
        if _DEPENDENCY_FILES.search(path) is None:
            continue
        source = project.file(path)
        if source is None or "modal" not in source.text:
            continue
        for pattern in (_PEP440, _POETRY):
            for match in pattern.finditer(source.text):
                if _highest(match) < modal_api.VERSION:
                    return f"{path}:{source.position(match.start())[0]}"
    return None


def _highest(match: re.Match[str]) -> tuple[int, int]:
    """The newest major.minor a requirement allows."""
    op, major, minor = match["op"], int(match["major"]), int(match["minor"])
    if op == "<":
        return (major, minor - 1) if minor else (major - 1, _UNBOUNDED)
    if op == "~=" and not match.groupdict().get("patch"):
        return (major, _UNBOUNDED)  # `~=1.2`: any 1.x from 1.2
    if op == "^":
        return (major, minor) if major == 0 else (major, _UNBOUNDED)
    return (major, minor)  # ==, ===, <=, `~=1.2.3`, Poetry's `~1.2` and exact `1.2.3`
