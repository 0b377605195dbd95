"""One fast pass over a large repository before any file is read in Python.

A file can hold a finding of a per-file rule only if it holds one of a few strings: a name
or path the registry knows (an app, an endpoint, a retired thing), `modal.run`, `App(`,
`deploy`, an HTTP client's name, a suppression. ripgrep finds the files that hold any of
them, in native code and in parallel; only those are read and parsed. The others are noted
as inputs unread (a change to one still counts) and counted as checked.

Below `MIN_FILES` files, or without an `rg` executable, every file is read as before: the
pass costs a process start, which a small repository does not win back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from tools.drift_check.index import RegistryIndex

MIN_FILES = 1000
# Bytes of paths on one command line: well below Linux's 2 MiB for arguments and environment.
_CHUNK_BYTES = 512 * 1024
# Strings a per-file rule needs before it reads anything (see each rule's pre-filter).
ALWAYS = (
    "modal.run",  # FL004, FL009: URLs
    "App(",  # FL006: Modal apps outside the registry
    "deploy",  # FL007, FL008: deploy commands and loops
    ".sh",  # FL007: script calls
    "httpx",  # FL002, FL009: HTTP clients
    "requests",
    "label=",  # FL009: labels
    "fleet:",  # suppressions, generated blocks
    "redirect",  # FL009: fetch's redirect option
    "curl",
)


def needles(index: RegistryIndex) -> list[str]:
    """Every string whose presence makes a file worth reading."""
    found = set(ALWAYS)
    found |= {key.lstrip("/") for key in index.map_keys if key.strip("/")}
    found |= {retired.text.lstrip("/") for retired in index.retired if retired.text.strip("/")}
    return sorted(found)


def ripgrep() -> str | None:
    """The `rg` installed beside this Python (a dependency), else one on PATH."""
    beside = Path(sys.executable).parent / "rg"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("rg")


def holding(root: Path, paths: list[str], strings: Iterable[str], rg: str) -> set[str] | None:
    """The paths whose text holds any of `strings`; None when ripgrep fails (then every
    file is read)."""
    patterns = "\n".join(strings).encode("utf-8", "surrogateescape")
    found: set[str] = set()
    for chunk in _chunks(paths):
        command = [
            rg,
            "--files-with-matches",
            "--fixed-strings",
            "--no-config",
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
