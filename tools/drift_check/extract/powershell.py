"""A PowerShell script as the shell-script rules read it: the same text, offsets kept, with
what moves its folder and what it prints written the way a shell writes them.

`Push-Location modal` and `Set-Location -Path modal` become `cd modal`; `Pop-Location`
becomes `cd -` (back to a folder the text does not name); `$PSScriptRoot`, the script's own
folder, becomes `$(dirname $0)`; `Write-Host "..."` becomes `echo "..."`; a `<# ... #>`
comment is blanked. Each is replaced by text of its own length, so lines and columns stay.
Commands a PowerShell script runs (`modal deploy app.py`, `python train.py`) are written as
in a shell and need nothing. Its loops are not: `loop_deploys` reads `foreach ($d in $list)`
over an array of paths (or of hashtables, `$d.file`), as `commands.loop_deploys` reads a
shell's `for`.
"""

from __future__ import annotations

import re

from tools.drift_check.extract.commands import DEPLOY, LoopDeploy

# A command that moves the script's folder, at the start of a line or after `{`/`;`:
# `Push-Location`, `Set-Location` and its aliases, with `-Path` or `-LiteralPath` after it.
_LOCATION = re.compile(
    r"(?P<before>^[ \t]*|[{;][ \t]*)"
    r"(?P<verb>Push-Location|Set-Location|pushd|chdir|sl)"
    r"(?P<option>[ \t]+-(?:Path|LiteralPath))?(?P<rest>[ \t][^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_POP = re.compile(r"(?P<before>^[ \t]*|[{;][ \t]*)(?P<verb>Pop-Location|popd)\b", re.I | re.M)
_WRITE = re.compile(r"\bWrite-(?:Host|Output)\b", re.IGNORECASE)
_SCRIPT_ROOT = re.compile(r"\$PSScriptRoot\b", re.IGNORECASE)
_OWN_FOLDER = "$(dirname $0)"  # as long as `$PSScriptRoot`
# `$Name = VALUE` on a line of its own.
_ASSIGNMENT = re.compile(
    r"^(?P<indent>[ \t]*)\$(?P<name>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*=[ \t]*"
    r"(?P<value>[^\n#;]{1,400})$",
    re.MULTILINE,
)
# A word of a value: a group in parentheses (one level inside), a quoted string, or a run
# of other characters.
_WORD = re.compile(r"\((?:[^()\n]|\([^()\n]*\))*\)|\"[^\"\n]*\"|'[^'\n]*'|[^\s()\"']+")
# A path from the script's own folder or a variable: `$(dirname $0)/..`, `$Root/apps`.
_PATH = re.compile(r"\$(?:\(dirname \$0\)|[A-Za-z_][A-Za-z0-9_]{0,63})(?:/[^\s$`()\"']{0,200})?")
# `$name = @(` opening an array, and `foreach ($x in $name) {` a loop over one.
_ARRAY = re.compile(r"^[ \t]*\$(?P<name>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*=[ \t]*@\(", re.M)
_FOREACH = re.compile(
    r"\bforeach[ \t]*\([ \t]*\$(?P<var>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t]+in[ \t]+"
    r"\$(?P<list>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*\)\s{0,64}\{",
    re.IGNORECASE,
)
# An item of an array: a quoted string, or a hashtable's `key = "value"` entries.
_ITEM = re.compile(
    r"@\{(?P<table>[^{}]{0,1024})\}|\"(?P<double>[^\"\n]{0,256})\"|'(?P<single>[^'\n]{0,256})'"
)
_ENTRY = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t]*=[ \t]*[\"'](?P<value>[^\"'\n]{0,256})[\"']"
)
_BODY_CHARS = 8192  # of an array or a loop: what one is made of is short
_DEPTH = 4  # groups and commands inside one another, at most
_SCRIPT_FILE = frozenset({"$MyInvocation.MyCommand.Path", "$MyInvocation.MyCommand.Definition"})


def as_shell(text: str) -> str:
    """The script with its folder moves, its own folder and its printing in a shell's
    words, and its block comments blanked; lines and columns as in `text`. The folder a
    move names is written with `/` (`Set-Location "$PSScriptRoot\\.."`)."""
    text = _blank_block_comments(text)
    if "$" in text and "=" in text:
        text = _ASSIGNMENT.sub(_assignment, text)
    text = _LOCATION.sub(_cd, text)
    text = _POP.sub(lambda m: m["before"] + _padded("cd -", m["verb"]), text)
    text = _WRITE.sub(lambda m: _padded("echo", m[0]), text)
    return _SCRIPT_ROOT.sub(_OWN_FOLDER, text)


def _cd(match: re.Match[str]) -> str:
    """`Push-Location X` as `cd X`, the rest of its line's backslashes as slashes; after a
    block's `{` as after `;`, where a shell's `cd` may follow."""
    moved = _padded("cd", match["verb"] + (match["option"] or ""))
    rest = match["rest"]
    folder = _folder(rest.strip(), 0) if "(" in rest else None  # `(Join-Path $X "..")`
    if folder is not None and len(folder) + 3 <= len(rest):
        rest = f' "{folder}"'.ljust(len(rest))
    return match["before"].replace("{", ";") + moved + rest.replace("\\", "/")


def _assignment(match: re.Match[str]) -> str:
    """`$Root = Split-Path -Parent $PSScriptRoot` as `Root="$(dirname $0)/.."`, when the
    value is a folder `folder` can tell and the shell's words are no longer; else as it is."""
    folder = _folder(match["value"].strip(), 0)
    if folder is None:
        return match[0]
    assigned = f'{match["indent"]}{match["name"]}="{folder}"'
    return assigned.ljust(len(match[0])) if len(assigned) <= len(match[0]) else match[0]


def _folder(value: str, depth: int) -> str | None:
    """A PowerShell value that names a folder, as a shell path: `$PSScriptRoot`, the
    folder of `$MyInvocation.MyCommand.Path`, a variable, a quoted path, or `Split-Path`,
    `Join-Path` or `Resolve-Path` of one; None for anything else."""
    words = _WORD.findall(value)
    if not words or depth > _DEPTH:
        return None
    if len(words) > 1:
        return _command_folder(words, depth)
    word = words[0]
    if word.startswith("("):
        return _folder(word[1:-1].strip(), depth + 1)
    word = _SCRIPT_ROOT.sub(_OWN_FOLDER, word.strip("\"'")).replace("\\", "/")
    return word if _PATH.fullmatch(word) else None


def _command_folder(words: list[str], depth: int) -> str | None:
    """`Split-Path -Parent X`, `Join-Path X child`, `Resolve-Path X` as a shell path."""
    head = words[0].lower()
    arguments = [w for w in words[1:] if not w.startswith("-")]
    options = {w.lower() for w in words[1:] if w.startswith("-")}
    inner = _folder(arguments[0], depth + 1) if arguments else None
    found = None
    if head in ("resolve-path", "convert-path") and len(arguments) == 1:
        found = inner
    elif head == "split-path" and len(arguments) == 1 and options <= {"-parent", "-path"}:
        parent = f"{inner}/.." if inner is not None else None
        found = _OWN_FOLDER if arguments[0] in _SCRIPT_FILE else parent
    elif head == "join-path" and len(arguments) == 2 and options <= {"-path", "-childpath"}:
        child = arguments[1].strip("\"'").replace("\\", "/")
        if inner is not None and child and not any(c in child for c in "$`()"):
            found = f"{inner}/{child}"
    return found


def _padded(word: str, replaced: str) -> str:
    return word.ljust(len(replaced))


def _blank_block_comments(text: str) -> str:
    """`<# ... #>` blanked to spaces, newlines kept; one never closed runs to the end."""
    if "<#" not in text:
        return text
    parts = []
    at = 0
    while (start := text.find("<#", at)) >= 0:
        end = text.find("#>", start + 2)
        end = len(text) if end < 0 else end + 2
        parts += [text[at:start], "".join(c if c == "\n" else " " for c in text[start:end])]
        at = end
    return "".join([*parts, text[at:]])


def loop_deploys(text: str) -> list[LoopDeploy]:
    """`foreach ($d in $deploys) { modal deploy $d }` over `$deploys = @("a.py", "b.py")`,
    or over hashtables (`@{ name = "A"; file = "a.py" }`, deployed as `$d.file`): the paths
    it deploys, as `commands.loop_deploys` gives a shell loop's."""
    if "foreach" not in text.lower() or "deploy" not in text:
        return []
    arrays = {m["name"].lower(): _items(text, m.end()) for m in _ARRAY.finditer(text)}
    found = []
    for loop in _FOREACH.finditer(text):
        items = arrays.get(loop["list"].lower())
        if not items:
            continue
        body = text[loop.end() : _block_end(text, loop.end())]
        variable = f"${loop['var']}".lower()
        for command in DEPLOY.finditer(body):
            target = command["target"].removeprefix("$(")
            head, _, field = target.lower().partition(".")
            line = body[body.rfind("\n", 0, command.start()) + 1 : command.start()]
            printed = line.lstrip().lower().startswith(("echo", "write-"))
            if command["verb"] != "deploy" or head != variable or printed:
                continue
            paths = [p for p in (_value(item, field) for item in items) if p]
            at = loop.end() + command.start("target")
            shown = command["target"] + (")" if target != command["target"] else "")
            found.append(LoopDeploy(at, shown, tuple(paths), loop.start()))
    return found


def _items(text: str, start: int) -> list[str | dict[str, str]]:
    """The strings and hashtables of the array that opens just before `start`."""
    end = _block_end(text, start, "(", ")")
    items: list[str | dict[str, str]] = []
    for item in _ITEM.finditer(text, start, end):
        if item["table"] is not None:
            items.append({e["key"].lower(): e["value"] for e in _ENTRY.finditer(item["table"])})
        else:
            items.append(item["double"] if item["double"] is not None else item["single"])
    return items


def _value(item: str | dict[str, str], field: str) -> str | None:
    """The path an item gives: the string itself, or the hashtable's `field`."""
    if isinstance(item, str):
        return None if field else item.replace("\\", "/")
    value = item.get(field) if field else None
    return value.replace("\\", "/") if value else None


def _block_end(text: str, start: int, opening: str = "{", closing: str = "}") -> int:
    """Where the block opened just before `start` closes: its closing bracket, counted
    through those inside it; at most `_BODY_CHARS` on."""
    depth = 1
    stop = min(len(text), start + _BODY_CHARS)
    for at in range(start, stop):
        char = text[at]
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return at
    return stop
