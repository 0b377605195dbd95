"""Paths joined to a setting that holds a web function's URL: `${MODAL_BASE_URL}/generate`
(a template string, a shell word), `$MODAL_BASE_URL/health`, the setting read in place
(`${process.env.MODAL_BASE_URL}/generate`, `f"{os.environ['MODAL_BASE_URL']}/generate"`),
and, where the file binds a
name to the setting (`const BASE = process.env.MODAL_BASE_URL || ""`,
`BASE = os.getenv("MODAL_BASE_URL")`), `${BASE.replace(/\\/$/, "")}/generate`,
`f"{BASE}/generate"` and `BASE + "/generate"`."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

# `NAME = <the setting>`: JavaScript's `process.env.S`, `process.env["S"]`,
# `import.meta.env.S`; Python's `os.getenv("S")`, `os.environ.get("S")`, `os.environ["S"]`.
_BINDING = re.compile(
    r"(?P<name>[A-Za-z_$][\w$]{0,63})[ \t]*(?::[ \t]*[\w.\[\]| ]{1,64})?=[ \t]*"
    r"(?:process\.env\.|import\.meta\.env\.|process\.env\[[ \t]*['\"]"
    r"|os\.(?:getenv|environ\.get)\([ \t]*['\"]|os\.environ\[[ \t]*['\"])"
    r"(?P<setting>[A-Za-z_]\w{0,63})"
)
# What a path is made of, to the end of its string or word.
_PATH = r"(?P<path>/[^\s'\"`?#]{0,512})"
# A name joined to a path: `${NAME}` (maybe with method calls, `${NAME.replace(...)}`),
# `{NAME}` in an f-string, the setting read in place (`${process.env.S}`,
# `{os.environ["S"]}`), `$NAME` in a shell word, `NAME + "/path"`.
_USE = re.compile(
    r"\$?\{(?:process\.env\.|import\.meta\.env\.|os\.environ\[[ \t]*['\"]"
    + r"|os\.(?:getenv|environ\.get)\([ \t]*['\"])"
    + r"(?P<read>[A-Za-z_]\w{0,63})(?:['\"][^{}\n]{0,64})?\}"
    + _PATH.replace("path", "read_path")
    + r"|\$?\{(?P<braced>[A-Za-z_$][\w$]{0,63})(?:\.[A-Za-z_]\w{0,31}\([^(){}\n]{0,64}\)){0,3}\}"
    + _PATH
    + r"|\$(?P<bare>[A-Za-z_]\w{0,63})"
    + _PATH.replace("path", "bare_path")
    + r"|(?<![\w$.])(?P<added>[A-Za-z_$][\w$]{0,63})[ \t]*\+[ \t]*(?P<quote>['\"`])"
    + _PATH.replace("path", "added_path")
)


class SettingJoin(NamedTuple):
    offset: int  # of the use
    written: str  # `${MODAL_BASE_URL}/generate`
    setting: str  # `MODAL_BASE_URL`
    path: str  # `/generate`, its templated segments as written


def setting_joins(text: str, settings: Collection[str]) -> list[SettingJoin]:
    """Every path the text joins to one of `settings`, directly or through a name bound to
    it."""
    present = [setting for setting in settings if setting in text]
    if not present:
        return []
    names = {setting: setting for setting in present}
    for match in _BINDING.finditer(text):
        if match["setting"] in present:
            names.setdefault(match["name"].lstrip("$"), match["setting"])
    found = []
    for match in _USE.finditer(text):
        name = match["braced"] or match["bare"] or match["added"] or match["read"]
        setting = names.get(name)
        if setting is None:
            continue
        path = match["path"] or match["bare_path"] or match["added_path"] or match["read_path"]
        written = match[0] + (match["quote"] or "")  # `BASE + "/jobs/"`, the string closed
        found.append(SettingJoin(match.start(), written, setting, path))
    return found
