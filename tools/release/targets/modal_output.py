"""What `modal deploy` prints, read back: the web URLs Modal assigned, with their notes.

Written against the output of the pinned client (`pyproject.toml`), as tests run it against
`fleet emulate`. modal 1.6 prints a tree. A URL sits on the line under the function that
serves it, or after `CLASS.METHOD -> ` for a method of a class; then come ` (unauthenticated)`
or ` 🔑` (proxy auth), then ` (label stolen)` when another app of the environment held the
label:

    ✓ Created objects.
    ├── ✓ Created Function ComfyUI.*.
    │   └── ComfyUI.fastapi_app -> https://ryla--ryla-flux-comfyui-fastapi-app.modal.run (unauthenticated)
    └── ✓ Created Function download.
    ✓ App deployed in 0.538s! 🎉

Lines longer than the terminal are wrapped, words too long for a line folded: a line whose
tree prefix has no branch (`├`, `└`) continues the one before it.
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

SKIPPED = "Deployment skipped: no changes detected!"
_PREFIX = re.compile(r"[│├└─ ]*")
_MARK = "✓ "
_FUNCTION = re.compile(r"Created Function (?P<name>\S+?)\.?")
_URL = re.compile(
    r"(?:(?P<function>[^\s>]+) -> )?(?P<url>https?://\S+)"
    r"(?P<notes>(?: 🔑| \(unauthenticated\)| \(label stolen\))*)"
)
_ERROR = re.compile(r"Error: (?P<message>.+)")


class WebUrl(NamedTuple):
    function: str  # `fastapi_app` for a function, `ComfyUI.fastapi_app` for a method
    url: str
    proxy_auth: bool  # 🔑: requests need Modal-Key and Modal-Secret headers
    label_stolen: bool


class Line(NamedTuple):
    text: str
    in_tree: bool  # a node of the tree (`├── `, `└── `), not a top-level line


def logical_lines(lines: Iterable[str]) -> list[Line]:
    """The lines as printed before wrapping, each without its tree prefix and mark."""
    joined: list[Line] = []
    for raw in lines:
        line = raw.rstrip("\n")
        prefix = _PREFIX.match(line)
        assert prefix is not None  # the pattern matches the empty string
        content = line[prefix.end() :]
        if not content.strip():
            continue
        branch = any(mark in prefix[0] for mark in "├└")
        if prefix.end() > 0 and not branch and joined:  # a continuation
            joined[-1] = Line(joined[-1].text + content, joined[-1].in_tree)
        else:
            joined.append(Line(content.removeprefix(_MARK), branch))
    return [Line(line.text.rstrip(), line.in_tree) for line in joined]


def web_urls(lines: Iterable[str]) -> list[WebUrl]:
    """Every web URL the deploy printed in its tree, with the function it belongs to."""
    found = []
    function = ""
    for line, in_tree in logical_lines(lines):
        if created := _FUNCTION.fullmatch(line):
            function = created["name"]
        elif in_tree and (shown := _URL.fullmatch(line)):
            notes = shown["notes"]
            found.append(
                WebUrl(
                    shown["function"] or function,
                    shown["url"],
                    proxy_auth="🔑" in notes,
                    label_stolen="(label stolen)" in notes,
                )
            )
    return found


def skipped(lines: Iterable[str]) -> bool:
    """Whether Modal found nothing to deploy (the running version stays)."""
    return any(line.text.startswith(SKIPPED) for line in logical_lines(lines))


def error(lines: Iterable[str]) -> str | None:
    """What the CLI said went wrong: its last `Error: ...` and what follows on later lines."""
    logical = [line.text for line in logical_lines(lines)]
    starts = [i for i, line in enumerate(logical) if _ERROR.match(line)]
    if not starts:
        return None
    first = logical[starts[-1]].removeprefix("Error: ")
    rest = [line.strip() for line in logical[starts[-1] + 1 :]]
    return " ".join([first, *rest][:3])
