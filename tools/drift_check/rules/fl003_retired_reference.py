"""FL003 retired-reference: a retired app, URL, endpoint or deploy file is still referenced.

What it does
    Finds every mention of what `retired:` in the registry lists: the single app
    (`ryla-comfyui`) and its URL, also when the URL is built from a template such as
    `https://${workspace}--ryla-comfyui-comfyui-fastapi-app.modal.run`; removed endpoints
    (`/flux-instantid`); deleted deploy files (`comfyui_danrisi.py`). Tests, scripts, shell
    scripts, docs, workflows and client code are all read, comments included.

Why is this bad?
    A retired URL still resolves to nothing: tests that call it fail or, worse, are skipped;
    docs that name it send people to deploy an app that no longer serves traffic; a workflow
    that deploys a deleted file fails on the next merge.

Example
    BASE_URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run"

Use instead
    BASE_URL = "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run"

    `fleet registry urls` prints the URL of every live endpoint.

What it does not report
    Text that documents the retirement: a line of a document, or a comment, that says the
    thing was removed, retired, deprecated, replaced, renamed or deleted (a "removed
    endpoints" table, a changelog entry, `# retired in v2`);
    files in a retired app's own folder; an endpoint path that is part of a file or module
    path (`./z-image-pulid`, `apps/z-image-pulid/app.py`) rather than a URL's or a bare path.
    Historical documents (changelogs, release notes, dated specs) are not read by default
    (`history` in `[tool.fleet]`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.drift_check.project import Project

# A line that says a thing is gone documents its retirement; it is not a reference to it.
RETIREMENT = re.compile(
    r"\b(?:removed|retired|retiring|deprecated|replaced|renamed|deleted|decommissioned|"
    r"sunset|obsolete|superseded|no longer|formerly|legacy)\b",
    re.IGNORECASE,
)
# What may stand right before an endpoint's `/` for it to be a URL's path or a bare path: a
# host (`modal.run`, `localhost:8000`), a template (`${BASE}`, `{url}`), a call's `)`.
_DELIMITERS = frozenset(" \t\n'\"`([{=,;<>|")


def is_url_path(text: str, start: int) -> bool:
    """Whether the endpoint path at `start` is a URL's path or a bare path, not part of a
    file or module path (`./x`, `apps/x`)."""
    begin = start
    while begin > 0 and text[begin - 1] not in _DELIMITERS and start - begin < 256:
        begin -= 1
    before = text[begin:start]
    if not before or "://" in before or before[-1] in "})":
        return True
    if before.strip(".") == "":  # ./x, ../x: a relative file or module path
        return False
    host = before.rsplit("/", 1)[-1]
    return "/" not in before and ("." in host or ":" in host or host == "localhost")


_DOCS = frozenset({"md", "mdx", "mdc", "markdown", "rst", "txt"})

_COMMENT_STARTS = ("#", "//", "/*", "*", "<!--", "--", ";")


def _documents_retirement(line: str, document: bool) -> bool:
    """Prose (a document's line, or a comment) that says the thing is gone. In code, a
    `LEGACY_URL = ...` still calls what it names."""
    if not document and not line.lstrip().startswith(_COMMENT_STARTS):
        return False
    return RETIREMENT.search(line) is not None


_WHAT = {
    "url": "URL of the retired app",
    "app": "retired app",
    "endpoint": "removed endpoint",
    "file": "deleted deploy file",
}


class RetiredReference:
    code = "FL003"
    name = "retired-reference"
    summary = "A retired app, URL, endpoint or deploy file is still referenced."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        regex = project.index.retired_regex
        groups = project.index.retired_by_group
        own_folders = project.index.retired_folders
        for source in project.scanned():
            if not project.index.mentions_retired(source.text):
                continue
            if source.suffix in _DOCS and source.path.startswith(own_folders):
                continue  # the retired app's own documentation, not a reference to it
            for match in regex.finditer(source.text):
                retired = groups[match.lastgroup or ""]
                if retired.kind == "endpoint" and not is_url_path(source.text, match.start()):
                    continue
                line, col = source.position(match.start())
                if _documents_retirement(source.lines[line - 1], source.suffix in _DOCS):
                    continue
                yield Finding(
                    code=self.code,
                    path=source.path,
                    line=line,
                    col=col,
                    message=f"{_WHAT[retired.kind]} {retired.text!r}: {retired.reason}",
                    hint=retired.hint,
                )
