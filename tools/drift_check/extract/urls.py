"""`*.modal.run` URLs in any text, literal or templated (`{workspace}`, `${workspace}`, `%s`)."""

from __future__ import annotations

import re
from typing import NamedTuple

from tools.drift_check.extract.base import Value
from tools.drift_check.extract.python import python_facts
from tools.drift_check.source import SourceFile

_PIECE = r"(?:[A-Za-z0-9_-]|\$?\{[^{}\s]{0,80}\}|%(?:\([A-Za-z_]\w*\))?s)"
# A host is one DNS label (63 characters at most; one written longer, as Modal would have cut
# it, is still a URL of the app it names): read at most 128 pieces of it, so that a
# search through a long run of pieces (`%s%s...`, `${a}${a}...`) is linear, not quadratic.
URL = re.compile(
    rf"(?<![A-Za-z0-9_.-])(?:https?://)?(?P<host>{_PIECE}{{1,128}})\.modal\.run"
    r"(?P<path>/[A-Za-z0-9._~/-]*)?(?P<after>.?)"
)
_TEMPLATE = re.compile(r"[{}$%]")


class UrlRef(NamedTuple):
    offset: int
    text: str
    source: str | None  # the workspace[-suffix] before `--`; None when templated
    label: str | None  # after `--`; None when templated
    path: str | None  # None when absent or templated


def find_urls(source: SourceFile) -> list[UrlRef]:
    cached = source.cache.get("urls")
    if cached is None:
        cached = source.cache["urls"] = _find(source.text) if "modal.run" in source.text else []
    return cached  # type: ignore[return-value]


# How far before `.modal.run` a URL can start: 128 pieces of at most 83 characters, a scheme.
_REACH = 128 * 83 + 16


_SPACES = " \t\n\r\f\v"


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of `text` that can hold a URL: around each `.modal.run`, merged. A
    large file with a URL or two is searched there, not from end to end. No part of a URL
    holds white space, so one starts after the last white space before its `.modal.run`."""
    windows: list[tuple[int, int]] = []
    at = text.find(".modal.run")
    while at != -1:
        reach = max(0, at - _REACH)
        start = max(reach, *(text.rfind(space, reach, at) for space in _SPACES))
        end = at + len(".modal.run") + 2048
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
        at = text.find(".modal.run", at + 1)
    return windows


# Workspaces written for the reader to fill in: `your-workspace--`, `yourname--`,
# `<workspace>--`, `xxxx--`.
_PLACEHOLDERS = frozenset({"", "workspace", "username", "user", "org", "team", "xxx"})


def placeholder(source: str) -> bool:
    """Whether a URL's workspace is one for the reader to fill in (in prose: theirs)."""
    lowered = source.lower()
    if len(lowered) >= 3 and set(lowered) == {"x"}:  # `xxxx--`, `XXXXX--`
        return True
    return lowered in _PLACEHOLDERS or lowered.startswith(("your", "my-workspace"))


def urls_in(text: str) -> list[UrlRef]:
    """The `*.modal.run` URLs of a text (a resolved string); `find_urls` for a file."""
    return _find(text) if "modal.run" in text else []


def _find(text: str) -> list[UrlRef]:
    found = []
    matches = (m for start, end in _windows(text) for m in URL.finditer(text, start, end))
    for match in matches:
        host = match["host"]
        if "--" not in host:
            continue  # not a web endpoint host (docs.modal.run, api.modal.run)
        source, label = host.split("--", 1)
        # A full stop after a URL ends the sentence, not the path.
        path = match["path"].rstrip(".") if match["path"] else None
        templated_path = path is not None and match["after"] in ("{", "$", "%", "+", "`")
        written = match.group(0).removesuffix(match["after"]) if match["after"] else match[0]
        stops = len(match["path"] or "") - len(path or "")
        found.append(
            UrlRef(
                offset=match.start(),
                text=written[: len(written) - stops],
                source=None if _TEMPLATE.search(source) else source,
                label=None if _TEMPLATE.search(label) else label,
                path=None if templated_path or path in (None, "/") else path.rstrip("/"),
            )
        )
    return found


def modal_in_code(source: SourceFile) -> bool:
    """Whether the file names a modal.run URL outside a comment, and in Python outside a
    docstring: a module's docstring that shows its own app's URL calls nothing."""
    facts = python_facts(source) if source.suffix == "py" else None
    docstrings = facts.docstrings if facts is not None else []
    for url in find_urls(source):
        line, col = source.position(url.offset)
        if "#" in source.lines[line - 1][: col - 1]:
            continue
        if not any(start <= line <= end for start, end in docstrings):
            return True
    return False


def host_kind(target: Value | None) -> str:
    """ "modal" for a modal.run URL, "other" for another host, "" when the code cannot say."""
    if target is None:
        return ""
    if "modal.run" in target.text or (target.string and "modal.run" in target.string):
        return "modal"
    written = target.string if target.string is not None else target.text
    if "://" in written.split("{", 1)[0]:
        return "other"  # a literal scheme and host, and not Modal's
    return ""
