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
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.drift_check.project import Project

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
        for source in project.scanned():
            if not project.index.mentions_retired(source.text):
                continue
            for match in regex.finditer(source.text):
                retired = groups[match.lastgroup or ""]
                line, col = source.position(match.start())
                yield Finding(
                    code=self.code,
                    path=source.path,
                    line=line,
                    col=col,
                    message=f"{_WHAT[retired.kind]} {retired.text!r}: {retired.reason}",
                    hint=retired.hint,
                )
