"""Folders a shell script names by where it lies: `$(dirname "$0")/..`, the top of its
repository (`$(git rev-parse --show-toplevel)`), and variables it sets to one of those
(`ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"`, then `cd "$ROOT"`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

# What `dirname` is given for the script's own folder, and what wraps it to resolve links.
_SCRIPT_ARGUMENTS = ("$0", "${0}", "$BASH_SOURCE", "${BASH_SOURCE}", "${BASH_SOURCE[0]}")
_WRAPPERS = ("{}", "$(realpath {})", "$(readlink -f {})")
# The script's own folder, quotes removed: `$(dirname "$0")`, `` `dirname $0` ``, `${0%/*}`.
_SCRIPT_FOLDER = (
    *(
        form.format(wrapper.format(argument))
        for form in ("$(dirname {})", "`dirname {}`")
        for wrapper in _WRAPPERS
        for argument in _SCRIPT_ARGUMENTS
    ),
    "${0%/*}",
    "${BASH_SOURCE%/*}",
    "${BASH_SOURCE[0]%/*}",
)
# The top of the repository the script is run in.
_TOP = ("$(git rev-parse --show-toplevel)", "`git rev-parse --show-toplevel`")
# `NAME=VALUE` at the start of a line (`export`, `readonly`, `local` or `declare` before it).
_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:(?:export|readonly|local|declare)[ \t]+)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]{0,63})=(?P<value>[^\n]{0,512})",
    re.MULTILINE,
)
# `$NAME` or `${NAME}` at the start of a path.
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]{0,63})\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]{0,63}))"
)
# Around the folder of `cd` in `$(cd DIR && pwd)`: options before it, redirections after it.
_OPTIONS = ("-P ", "-L ", "-- ")
_REDIRECTIONS = (">/dev/null", "> /dev/null", "2>/dev/null", "2>&1", "&>/dev/null", "&> /dev/null")


def script_relative(target: str) -> str | None:
    """For the script's own folder or one relative to it (`$(dirname $0)/..`), quotes
    removed, the rest of the path (`./..`); None for any other target."""
    word = " ".join(target.split())
    for form in _SCRIPT_FOLDER:
        rest = word.removeprefix(form)
        if rest != word and (not rest or rest.startswith("/")):
            return f".{rest}"
    return None


def folder_variables(text: str, own: str) -> dict[str, str]:
    """The variables a script sets to a folder it can tell, each to that folder in the
    repository (`.`: the top; `..` first: above it). A variable set to two folders, or
    to one and to something else, is left out: which one a command sees depends on the run."""
    found: dict[str, str | None] = {}
    for match in _ASSIGNMENT.finditer(text) if "=" in text else ():
        name = match["name"]
        folder = _value(_first_word(match["value"]), own, found)
        found[name] = folder if found.get(name, folder) == folder else None
    return {name: folder for name, folder in found.items() if folder is not None}


def resolve(target: str, own: str, variables: Mapping[str, str | None]) -> str | None:
    """The folder in the repository a path means, quotes removed, when it starts at the
    script's own folder, the repository's top or a variable of `variables` (`..` first:
    above the top); None for any other path."""
    script = script_relative(target)
    if script is not None:
        return posixpath.normpath(posixpath.join(own, script))
    for top in _TOP:
        rest = target.removeprefix(top)
        if rest != target and (not rest or rest.startswith("/")):
            return posixpath.normpath(f".{rest}")
    match = _VARIABLE.match(target)
    if match is None:
        return None
    folder = variables.get(match["braced"] or match["bare"])
    rest = target[match.end() :]
    if folder is None or (rest and not rest.startswith("/")):
        return None
    return posixpath.normpath(posixpath.join(folder or ".", f".{rest}"))


def _value(word: str, own: str, variables: Mapping[str, str | None]) -> str | None:
    """The folder an assigned value names: a path as `resolve` reads it, or one that
    `$(cd PATH && pwd)`, `$(realpath PATH)` or `$(readlink -f PATH)` prints."""
    word = word.replace('"', "").replace("'", "")
    if word.startswith("$(") and word.endswith(")"):
        inner = word[2:-1].strip()
        for joint in ("&&", ";"):
            first, found, last = inner.rpartition(joint)
            if found and last.strip() in ("pwd", "pwd -P") and first.startswith("cd "):
                return resolve(_cd_folder(first.removeprefix("cd ")), own, variables)
        for wrapper in ("realpath ", "readlink -f "):
            if inner.startswith(wrapper):
                return resolve(inner.removeprefix(wrapper).strip(), own, variables)
    return resolve(word, own, variables)


def _cd_folder(words: str) -> str:
    """The folder of `cd`'s words: its options before it, redirections after it removed."""
    words = words.strip()
    while words.startswith(_OPTIONS):
        words = words[2:].strip()
    while words.endswith(_REDIRECTIONS):
        words = words.removesuffix(next(r for r in _REDIRECTIONS if words.endswith(r))).strip()
    return words


def _first_word(value: str) -> str:
    """The shell word a value starts with: up to the first blank, `;`, `&`, `|` or `#` outside
    quotes and `$( ... )` (each of which quotes anew inside)."""
    stack: list[str] = []  # `"` or `(`, innermost last
    at = 0
    while at < len(value):
        char = value[at]
        top = stack[-1] if stack else ""
        if char == "\\":
            at += 1  # the next character stands for itself
        elif top == '"':
            if char == '"':
                stack.pop()
            elif value.startswith("$(", at):
                stack.append("(")
                at += 1
        elif char == "'":
            end = value.find("'", at + 1)
            at = len(value) if end == -1 else end
        elif char == '"':
            stack.append('"')
        elif char == "(":
            stack.append("(")
        elif char == ")":
            if not stack:
                break
            stack.pop()
        elif not stack and char in " \t;#&|":
            break
        at += 1
    return value[:at]
