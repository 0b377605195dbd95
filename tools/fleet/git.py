"""Every git call the toolkit makes, in one place, through the `git` executable.

Plain subprocesses keep `fleet check` free of GitPython's import cost; the few calls it needs
are one-liners.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitUnavailable(Exception):
    """Not a git work tree, or no git executable."""


def _run(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    if result.returncode != 0:
        raise GitUnavailable(result.stderr.decode(errors="replace").strip())
    return result.stdout


def work_tree_files(root: Path) -> list[str]:
    """Tracked files and untracked ones git does not ignore, relative to `root`, sorted."""
    output = _run(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    # A file deleted but still tracked is listed too: readers skip what is gone.
    return sorted({p for p in output.decode("utf-8", errors="surrogateescape").split("\0") if p})
