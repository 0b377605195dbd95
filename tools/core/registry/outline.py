"""What change detection needs of a registry, read without pydantic: each app's key, name,
folder, entry file and whether CI deploys it, the triggers, and every entry as written, for a
semantic diff.

An outline checks the fields it reads, and only those: a plan depends on nothing else. The
full model (`tools.core.registry.load`) validates the rest where it is used, before anything
deploys. Outlines are kept in the cache by text: JSON, read four times faster than the YAML
is parsed.
"""

from __future__ import annotations

from functools import cache as memoize
from pathlib import Path
from typing import Any, NamedTuple

from tools.core import cache, serial
from tools.core.errors import FleetError, Problem
from tools.core.paths import is_folder, is_inside, joined
from tools.core.registry import modal_names
from tools.core.registry.parse import registry_data

DEFAULT_ENTRY = "app.py"
FLEET_WIDE = ("workspace", "environments", "policy")


class AppOutline(NamedTuple):
    key: str
    name: str
    dir: str
    entry: str
    written: dict[str, Any]  # the entry as written
    legacy: bool = False  # kept live on purpose, never deployed by CI

    @property
    def entry_path(self) -> str:
        return joined(self.dir, modal_names.split_target(self.entry)[0])


class RegistryOutline(NamedTuple):
    apps: dict[str, AppOutline]
    triggers: tuple[str, ...]
    fleet_wide: dict[str, Any]  # what every app's URLs and limits depend on, as written


def outline(text: str, source: str) -> RegistryOutline:
    """The outline of a registry text; a FleetError, at its line, when a field it reads is
    missing or of the wrong kind."""
    kept = cache.load("outline", _version(), text)
    if kept is not None:
        try:
            restored: RegistryOutline = serial.decode(RegistryOutline, kept)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError):
            pass  # a damaged entry: read again, and replaced
        else:
            return restored
    found = _outline(text, source)
    cache.store("outline", _version(), text, found)  # JSON as it is: NamedTuples are arrays
    return found


def _outline(text: str, source: str) -> RegistryOutline:
    data = registry_data(text, source)
    problems: list[tuple[tuple[str, ...], str]] = []
    apps = data.get("apps")
    if not isinstance(apps, dict) or not apps:
        problems.append((("apps",), "must map app keys to apps"))
        apps = {}
    found = {}
    for key, app in apps.items():
        where = ("apps", str(key))
        if not isinstance(app, dict):
            problems.append((where, "must be a mapping"))
            continue
        name, folder, entry = app.get("name"), app.get("dir"), app.get("entry", DEFAULT_ENTRY)
        if not isinstance(name, str) or not name.strip("."):
            problems.append(((*where, "name"), "must be the app's Modal name"))
        if not is_folder(folder):
            problems.append(
                ((*where, "dir"), "must be a relative path inside the repository, or `.`")
            )
        file = modal_names.split_target(str(entry))[0]
        if not is_inside(file) or not file.endswith(".py"):
            problems.append(((*where, "entry"), "must be a Python file inside the app's folder"))
        legacy = app.get("legacy", False)
        if not isinstance(legacy, bool):
            problems.append(((*where, "legacy"), "must be true or false"))
        found[str(key)] = AppOutline(str(key), name, folder, entry, app, legacy is True)
    triggers = data.get("triggers", [])
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        problems.append((("triggers",), "must be a list of globs"))
        triggers = []
    if problems:
        from tools.core.yaml_lines import load_yaml

        located = load_yaml(text, source)
        raise FleetError(
            *(
                Problem(f"{'.'.join(loc)}: {why}", source, located.line_of(loc))
                for loc, why in problems
            )
        )
    wide = {name: data.get(name) for name in FLEET_WIDE}
    return RegistryOutline(found, tuple(triggers), wide)


@memoize
def _version() -> str:
    here = Path(__file__).parent
    files = (here / "outline.py", here / "parse.py", Path(serial.__file__))
    return cache.code_version(*map(str, files))
