"""Deploy commands in shell text: `modal deploy TARGET` and calls of `*.sh` scripts, and the
folders a shell would run them in."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

# Each option is read one way only (`--?`, then a name that starts with a word character), so
# a line of many options is read in linear time; `-{1,2}[\w-]+` read each option two ways,
# and a line of dozens of options that ends without a target took exponential time.
DEPLOY = re.compile(
    r"(?<![\w-])modal\s+deploy\b"
    r"(?P<options>(?:\s+--?\w[\w-]*(?:[= ](?!-)[^\s;&|]+)?)*?)"
    r"\s+(?P<module>(?:-m|--module)\s+)?['\"]?(?P<target>(?!-)[^\s;&|'\"`)]+)"
)
SCRIPT = re.compile(r"(?:^|[\s;&|(])(?P<script>(?:\./|bash\s+|sh\s+)[\w./-]*\.sh)\b")
# `cd DIR` at the start of a command (a line, or after `;`, `&&`, `||`, `(`).
CD = re.compile(
    r"(?:^|[;&|(])[ \t]*cd[ \t]+(?P<dir>\"[^\"\n]*\"|'[^'\n]*'|[^\s;&|)]+)", re.MULTILINE
)
# `for VAR in WORDS` at the start of a command; its body runs to the next `done`.
LOOP = re.compile(
    r"(?:^|[;&|(])[ \t]*for[ \t]+(?P<var>[A-Za-z_]\w{0,63})[ \t]+in[ \t]+(?P<words>[^;\n]*)",
    re.MULTILINE,
)
_BODY_CHARS = 8192
_DONE = re.compile(r"(?<![\w-])done(?![\w-])")
# A Markdown code fence: each block is run on its own, from the documented folder.
FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)


@dataclass(frozen=True)
class DeployCommand:
    offset: int  # of the target in the text
    target: str  # as written
    path: str | None  # the file it names, None when templated
    module: bool


@dataclass(frozen=True)
class ScriptCall:
    offset: int
    path: str


def deploy_commands(text: str) -> list[DeployCommand]:
    if "deploy" not in text:
        return []
    found = []
    for match in DEPLOY.finditer(text):
        target = match["target"]
        templated = any(c in target for c in "${}<>*")
        module = bool(match["module"])
        file = target.split("::", 1)[0]
        if module and not templated:
            file = file.replace(".", "/") + ".py"
        found.append(
            DeployCommand(match.start("target"), target, None if templated else file, module)
        )
    return found


@dataclass(frozen=True)
class LoopDeploy:
    """`for VAR in WORDS; do modal deploy ...$VAR...; done`: the paths it deploys, as
    written (globs unexpanded)."""

    offset: int  # of the deploy command's target
    target: str
    paths: tuple[str, ...]
    loop: int = 0  # the offset of its `for`


def loop_deploys(text: str) -> list[LoopDeploy]:
    if "for" not in text or "deploy" not in text:
        return []
    found = []
    for loop in LOOP.finditer(text):
        # A loop's body is short: read at most 8 KiB of it, so many loops stay linear.
        stop = min(len(text), loop.end() + _BODY_CHARS)
        end = _DONE.search(text, loop.end(), stop)
        body = text[loop.end() : end.start() if end else stop]
        words = [w.strip("'\"") for w in loop["words"].split()]
        words = [w for w in words if w and w not in ("do", "\\")]
        names = (f"${{{loop['var']}}}", f"${loop['var']}")
        for command in DEPLOY.finditer(body):
            target = command["target"].strip("'\"")
            if not any(name in target for name in names):
                continue
            paths = []
            for word in words:
                path = target
                for name in names:
                    path = path.replace(name, word)
                if not any(c in path for c in "${}`"):
                    paths.append(path.split("::", 1)[0])
            at = loop.end() + command.start("target")
            found.append(LoopDeploy(at, target, tuple(paths), loop.start()))
    return found


@dataclass(frozen=True)
class LoopWords:
    """`for VAR in WORDS`: the words as written, each with its offset."""

    words: tuple[tuple[str, int], ...]
    loop: int = 0  # the offset of its `for`


def loop_words(text: str) -> list[LoopWords]:
    if "for" not in text:
        return []
    found = []
    for loop in LOOP.finditer(text):
        start = loop.start("words")
        words = []
        for match in re.finditer(r"[^\s]+", loop["words"]):
            word = match[0].strip("'\"")
            if word in ("do", "\\") or not word:
                continue
            words.append((word, start + match.start()))
        found.append(LoopWords(tuple(words), loop.start()))
    return found


def script_calls(text: str) -> list[ScriptCall]:
    if ".sh" not in text:
        return []
    found = []
    for match in SCRIPT.finditer(text):
        script = match["script"].split()[-1]
        if not any(c in script for c in "${}"):
            found.append(ScriptCall(match.start("script"), script.removeprefix("./")))
    return found


class Folders:
    """Where a shell runs each command of a text: from each of `starts` (the folders the text
    may be run from: a script's own folder and the repository root, a step's working
    directory), moved by every `cd` before it; in Markdown, each code block starts again.
    A `cd` to a folder the text cannot tell (`cd $DIR`, `cd ~`) leaves the command's folder
    unknown; `cd "$(dirname "$0")"` is the script's own folder."""

    def __init__(self, text: str, starts: list[str], own: str, *, markdown: bool = False) -> None:
        self._starts = list(dict.fromkeys(starts))
        self._own = own
        events = [(m.start(), m["dir"]) for m in CD.finditer(text)] if "cd" in text else []
        if markdown:
            events += [(m.start(), None) for m in FENCE.finditer(text)]
        self._events = sorted(events, key=lambda event: event[0])

    def at(self, offset: int) -> list[str] | None:
        """The folders a command at `offset` may run in; None when a `cd` made it unknown."""
        folders: list[str] | None = self._starts
        for start, target in self._events:
            if start >= offset:
                break
            if target is None:  # a code fence: a new block
                folders = self._starts
            elif folders is not None:
                folders = self._cd(folders, target.strip("'\""))
        return folders

    def _cd(self, folders: list[str], target: str) -> list[str] | None:
        if "dirname" in target:
            return [self._own]
        if any(c in target for c in "$~`") or target == "-":
            return None
        if target.startswith("/"):
            return None  # an absolute path: outside what the repository can tell
        moved = [posixpath.normpath(posixpath.join(f, target)) for f in folders]
        return [("" if f == "." else f) for f in moved if not f.startswith("..")] or None
