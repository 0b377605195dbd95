"""Every git call the toolkit makes, in one place, through the `git` executable.

Plain subprocesses keep `fleet check` free of GitPython's import cost; the few calls it needs
are one-liners.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitUnavailable(Exception):
    """Not a git work tree, or no git executable."""


class Pending:
    """A git command started in the background; `output()` waits for it and checks it."""

    def __init__(self, root: Path, *args: str) -> None:
        try:
            self._process = subprocess.Popen(
                ["git", "-C", str(root), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except FileNotFoundError:
            raise GitUnavailable("git is not installed") from None

    def output(self) -> bytes:
        stdout, stderr = self._process.communicate()
        if self._process.returncode != 0:
            raise GitUnavailable(stderr.decode(errors="replace").strip())
        return stdout


def _run(root: Path, *args: str) -> bytes:
    return Pending(root, *args).output()


def list_work_tree(root: Path) -> Pending:
    """Start listing the tracked files and the untracked ones git does not ignore."""
    return Pending(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")


def work_tree_paths(output: bytes) -> list[str]:
    """The paths in `list_work_tree`'s output, relative to the root, sorted."""
    # A file deleted but still tracked is listed too: readers skip what is gone.
    return sorted({p for p in output.decode("utf-8", errors="surrogateescape").split("\0") if p})


def _text(root: Path, *args: str) -> str:
    return _run(root, *args).decode("utf-8", errors="surrogateescape").strip()


def _succeeds(root: Path, *args: str) -> bool:
    try:
        _run(root, *args)
    except GitUnavailable:
        return False
    return True


def resolve(root: Path, ref: str) -> str | None:
    """The commit a ref names, or None when this history does not have it."""
    if ref.startswith("-"):
        return None  # never let a ref be read as an option
    try:
        return _text(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitUnavailable:
        return None


def is_shallow(root: Path) -> bool:
    return _text(root, "rev-parse", "--is-shallow-repository") == "true"


def deepen(root: Path, commits: int | None) -> None:
    """Fetch more history: `commits` more, or all of it when None."""
    _run(
        root,
        "fetch",
        "--quiet",
        "--no-tags",
        *(["--unshallow"] if commits is None else [f"--deepen={commits}"]),
    )


def merge_base(root: Path, first: str, second: str) -> str | None:
    try:
        return _text(root, "merge-base", first, second)
    except GitUnavailable:
        return None


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    return _succeeds(root, "merge-base", "--is-ancestor", ancestor, descendant)


def changed_files(root: Path, base: str, head: str) -> list[tuple[str, str, str | None]]:
    """(status, path, old path) for every file that differs, renames detected."""
    output = _run(root, "diff", "--name-status", "-z", "-M", "--no-ext-diff", base, head)
    fields = output.decode("utf-8", errors="surrogateescape").split("\0")
    changes = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status.startswith(("R", "C")):
            changes.append((status[0], fields[i + 2], fields[i + 1]))
            i += 3
        else:
            changes.append((status[0], fields[i + 1], None))
            i += 2
    return changes


def files_at(root: Path, commit: str) -> list[str]:
    output = _run(root, "ls-tree", "-r", "-z", "--name-only", commit)
    return [p for p in output.decode("utf-8", errors="surrogateescape").split("\0") if p]


def read_at(root: Path, commit: str, paths: list[str]) -> dict[str, str]:
    """The text of each path at `commit` (paths it lacks are left out), in one git process."""
    if not paths:
        return {}
    request = "".join(f"{commit}:{path}\n" for path in paths).encode()
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input=request,
            capture_output=True,
            check=True,
        )
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        raise GitUnavailable(str(error)) from None
    out = result.stdout
    texts: dict[str, str] = {}
    position = 0
    for path in paths:
        newline = out.index(b"\n", position)
        header = out[position:newline].split()
        position = newline + 1
        if len(header) == 2 and header[1] == b"missing":
            continue
        size = int(header[2])
        texts[path] = out[position : position + size].decode("utf-8", errors="replace")
        position += size + 1
    return texts


def tags_merged(root: Path, commit: str) -> list[str]:
    """Tags reachable from `commit`, newest first."""
    output = _text(root, "tag", "--merged", commit, "--sort=-creatordate")
    return [t for t in output.splitlines() if t]


def log_subjects(
    root: Path, base: str | None, head: str, paths: list[str]
) -> list[tuple[str, str]]:
    """(commit, subject) of the commits in base..head (all of head without a base) that touch
    `paths`, newest first."""
    revision = f"{base}..{head}" if base else head
    output = _text(root, "log", "--format=%H%x00%s", revision, "--", *paths)
    return [tuple(line.split("\0", 1)) for line in output.splitlines() if "\0" in line]  # type: ignore[misc]
