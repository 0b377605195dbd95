"""A PowerShell script as the shell-script rules read it: the same text, offsets kept, with
what moves its folder and what it prints written the way a shell writes them.

`Push-Location modal` and `Set-Location -Path modal` become `cd modal`; `Pop-Location`
becomes `cd -` (back to a folder the text does not name); `$PSScriptRoot`, the script's own
folder, becomes `$(dirname $0)`; `Write-Host "..."` becomes `echo "..."`; a `<# ... #>`
comment is blanked. Each is replaced by text of its own length, so lines and columns stay.
Commands a PowerShell script runs (`modal deploy app.py`, `python train.py`) are written as
in a shell and need nothing.
"""

from __future__ import annotations

import re

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
    return match["before"].replace("{", ";") + moved + match["rest"].replace("\\", "/")


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
