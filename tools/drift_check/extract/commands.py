"""Modal commands in shell text: `modal deploy|run|serve TARGET` and calls of `*.sh` scripts,
and the folders a shell would run them in. The body of a heredoc is data, not commands
(`shell_text` blanks it)."""

from __future__ import annotations

import bisect
import itertools
import posixpath
import re
from collections.abc import Callable
from typing import NamedTuple

from tools.drift_check.extract.script_folders import folder_variables, resolve

# Each pattern starts with its literal word, so that the regex engine looks for the word
# first; the boundary before it is a lookbehind after it (`modal(?<![\w-]modal)`).
# Each option is read one way only (`--?`, then a name that starts with a word character), so
# a line of many options is read in linear time; `-{1,2}[\w-]+` read each option two ways,
# and a line of dozens of options that ends without a target took exponential time. Modal's
# flags that take no value (`--detach`) are read as such, never with the target as a value;
# options and target are separated by blanks or a `\` line continuation, never a newline, so
# a command's arguments (`modal run app.py --n 3`) do not reach the next line.
# `deploy`, `run` and `serve` all import the target: a file, `file.py::object`, or `-m module`.
_FLAG = r"(?:-[dqi]|--(?:detach|quiet|interactive|stream-logs|timestamps))(?![\w-])"
# A `$ ` prompt, then a runner of a project's environment (`uv run`, `poetry run`) before a
# command: where the commands read below may start.
_PROMPT = r"[ \t]*(?:\$[ \t]+)?"
_RUNNER = r"(?:uv|poetry|pipenv|pdm|hatch|rye)[ \t]+run[ \t]+"
_SEP = r"(?:[ \t]|\\\r?\n)+"
DEPLOY = re.compile(
    rf"modal(?<![\w-]modal)\s+(?P<verb>deploy|run|serve)\b"
    rf"(?P<options>(?:{_SEP}(?:{_FLAG}|(?!{_FLAG})--?\w[\w-]*(?:[= ](?!-)[^\s;&|]+)?))*?)"
    rf"{_SEP}(?P<module>(?:-m|--module){_SEP})?['\"]?(?P<target>(?![-\\(])[^\s;&|'\"`)]+)"
)
# `modal app logs|history|rollback|dashboard|stop [-e ENV] NAME`: a command about a deployed
# app, by its name (or its `ap-...` id).
APP_COMMAND = re.compile(
    rf"modal(?<![\w-]modal){_SEP}app{_SEP}(?P<verb>logs|history|rollback|dashboard|stop)\b"
    rf"(?P<options>(?:{_SEP}(?:(?:-e|--env)(?:=|{_SEP})[^\s;&|]+|--?\w[\w-]*))*?)"
    rf"{_SEP}['\"]?(?P<name>(?![-\\])[^\s;&|'\"`)]+)"
)
# The `modal` CLI's commands, and each group's subcommands, as `modal --help` of modal 1.6.4
# lists them (a test compares them with the installed CLI): `modal logs` is none of them.
MODAL_CLI: dict[str, frozenset[str] | None] = {
    "app": frozenset(
        {"dashboard", "history", "info", "list", "logs", "promote", "rollback", "rollover"}
        | {"stats", "stop"}
    ),
    "billing": frozenset({"rates", "report", "summary"}),
    "changelog": None,
    "config": frozenset({"set", "set-environment", "show"}),
    "container": frozenset({"exec", "list", "logs", "stop"}),
    "curl": None,
    "dashboard": None,
    "deploy": None,
    "dict": frozenset({"clear", "create", "delete", "get", "items", "list"}),
    "endpoint": frozenset({"create", "info", "library", "list", "logs", "stats", "stop"}),
    "environment": frozenset({"billing", "create", "delete", "list", "members", "roles", "update"}),
    "function": frozenset({"autoscaler", "calls", "info", "logs", "metrics", "stats", "variants"}),
    "image": frozenset({"build", "logs", "names", "pull"}),
    "nfs": frozenset({"create", "delete", "get", "list", "ls", "put", "rm"}),
    "profile": frozenset({"activate", "current", "list"}),
    "queue": frozenset({"clear", "create", "delete", "len", "list", "peek"}),
    "run": None,
    "secret": frozenset({"create", "delete", "list"}),
    "serve": None,
    "server": frozenset({"autoscaler", "deploy", "info", "logs", "metrics", "requests", "stats"}),
    "setup": None,
    "shell": None,
    "skills": frozenset({"install", "show", "update"}),
    "token": frozenset({"info", "new", "rotate", "set"}),
    "volume": frozenset(
        {"cp", "create", "dashboard", "delete", "get", "list", "ls", "put", "rename", "rm"}
    ),
    "workspace": frozenset(
        {"member-tokens", "members", "proxy-tokens", "service-users", "settings"}
    ),
}
# `modal WORD [WORD]`, the word first so that it is found fast; where a command starts (see
# `_COMMAND_START`).
CLI = re.compile(
    r"modal(?<![\w-]modal)[ \t]+(?P<command>[a-z][a-z-]{0,31})"
    r"(?:[ \t]+(?P<sub>[a-z][a-z-]{0,31}))?(?![\w-])"
)
# What stands before `modal` on its line when it starts a command: nothing, `;`, `&&`, `||`,
# `| ` (`a|modal x` in a diagram is no pipe), `(`, a backtick or `$(`; a `$ ` prompt; a shell
# keyword that runs the command (`if ! modal token verify`, `then`, `do`); `uv run`, `poetry
# run` or `python -m`.
_COMMAND_START = re.compile(
    rf"(?:^|[;(`]|&&|\|\|?(?=[ \t])){_PROMPT}"
    r"(?:(?:if|elif|then|else|do|while|until|time|exec|!)[ \t]+){0,3}"
    rf"(?:{_RUNNER}|uvx[ \t]+|python3?[ \t]+-m[ \t]+)?$",
    re.MULTILINE,
)


class CliCall(NamedTuple):
    """`modal logs x`: a `modal` command the CLI does not have."""

    offset: int  # of the unknown word
    written: str  # `modal logs`, `modal app log`

    @property
    def problem(self) -> tuple[str, str]:
        """The message and the hint of a finding about it."""
        words = self.written.split()
        group = MODAL_CLI.get(words[1]) if len(words) == 3 else None
        if group is None:
            return f"`{self.written}`: the modal CLI has no such command", (
                "`modal --help` lists its commands; an app's logs: `modal app logs APP`"
            )
        return f"`{self.written}`: `modal {words[1]}` has no such command", (
            f"`modal {words[1]}` has: {', '.join(sorted(group))}"
        )


def unknown_cli_calls(text: str) -> list[CliCall]:
    """Every `modal COMMAND [SUBCOMMAND]` whose command, or subcommand of a group, the `modal`
    CLI does not have."""
    if "modal" not in text:
        return []
    found = []
    for match in CLI.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not _COMMAND_START.search(text, max(line_start, match.start() - 64), match.start()):
            continue
        command, sub = match["command"], match["sub"]
        if command not in MODAL_CLI:
            found.append(CliCall(match.start("command"), f"modal {command}"))
        elif sub is not None and (group := MODAL_CLI[command]) is not None and sub not in group:
            found.append(CliCall(match.start("sub"), f"modal {command} {sub}"))
    return found


# `--name NAME` (or `--name=NAME`) among a deploy's options: the app name it deploys under.
_NAME_OPTION = re.compile(r"--name(?:=|[ \t]+)[\"']?([\w.${}<>-]{1,64})")
# A `\` that ends a line, so that the command goes on in the next: in a comment, after that
# line's `#`; in a docstring's source, the `\` written `\\`.
CONTINUED = r"\\{1,2}\r?\n[ \t]*#?"
# The rest of a command's line: its arguments, to the end of the command or of inline code,
# on the lines it is continued on.
_REST = re.compile(rf"(?:[^\n;&|`#\\]|{CONTINUED}|\\[^\n\\]){{0,512}}")
SCRIPT = re.compile(r"(?:^|[\s;&|(])(?P<script>(?:\./|bash\s+|sh\s+)[\w./-]*\.sh)\b")
# `cd DIR` at the start of a command (a line, or after `;`, `&&`, `||`, `(`, a backtick; a
# `$ ` prompt allowed). DIR is one shell word: quoted, unquoted and `$(...)` pieces, each
# told by its first character, so the word is read one way only.
CD = re.compile(
    r"(?:^|(?P<tick>`)|[;&|(])[ \t]*(?:\$[ \t]+)?cd[ \t]+(?P<dir>`[^`\n]*`"
    r"(?:\"[^\"\n]*\"|'[^'\n]*'|\$\([^()\n]*\)|\$(?!\()|\\[^\n]|[^\s;&|()\"'`$\\])*"
    r"|(?:\"[^\"\n]*\"|'[^'\n]*'|\$\([^()\n]*\)|\$(?!\()|\\[^\n]|[^\s;&|()\"'`$\\])+)",
    re.MULTILINE,
)
# `git clone ...` to the end of its command.
CLONE = re.compile(r"\bgit[ \t]+clone[ \t]+(?P<words>[^\n;&|]{1,1024})")
# `git clone`'s options that take the next word as their value.
_CLONE_VALUED = frozenset(
    {"-b", "--branch", "-o", "--origin", "-c", "--config", "--depth", "-j", "--jobs", "-u"}
    | {"--reference", "--template", "--filter", "--separate-git-dir", "--upload-pack"}
)


def cloned_folders(text: str) -> dict[str, int]:
    """The folders `git clone URL [DIR]` makes (DIR, or the URL's last part without `.git`),
    each with the offset of its first clone."""
    found: dict[str, int] = {}
    for match in CLONE.finditer(text) if "clone" in text else ():
        words, skip = [], False
        for word in match["words"].split():
            if skip:
                skip = False
            elif word.startswith("-"):
                skip = word in _CLONE_VALUED
            else:
                words.append(word.strip("\"'`"))
        if words:
            name = words[1] if len(words) > 1 else words[0].rstrip("/").rsplit("/", 1)[-1]
            found.setdefault(name.rsplit(":", 1)[-1].removesuffix(".git"), match.start())
    return found


# `for VAR in WORDS` at the start of a command; its body runs to the next `done`.
LOOP = re.compile(
    r"(?:^|[;&|(])[ \t]*for[ \t]+(?P<var>[A-Za-z_]\w{0,63})[ \t]+in[ \t]+(?P<words>[^;\n]*)",
    re.MULTILINE,
)
_BODY_CHARS = 8192
_DONE = re.compile(r"(?<![\w-])done(?![\w-])")
# A Markdown code fence: each block is run on its own, from the documented folder.
FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
# A heredoc's operator and delimiter: `<<EOF`, `<<-'EOF'`, `<< "EOF"`, `<<\EOF` (not `<<<`, a
# here-string; not `1 << 2`, a shift: a bare delimiter starts with a letter).
HEREDOC = re.compile(
    r"(?<!<)<<-?[ \t]*(?:'(?P<single>[^'\n]{1,64})'|\"(?P<double>[^\"\n]{1,64})\""
    r"|\\?(?P<word>[A-Za-z_][\w-]{0,63}))"
)
# A blank line: a Markdown paragraph ends there.
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_PAREN = re.compile(r"[()]")
# Shells that read a heredoc's body as commands, run in the same folder.
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})
_MAX_FOLDER = 1024  # characters of a folder a `cd` may lead to


_OPTION_NAME = re.compile(r"--\w[\w-]{0,63}")


class DeployCommand(NamedTuple):
    """`modal deploy|run|serve TARGET`: Modal imports the target's file to find the app."""

    offset: int  # of the target in the text
    target: str  # as written, `::object` included
    files: tuple[str, ...]  # the files it may name, likeliest first; () when templated
    verb: str = "deploy"
    module: bool = False  # `-m MODULE`
    # A target that is no `.py` file, written without `-m` (`modal deploy src.app`): Modal 1.x
    # refuses it; `files` are what it names as a module.
    unflagged: bool = False
    arguments: str = ""  # what follows the target on its line: `modal run`'s options
    name: str | None = None  # `--name NAME`: the app name a deploy gives instead of the file's

    @property
    def options(self) -> list[str]:
        """The `--options` given to what `modal run` runs (`--n=3` as `--n`)."""
        words = self.arguments.split()
        # The option's name alone: not `=3`, nor the `")` of a string it is printed in.
        names = (_OPTION_NAME.match(w) for w in words)
        return [name[0] for name in names if name is not None]

    @property
    def written(self) -> str:
        """The target's file or module part, without `::object`."""
        return self.target.split("::", 1)[0]

    @property
    def templated(self) -> bool:
        """Whether the target is filled in when the command runs (`$APP`, `<file>`, a glob)
        or by the reader (`your_app.py`, `path/to/app.py`)."""
        return _filled_in(self.target)


# A name a guide writes for the reader to fill in: `your_app.py`, `your-module.py`,
# `YourApp.py`, `path/to/app.py`, `xxx.py`, `modal-xxx/app.py`.
_READER_S = re.compile(
    r"(?:^|[/.])(?:[Yy]our(?:[_-]|[A-Z]|\.py$)|path/to/)|(?:^|[/._-])[Xx]{3,}(?:[./_-]|$)"
)


def _filled_in(target: str) -> bool:
    """Whether a command's target is filled in when it runs, or by the reader."""
    if "..." in target:  # `python .../x.py`: the reader's path, elided
        return True
    return any(c in target for c in "${}<>*") or _READER_S.search(target) is not None


class ScriptCall(NamedTuple):
    offset: int
    path: str


# `uvicorn module:attr` (gunicorn, hypercorn; `python -m uvicorn`; a Dockerfile's JSON form),
# with `--app-dir DIR` before it: the object an ASGI server imports and serves.
ASGI_SERVE = re.compile(
    r"(?P<server>uvicorn|gunicorn|hypercorn)(?<![\w.-]uvicorn)(?<![\w.-]gunicorn)(?<![\w.-]hypercorn)"
    r"[\"']?(?:[ \t,\"']{1,8}--app-dir[= \t\"',]{1,8}(?P<dir>[\w./-]{1,200}))?"
    r"[ \t,\"']{1,8}(?P<module>[A-Za-z_][\w.]{0,200}):(?P<attr>[A-Za-z_]\w{0,100})(?![\w(.:/-])"
)


class AsgiServe(NamedTuple):
    offset: int
    written: str  # `uvicorn modal_service:app`
    module: str  # `modal_service`
    attr: str  # `app`
    folder: str  # `--app-dir`'s folder, or ""


def asgi_serves(text: str) -> list[AsgiServe]:
    """Every `uvicorn module:attr` of a text."""
    found = []
    for m in ASGI_SERVE.finditer(text):
        written = f"{m['server']} {m['module']}:{m['attr']}"
        found.append(AsgiServe(m.start(), written, m["module"], m["attr"], m["dir"] or ""))
    return found


def shell_text(text: str, *, markdown: bool = False) -> str:
    """The text with every heredoc's body (and its closing delimiter line) blanked to spaces,
    newlines kept, so offsets, lines and columns stay those of `text`. A heredoc fed to a
    shell (`bash <<EOF`) runs its body as commands and is kept."""
    parts = []
    at = 0
    for begin, end in heredoc_bodies(text, markdown=markdown):
        parts += [
            text[at:begin],
            "\n".join(" " * len(line) for line in text[begin:end].split("\n")),
        ]
        at = end
    return "".join([*parts, text[at:]]) if parts else text


def heredoc_bodies(text: str, *, markdown: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each heredoc's body, through its closing delimiter's line. A body runs
    from the line after its operator (after the previous body, for a second operator on one
    line) to the first line that is the delimiter alone; an operator whose delimiter line never
    comes (before the code block's closing fence, in Markdown) is read as no heredoc."""
    if "<<" not in text:
        return []
    openers = list(HEREDOC.finditer(text))
    if not openers:
        return []
    lines = _lines_by_text(text)
    fences = [m.start() for m in FENCE.finditer(text)] if markdown else []
    bodies: list[tuple[int, int]] = []
    newline = -1
    for opener in openers:
        if bodies and bodies[-1][0] <= opener.start() < bodies[-1][1]:
            continue  # written inside a body: data
        if newline < opener.end():  # found once a line, however many operators it holds
            newline = text.find("\n", opener.end())
        if newline == -1:
            break
        begin = max(newline + 1, bodies[-1][1] if bodies else 0)
        delimiter = opener["single"] or opener["double"] or opener["word"]
        starts = lines.get(delimiter.strip(), [])
        found = bisect.bisect_left(starts, begin)
        if found == len(starts):
            continue
        close = starts[found]
        fence = bisect.bisect_left(fences, begin)
        if (fence < len(fences) and fences[fence] < close) or _fed_to_a_shell(text, opener):
            continue  # the code block ends first; a shell runs the body
        end = text.find("\n", close)
        bodies.append((begin, len(text) if end == -1 else end))
    return bodies


def _lines_by_text(text: str) -> dict[str, list[int]]:
    """Each line's text, stripped, with the offsets of the lines that hold it, in order."""
    found: dict[str, list[int]] = {}
    at = 0
    for line in text.split("\n"):
        found.setdefault(line.strip(), []).append(at)
        at += len(line) + 1
    return found


def _fed_to_a_shell(text: str, operator: re.Match[str]) -> bool:
    """Whether a heredoc's body goes to a shell, which runs it as commands: the operator's
    command is one (`bash <<EOF`, `sh -s <<EOF`), or its output is piped to one
    (`cat <<EOF | bash`). Only the 256 characters either side of the operator are read."""
    window = max(0, operator.start() - 256)
    start = (text.rfind("\n", window, operator.start()) + 1) or window
    before = text[start : operator.start()]
    for separator in ";&|(":
        before = before.rsplit(separator, 1)[-1]
    end = text.find("\n", operator.end(), operator.end() + 256)
    after = text[operator.end() : operator.end() + 256 if end == -1 else end]
    return any(_a_shell(command) for command in (before, *after.split("|")[1:]))


def _a_shell(command: str) -> bool:
    """Whether a command runs a shell on its input: `bash`, `sh -s`, `bash -e -x`."""
    words = command.split()
    return bool(words) and words[0] in _SHELLS and all(w.startswith("-") for w in words[1:])


def deploy_commands(text: str) -> list[DeployCommand]:
    """Every `modal deploy|run|serve TARGET` of a text (apply `shell_text` first)."""
    if "modal" not in text:
        return []
    found = []
    for match in DEPLOY.finditer(text):
        command = _command(match)
        if command is not None:
            found.append(command)
    return found


def _command(match: re.Match[str]) -> DeployCommand | None:
    """The command a match reads, with the files its target may name; None when the target
    is only punctuation (`for modal run / local testing`). Prose may end a sentence after a
    command: `Run modal deploy app.py.`"""
    target = match["target"].rstrip(".,:!?")
    if not any(char.isalnum() for char in target):
        return None
    at, verb, module = match.start("target"), match["verb"], bool(match["module"])
    written = target.split("::", 1)[0]
    if _filled_in(target):
        return DeployCommand(at, target, (), verb, module)  # templated
    arguments = _arguments(match.string, match.end("target"))
    if module:
        return DeployCommand(at, target, _module_files(written), verb, module, False, arguments)
    if written.endswith(".py"):
        given = _NAME_OPTION.search(f"{match['options']} {arguments}")
        name = given[1] if given is not None and not _filled_in(given[1]) else None
        return DeployCommand(at, target, (written,), verb, arguments=arguments, name=name)
    # Modal 1.x reads a target that is no `.py` file only with -m; without it, `modal deploy
    # src.app` prints "Error: Python module paths must be specified with the -m flag. Use
    # `modal deploy -m src.app` instead." (modal 1.6.4, before it reads any file).
    dotted = "/" not in written and all(part.isidentifier() for part in written.split("."))
    return DeployCommand(at, target, _module_files(written) if dotted else (), verb, unflagged=True)


def _arguments(text: str, at: int) -> str:
    """What follows a command's target, as far as `_REST` reads: when the command goes on
    past that, without the last word, which may be cut short (`--bootst`)."""
    rest = _REST.match(text, at)
    if rest is None:
        return ""
    further = _REST.match(text, rest.end())
    if further is None or not further[0]:
        return rest[0]
    return rest[0][: max(rest[0].rfind(" "), rest[0].rfind("\t"), 0)]


def _module_files(module: str) -> tuple[str, ...]:
    """The files a Python module path names: `src.app` is src/app.py or src/app/__init__.py."""
    base = module.replace(".", "/")
    return (f"{base}.py", f"{base}/__init__.py")


class LoopDeploy(NamedTuple):
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
            if command["verb"] != "deploy" or not any(name in target for name in names):
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


class LoopWords(NamedTuple):
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


class AppCommand(NamedTuple):
    """`modal app logs NAME`: a command about the deployed app NAME."""

    offset: int  # of the name
    verb: str
    name: str


def app_commands(text: str) -> list[AppCommand]:
    """Every `modal app logs|history|rollback|dashboard|stop NAME` that names an app (not a
    template, a placeholder in capitals such as `APP_NAME`, or an `ap-...` id)."""
    if "modal" not in text:
        return []
    found = []
    for match in APP_COMMAND.finditer(text):
        name = match["name"].rstrip(".,:!?")
        filled_in = any(c in name for c in "${}<>*") or name.isupper()
        if name and not filled_in and not name.startswith("ap-"):
            found.append(AppCommand(match.start("name"), match["verb"], name))
    return found


def in_fenced_code(text: str, offset: int) -> bool:
    """Whether `offset` of a Markdown text is in a fenced code block."""
    return sum(1 for _ in FENCE.finditer(text, 0, offset)) % 2 == 1


def in_markdown_code(text: str, offset: int) -> bool:
    """Whether `offset` of a Markdown text is code: in a fenced block, or in an inline code
    span of its line."""
    if in_fenced_code(text, offset):
        return True
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("`", line_start, offset) % 2 == 1


# `python path/x.py` where a command starts (a `$ ` prompt, `uv run` and the like allowed), or a
# quoted string does (`print("  python x.py --style a")`, `bash -c "python x.py"`).
PYTHON_RUN = re.compile(
    rf"(?:^|[;&|(`\"']){_PROMPT}(?:{_RUNNER})?"
    r"python(?:3(?:\.[0-9]{1,2})?)?[ \t]+(?:-[uBOq][ \t]+){0,4}(?P<path>[\w./-]{1,256}\.py)"
    r"(?![\w.-])",
    re.MULTILINE,
)


def python_runs(text: str) -> list[ScriptCall]:
    """Every `python path/x.py` that runs a file by its path (not a template's)."""
    if "python" not in text:
        return []
    return [
        ScriptCall(match.start("path"), match["path"])
        for match in PYTHON_RUN.finditer(text)
        if not _filled_in(match["path"])
    ]


# `make TARGET` where a command starts (options before it, but not `-C DIR` or `-f FILE`,
# which choose another Makefile).
MAKE = re.compile(
    rf"(?:^|[;(`]|&&|\|\|){_PROMPT}make"
    r"(?:[ \t]+-(?![Cf])[A-Za-z0-9]{1,8}){0,8}[ \t]+"
    r"(?P<target>[A-Za-z0-9_][\w.-]{0,63})(?![\w./=-])",
    re.MULTILINE,
)
# A rule's targets in a Makefile: `deploy test: ...`, `.PHONY: deploy` (not `X := 1`).
_RULE = re.compile(r"^(?P<targets>[^\s:#=][^:#=\n]{0,512}?)[ \t]*::?(?!=)", re.MULTILINE)
# What makes a Makefile define more than it shows: an `include`, a pattern rule (`%.o:`).
_MORE_RULES = re.compile(r"^-?include\b|^[^\s#]{0,512}%[^\n]{0,512}:", re.MULTILINE)
_PHONY = re.compile(r"^\.PHONY[ \t]*:[ \t]*([^\n]{0,4096})", re.MULTILINE)


def make_calls(text: str) -> list[ScriptCall]:
    """Every `make TARGET` a text runs (the target as `path`)."""
    if "make" not in text:
        return []
    return [ScriptCall(m.start("target"), m["target"]) for m in MAKE.finditer(text)]


def make_targets(makefile: str) -> frozenset[str] | None:
    """The targets a Makefile defines; None when it may define more than it shows (an
    `include`, a pattern rule, a target built from a variable)."""
    if _MORE_RULES.search(makefile):
        return None
    found: set[str] = set()
    for match in _RULE.finditer(makefile):
        names = match["targets"].split()
        if any("$" in name for name in names):
            return None
        found.update(names)
    phony = _PHONY.findall(makefile)
    return frozenset(found | {name for line in phony for name in line.split()})


def script_calls(text: str) -> list[ScriptCall]:
    if ".sh" not in text:
        return []
    found = []
    for match in SCRIPT.finditer(text):
        script = match["script"].split()[-1]
        if not any(c in script for c in "${}"):
            found.append(ScriptCall(match.start("script"), script.removeprefix("./")))
    return found


class _Cd(NamedTuple):
    """What moves the folders of a text's later commands: a `cd`, or a Markdown fence."""

    start: int
    target: str | None  # None: a Markdown code fence, where a new block starts
    end: int | None = None  # where its effect stops (a subshell's `)`); None: it lasts
    fresh: bool = False  # from the text's starting folders, not from earlier `cd`s
    # It starts its line of a document (`cd modal && modal deploy api.py`): a line that may
    # be written to be copied alone, so it moves from the starting folders too.
    alone: bool = False


class Folders:
    """Where a shell runs each command of a text: from each of `starts` (the folders the text
    may be run from: a script's own folder and the repository root, a step's working
    directory), moved by every `cd` before it; in Markdown, each code block starts again.
    A `cd` inside `( ... )` or `$( ... )` moves only the rest of that subshell; one right after
    a backtick only the rest of that substitution. In Markdown, a `cd` in inline code is typed
    from the starting folders, and moves the rest of its paragraph. A `cd` to a folder the
    text cannot tell (`cd $DIR`, `cd ~`, an absolute or a Windows path) leaves the command's
    folder unknown; `cd "$(dirname "$0")/.."` is relative to the script's own folder, `own`,
    and a script's variable set to such a folder (`cd "$ROOT"`) is that folder, from
    wherever the text was, known or not.
    `cd CHECKOUT/x`, where `checkout` is the name of the repository's own folder and no folder
    of it, is typed from above the checkout, as after `git clone`: into `x`."""

    def __init__(
        self,
        text: str,
        starts: list[str],
        own: str,
        *,
        markdown: bool = False,
        known: Callable[[str], bool] | None = None,
        checkout: str = "",
    ) -> None:
        self._starts = list(dict.fromkeys(starts))
        self._own = own
        # A Markdown text is no script: `$0` is nothing of its own there.
        self._variables = {} if markdown else folder_variables(text, own)
        self._known = known
        fences = [m.start() for m in FENCE.finditer(text)] if markdown else []
        cds = list(CD.finditer(text)) if "cd" in text else []
        closing = _closing_parens(text, [m.start("dir") for m in cds], fences)
        paragraphs = _paragraph_ends(text) if markdown and any(m["tick"] for m in cds) else []
        events = [_Cd(f, None) for f in fences]
        # `git clone URL [DIR]` then `cd DIR`: the clone is the repository, at its root.
        clones = cloned_folders(text)
        if checkout and known is not None and not known(checkout):
            clones.setdefault(checkout, -1)  # the checkout's own folder, from above it
        for match in cds:
            end = closing.get(match.start("dir"))
            if match["tick"]:
                end = _tick_end(text, match.end(), paragraphs if markdown else None)
            inline = markdown and bool(match["tick"])
            line_start = text.rfind("\n", 0, match.start()) + 1
            written = text[line_start : match.start("dir")].strip().removeprefix("$").strip()
            alone = markdown and written == "cd"  # a script runs its lines in sequence
            target = match["dir"].strip("\"'").rstrip("/")
            head, _, rest = target.partition("/")
            cloned = clones.get(head)
            if cloned is not None and cloned < match.start():
                # into the clone (or a folder of it): from the root
                events.append(_Cd(match.start(), None, end))
                if rest:
                    events.append(_Cd(match.start() + 1, rest, end))
                continue
            events.append(_Cd(match.start(), match["dir"], end, fresh=inline, alone=alone))
        self._events = sorted(events, key=lambda event: event.start)
        self._marks, self._states = self._timeline()

    def visited(self) -> list[str]:
        """Every folder some command of the text runs in: where a reader who follows the text
        may stand when a later block says `./x.sh`."""
        found = [f for state in self._states if state is not None for f in state]
        return list(dict.fromkeys([*self._starts, *found]))

    def at(self, offset: int) -> list[str] | None:
        """The folders a command at `offset` may run in; None when a `cd` made it unknown:
        every event before it applied in order, but a subshell's `cd` only up to its end."""
        found = bisect.bisect_right(self._marks, offset) - 1
        return self._states[found] if found >= 0 else self._starts

    def _timeline(self) -> tuple[list[int], list[list[str] | None]]:
        """The folders from each offset on where they change, in one pass over the events:
        an event applies from the offset after its start; at a subshell's end the folders
        are those from before its `cd`, with any later event still in force applied again."""
        events = self._events
        points = [(e.start + 1, 1, i) for i, e in enumerate(events)]
        points += [(e.end, 0, i) for i, e in enumerate(events) if e.end is not None]
        points.sort()
        live: list[tuple[int, list[str] | None]] = []  # (event, the folders before it)
        folders: list[str] | None = self._starts
        marks: list[int] = []
        states: list[list[str] | None] = []
        for (position, applies), group in itertools.groupby(points, key=lambda p: p[:2]):
            indexes = [index for _, _, index in group]
            if applies:
                for index in indexes:
                    live.append((index, folders))
                    folders = self._apply(folders, events[index])
            else:  # subshells end: undo them, and apply again what came after them
                ended, unfound, first = set(indexes), set(indexes), len(live)
                while unfound:  # from the top of the stack: the newest ends first
                    first -= 1
                    unfound.discard(live[first][0])
                folders = live[first][1]
                rest = [index for index, _ in live[first + 1 :] if index not in ended]
                del live[first:]
                for index in rest:
                    live.append((index, folders))
                    folders = self._apply(folders, events[index])
            marks.append(position)
            states.append(folders)
        return marks, states

    def _apply(self, folders: list[str] | None, event: _Cd) -> list[str] | None:
        """The folders after one event: a fence starts again; a `cd` moves them."""
        if event.target is None:
            return self._starts
        target = event.target.replace('"', "").replace("'", "")
        if event.fresh:
            return self._cd(self._starts, target)
        if folders is None:  # lost, unless the `cd` names its folder whatever the current one
            named = resolve(target, self._own, self._variables)
            return None if named is None else self._cd(self._starts, target)
        return self._cd(folders, target, alone=event.alone)

    def _cd(self, folders: list[str], target: str, *, alone: bool = False) -> list[str] | None:
        named = resolve(target, self._own, self._variables)
        if named is not None:
            return None if named.startswith("..") else [("" if named == "." else named)]
        if _absolute(target) and self._known is not None:
            inside = folder_inside(target, self._known)
            if inside is not None:
                return [inside]
        if any(c in target for c in "$~`\\") or target == "-" or _absolute(target):
            return None  # a variable, home, or a path outside what the repository can tell
        # From where the text has moved to; then, as a line written to be run alone
        # (`cd modal && modal deploy api.py` under `cd modal && modal deploy model.py`), from
        # where the text starts. A command resolves in the first folder where its file is.
        bases = [*folders, *(s for s in self._starts if alone and s not in folders)]
        moved = list(dict.fromkeys(posixpath.normpath(posixpath.join(f, target)) for f in bases))
        kept = [("" if f == "." else f) for f in moved if not f.startswith("..")]
        # No repository has a folder this deep: `cd a` a thousand times is not a path to follow.
        return kept if kept and all(len(f) <= _MAX_FOLDER for f in kept) else None


def folder_inside(target: str, known: Callable[[str], bool]) -> str | None:
    """The repository folder an absolute path on the writer's machine ends in
    (`/Users/me/Project\\ Beacon/Website/api` -> `Website/api`): the longest end of two parts
    or more that is a folder of the repository; one part will do under a home folder. None
    for any other path (`/app` in a container is no folder of the repository's)."""
    if any(c in target for c in "$`"):
        return None
    parts = [p for p in target.replace("\\ ", " ").split("/") if p]
    home = bool(parts) and parts[0] in ("Users", "home")
    for cut in range(1, len(parts)):
        tail = parts[cut:]
        if (len(tail) >= 2 or home) and known("/".join(tail)):
            return "/".join(tail)
    return None


def _absolute(target: str) -> bool:
    """An absolute path: POSIX (`/srv`), Windows (`C:\\Users`, `C:/Users`, `C:`), UNC."""
    drive = len(target) >= 2 and target[0].isascii() and target[0].isalpha() and target[1] == ":"
    return target.startswith(("/", "\\")) or drive


def _closing_parens(text: str, offsets: list[int], resets: list[int]) -> dict[int, int]:
    """For each of `offsets` inside parentheses, the offset of the `)` that closes the
    innermost `(` open there. A `)` with none open is not a close (`case` patterns, `1)` in a
    comment); parentheses never cross a reset (a Markdown fence)."""
    if not offsets or "(" not in text:
        return {}
    marks = [(m.start(), m[0]) for m in _PAREN.finditer(text)]
    marks += [(at, "cd") for at in offsets] + [(at, "reset") for at in resets]
    marks.sort()
    open_at: list[int] = []
    inside: dict[int, list[int]] = {}  # an open paren's offset: the `cd`s right inside it
    closing: dict[int, int] = {}
    for at, kind in marks:
        if kind == "(":
            open_at.append(at)
        elif kind == ")" and open_at:
            for cd in inside.pop(open_at.pop(), []):
                closing[cd] = at
        elif kind == "cd" and open_at:
            inside.setdefault(open_at[-1], []).append(at)
        elif kind == "reset":
            open_at, inside = [], {}
    return closing


def _tick_end(text: str, start: int, paragraphs: list[int] | None) -> int | None:
    """Where a `cd` right after a backtick stops: in a shell, at the backtick that closes the
    substitution; in Markdown (given its `paragraphs`' ends), at the end of the inline code's
    paragraph."""
    if paragraphs is not None:
        found = bisect.bisect_left(paragraphs, start)
        return paragraphs[found] if found < len(paragraphs) else None
    end = text.find("`", start)
    return end if end != -1 else None


def _paragraph_ends(text: str) -> list[int]:
    """Where each Markdown paragraph ends: at a blank line, or at a code fence."""
    ends = [m.start() for m in _BLANK_LINE.finditer(text)]
    return sorted(ends + [m.start() for m in FENCE.finditer(text)])
