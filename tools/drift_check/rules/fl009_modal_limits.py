"""FL009 modal-limits: code that runs into Modal's web limits.

What it does
    Reports an httpx client or call that does not follow redirects while it waits longer
    than Modal's 150 s web request limit, or while it calls `*.modal.run` endpoints whose
    registry client timeouts exceed that limit; and a web endpoint `label=` longer than 63
    characters.

Why is this bad?
    Modal answers a request still running at 150 s with `303 See Other` to a URL that waits
    for the same call. httpx does not follow redirects unless told to, so every long GPU call
    fails with "Redirect response '303 See Other'" although the work succeeded. Labels over
    63 characters are truncated and hashed: the URL is not the one anybody wrote down.

Example
    httpx.post(url, json=body, timeout=600)

Use instead
    httpx.post(url, json=body, timeout=600, follow_redirects=True)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.registry.modal_names import MAX_LABEL_LENGTH
from tools.drift_check.extract.python import ClientCall, ModalDecorator, python_facts
from tools.drift_check.extract.urls import find_urls
from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


class ModalLimits:
    code = "FL009"
    name = "modal-limits"
    summary = "A long call that does not follow Modal's 303, or a label over 63 characters."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        limit = project.registry.policy.web_request_limit_s
        longest = max(e.client_timeout_s for _, _, e in project.registry.endpoints())
        for source in project.scanned("py"):
            if "httpx" not in source.text and "label=" not in source.text:
                continue
            facts = python_facts(source)
            if facts is None:
                continue
            yield from self._labels(source, facts.decorators)
            calls_modal = bool(find_urls(source)) and longest > limit
            yield from self._clients(source, facts.client_calls, limit, longest, calls_modal)

    def _clients(
        self,
        source: SourceFile,
        calls: list[ClientCall],
        limit: int,
        longest: int,
        calls_modal: bool,
    ) -> Iterator[Finding]:
        for call in calls:
            follows = call.keywords.get("follow_redirects")
            if follows is not None and follows.text == "True":
                continue
            timeout = call.keywords.get("timeout")
            seconds = timeout.number if timeout is not None else None
            if seconds is not None and seconds > limit and timeout is not None:
                reason = f"timeout={timeout.text} is over Modal's {limit} s web limit"
            elif calls_modal:
                reason = f"it calls modal.run endpoints with client timeouts up to {longest} s"
            else:
                continue
            yield Finding(
                self.code,
                source.path,
                call.at.line,
                call.at.col,
                f"{call.function}(...) does not follow redirects, and {reason}: "
                "Modal's 303 See Other would fail the call",
                "pass follow_redirects=True (and enough max_redirects for the timeout)",
            )

    def _labels(self, source: SourceFile, decorators: list[ModalDecorator]) -> Iterator[Finding]:
        for decorator in decorators:
            for label in (keywords.get("label") for keywords in decorator.web.values()):
                if label is not None and label.string and len(label.string) > MAX_LABEL_LENGTH:
                    yield Finding(
                        self.code,
                        source.path,
                        label.at.line,
                        label.at.col,
                        f"label {label.string!r} is {len(label.string)} characters; Modal "
                        f"truncates labels over {MAX_LABEL_LENGTH} and appends a hash",
                        "choose a label of at most 63 characters, and put it in the registry",
                    )
