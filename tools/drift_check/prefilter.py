"""One fast pass over a large repository before any file is read in Python.

A file can hold a finding of a per-file rule only if it holds one of a few strings: a name
or path the registry knows (an app, an endpoint, a retired thing), `modal.run`, `App(`,
`deploy`, an HTTP client's name, a suppression. ripgrep finds the files that hold any of
them, in native code and in parallel; only those are read and parsed. The others are noted
as inputs unread (a change to one still counts) and counted as checked.

The strings come from the registry as written, not from the validated model, so that the
pass runs (in its own process, waited for on a thread) while Python validates the registry.

Below `MIN_FILES` files, or without an `rg` executable, every file is read as before: the
pass costs a process start, which a small repository does not win back. A few checks have
no string of their own that is rare enough to search for (`make TARGET`, a class named in a
heading): in a large repository they read the files the pass hands over for other reasons.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from tools.core.errors import FleetError
from tools.core.registry import modal_names
from tools.core.registry.parse import read_registry_text, registry_data
from tools.drift_check import modal_api
from tools.drift_check.extract.commands import MODAL_CLI

MIN_FILES = 1000
# Bytes of paths on one command line: well below Linux's 2 MiB for arguments and environment.
_CHUNK_BYTES = 512 * 1024
# Strings a per-file rule needs before it reads anything (see each rule's pre-filter).
ALWAYS = (
    "modal.run",  # FL004, FL009: URLs
    "App(",  # FL006: Modal apps outside the registry
    "deploy",  # FL007, FL008: deploy commands and loops
    "modal run",  # FL007, FL008: run and serve commands
    "modal serve",
    ".sh",  # FL007: script calls
    "httpx",  # FL002, FL009: HTTP clients
    "requests",
    "label=",  # FL009: labels
    "fleet:",  # suppressions, generated blocks
    "redirect",  # FL009: fetch's redirect option
    "curl",
    "python ",  # FL007, FL008: `python src/x.py`
    "python3 ",
    "modal logs",  # FL007, FL008: a command the modal CLI does not have
    # FL014, as whole words: a short string (`corn `) makes the pass a third slower
    "uvicorn",
    "gunicorn",
    "hypercorn",
    "from_name(",  # FL005: lookups of deployed functions (`fromName(` in modal-js)
    "fromName(",
    "Function.lookup(",
    "Cls.lookup(",
    "Function_.lookup(",
    "MODAL_",  # FL015: settings for the fleet (`.modal.run` is above)
    "_MODAL",
    *(f"modal {group} " for group, commands in MODAL_CLI.items() if commands),
    *modal_api.WORDS,  # FL016: names and arguments modal no longer has
)
# Strings the registry-wide checks look for in every file, whatever files are named: a check
# of named files (pre-commit) searches for them all while Python loads and validates the
# registry. FL015: settings for the fleet; FL017: secrets created, and those code looks up
# (`Project.repository_secrets`).
SETTING_WORDS = frozenset({"MODAL_", "_MODAL", ".modal.run"})
SECRET_WORDS = frozenset({"secret"})
SECRET_LOOKUPS = frozenset({"Secret.from_name", "Secret.fromName", "secrets.fromName"})
WIDE = tuple(sorted(SETTING_WORDS | SECRET_WORDS | SECRET_LOOKUPS))


class Search:
    """A ripgrep pass under way on a thread: it waits for the file list, reads the registry's
    strings and runs ripgrep while the caller goes on (validating the registry, say).
    `beside`: the caller works meanwhile, so ripgrep keeps to one thread and leaves it a core."""

    def __init__(
        self,
        root: Path,
        paths: Callable[[], list[str]],
        registry_file: Path,
        *,
        beside: bool = True,
        strings: tuple[str, ...] | None = None,
    ) -> None:
        """`strings`: these, not the registry's and `ALWAYS`."""
        self._found: set[str] | None = None
        self._beside = beside
        self.strings = strings
        self._thread = threading.Thread(
            target=self._run, args=(root, paths, registry_file), daemon=True
        )
        self._thread.start()

    def _run(self, root: Path, paths: Callable[[], list[str]], registry_file: Path) -> None:
        listed = paths()
        rg = ripgrep() if len(listed) >= MIN_FILES else None
        if rg is None:
            return
        strings = self.strings
        if strings is None:
            try:
                data = registry_data(read_registry_text(registry_file), str(registry_file))
            except (FleetError, OSError):
                return  # the registry's validation says why
            strings = tuple(needles(data))
        self._found = holding(root, listed, strings, rg, beside=self._beside)

    def covers(self, words: AbstractSet[str]) -> bool:
        """Whether the pass looks for each of `words` as written."""
        return self.strings is not None and words <= set(self.strings)

    def found(self) -> set[str] | None:
        """The paths holding a string; None when there was no pass (a small repository, no
        ripgrep, a registry that does not parse) or it failed: then every file is read."""
        self._thread.join()
        return self._found


def needles(data: dict[str, Any]) -> list[str]:
    """Every string whose presence makes a file worth reading, from the registry as written.

    A superset of what the validated registry's index looks for (`RegistryIndex.map_keys`,
    `RegistryIndex.retired` and `RegistryIndex.web_by_setting`): every app's key, name and
    folder, every endpoint path, every setting that holds a URL and every retired thing. An
    entry of the wrong shape adds nothing; validation reports it.
    """
    found: set[str] = set()
    workspace = _text(data.get("workspace"))
    for key, written in _mapping(data.get("apps")).items():
        app = _mapping(written)
        name, folder = _text(app.get("name")), _text(app.get("dir"))
        # As `App.folder_name`: the folder's name, or the entry file's stem at the root.
        entry = _text(app.get("entry")) or "app.py"
        place = entry.removesuffix(".py") if folder == "." else folder.rsplit("/", 1)[-1]
        found |= {_text(key), name, place, name.removeprefix(f"{workspace}-")}
        found |= {_text(path) for path in _mapping(app.get("endpoints"))}
        webs = app.get("web")
        for web in map(_mapping, webs if isinstance(webs, list) else [webs]):
            found |= {_text(path) for path in _mapping(web.get("endpoints"))}
            found |= {_text(setting) for setting in _sequence(web.get("settings"))}
        # Not its classes' names (FL013's `### STTService`): a common word (`Server`) makes
        # the pass a sixth slower, and a document about one names the app or deploys it too.
    retired = _mapping(data.get("retired"))
    for app in map(_mapping, _sequence(retired.get("apps"))):
        name, url = _text(app.get("name")), _text(app.get("url"))
        found |= {name, url.split("--", 1)[-1].split(".", 1)[0] if "--" in url else ""}
        found.add(modal_names.default_label(name, "comfyui", "fastapi_app") if name else "")
        found |= {_text(path) for path in _sequence(app.get("files"))}
    apps = _mapping(data.get("apps"))
    for function in map(_mapping, _sequence(retired.get("functions"))):
        name, label = _text(function.get("function")), _text(function.get("label"))
        app_name = _text(_mapping(apps.get(_text(function.get("app")))).get("name"))
        default = modal_names.default_label(app_name, *name.split(".")) if name else ""
        found |= {name, label, default}
    for kind in ("endpoints", "files"):
        found |= {_text(_mapping(entry).get("path")) for entry in _sequence(retired.get(kind))}
    found |= {_text(_mapping(entry).get("name")) for entry in _sequence(retired.get("secrets"))}
    named = sorted({text.lstrip("/") for text in found if text.strip("/")} - set(ALWAYS))
    # The registry's strings, then the fixed ones as written: ripgrep took twice as long over
    # the same strings sorted together (`MODAL_` and `_MODAL` among the names).
    return [*named, *dict.fromkeys(ALWAYS)]


def _mapping(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _sequence(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def ripgrep() -> str | None:
    """The `rg` installed beside this Python (a dependency), else one on PATH."""
    beside = Path(sys.executable).parent / "rg"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("rg")


def holding(
    root: Path,
    paths: list[str],
    strings: Iterable[str],
    rg: str,
    *,
    ignore_case: bool = False,
    beside: bool = False,
) -> set[str] | None:
    """The paths whose text holds any of `strings` (in any case, with `ignore_case`); None
    when ripgrep fails (then every file is read). `beside`: a pass that runs while Python
    works keeps to one thread, leaving it a core; one that Python waits for takes them all."""
    patterns = "\n".join(strings).encode("utf-8", "surrogateescape")
    found: set[str] = set()
    for chunk in _chunks(paths):
        command = [
            rg,
            "--files-with-matches",
            "--fixed-strings",
            *(["--ignore-case"] if ignore_case else []),
            "--no-config",
            *(["--threads=1"] if beside else []),
            "--no-messages",
            "--no-ignore",
            "--hidden",
            "--null",
            "--file",
            "-",
            "--",
            *chunk,
        ]
        try:
            done = subprocess.run(
                command, cwd=root, input=patterns, capture_output=True, check=False
            )
        except OSError:
            return None
        if done.returncode not in (0, 1):  # 1: no file matched
            return None
        found |= {p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
    return found


def _chunks(paths: list[str]) -> list[list[str]]:
    """The paths in runs of at most `_CHUNK_BYTES`: one ripgrep process each."""
    chunks: list[list[str]] = [[]]
    size = 0
    for path in paths:
        if size + len(path) + 1 > _CHUNK_BYTES and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += len(path) + 1
    return chunks
