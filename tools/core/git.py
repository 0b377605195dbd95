"""Every git call the toolkit makes, in one place, through the `git` executable.

One convention: a function returns git's answer or raises `GitError`. A question git answers
"no" with exit status 1 (no such commit, not an ancestor, no common ancestor) returns None or
False; any other failure (not a repository, a missing object, no git) raises.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tools.core.errors import FleetError


class GitError(FleetError):
    """A git command failed: one line naming the command, the folder and git's reason."""

    def __init__(self, root: Path, args: tuple[str, ...], reason: str) -> None:
        lines = [line for line in reason.strip().splitlines() if line.strip()]
        said = lines[-1].removeprefix("fatal: ") if lines else "failed"
        super().__init__(f"git {args[0] if args else ''} in {root}: {said}")


class Pending:
    """A git command started in the background; `output()` waits for it and checks it."""

    def __init__(self, root: Path, *args: str, stdin: bytes | None = None) -> None:
        self._root, self._args, self._stdin = root, args, stdin
        try:
            self._process = subprocess.Popen(
                ["git", "-C", str(root), *args],
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            raise GitError(root, args, f"cannot run git: {error.strerror}") from None

    def status(self) -> tuple[int, bytes, bytes]:
        stdout, stderr = self._process.communicate(self._stdin)
        return self._process.returncode, stdout, stderr

    def output(self) -> bytes:
        code, stdout, stderr = self.status()
        if code != 0:
            raise GitError(self._root, self._args, stderr.decode(errors="replace"))
        return stdout


def _run(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return Pending(root, *args, stdin=stdin).output()


def _answer(root: Path, *args: str) -> bytes | None:
    """The output, or None when git answers "no" (exit status 1)."""
    code, stdout, stderr = Pending(root, *args).status()
    if code == 1:
        return None
    # `git grep` says "unable to read" of a missing object and still exits 0: an answer
    # from part of the files is no answer.
    if code != 0 or b"unable to read" in stderr:
        raise GitError(root, args, stderr.decode(errors="replace"))
    return stdout


def list_work_tree(root: Path) -> Pending:
    """Start listing the tracked files and the untracked ones git does not ignore."""
    return Pending(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")


def work_tree_paths(output: bytes) -> list[str]:
    """The paths in `list_work_tree`'s output, relative to the root, sorted."""
    # A file deleted but still tracked is listed too: readers skip what is gone.
    return sorted(set(paths(output)))


def _decode(output: bytes) -> str:
    return output.decode("utf-8", errors="surrogateescape").strip()


def _text(root: Path, *args: str) -> str:
    return _decode(_run(root, *args))


def resolve(root: Path, ref: str) -> str | None:
    """The commit a ref names, or None when this history does not have it."""
    if ref.startswith("-") or "\0" in ref:
        return None  # never let a ref be read as an option
    found = _answer(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return None if found is None else _decode(found)


def resolve_all(root: Path, refs: list[str]) -> list[str | None]:
    """`resolve` for several refs, in one git process."""
    safe = [ref if not ref.startswith("-") and "\n" not in ref else "" for ref in refs]
    request = "".join(f"{ref}^{{commit}}\n" for ref in safe).encode()
    lines = _decode(_run(root, "cat-file", "--batch-check", stdin=request)).splitlines()
    found: list[str | None] = []
    for ref, line in zip(safe, lines, strict=True):
        fields = line.split()
        found.append(fields[0] if ref and len(fields) == 3 and fields[1] == "commit" else None)
    return found


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
    """The best common ancestor of two commits, or None when they share no history."""
    found = _answer(root, "merge-base", first, second)
    return None if found is None else _decode(found)


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    return _answer(root, "merge-base", "--is-ancestor", ancestor, descendant) is not None


def diff_names(root: Path, base: str, head: str) -> Pending:
    """Start listing what differs from `base` to `head`; `changes(pending.output())` reads it."""
    return Pending(root, "diff", "--name-status", "-z", "-M", "--no-ext-diff", base, head)


def changes(output: bytes) -> list[tuple[str, str, str | None]]:
    """(status, path, old path) for every file that differs, renames detected."""
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


def list_files_at(root: Path, commit: str) -> Pending:
    """Start listing the files of `commit`; `paths(pending.output())` reads the answer."""
    return Pending(root, "ls-tree", "-r", "-z", "--name-only", commit)


def paths(output: bytes) -> list[str]:
    """The NUL-separated paths of a listing."""
    return [p for p in output.decode("utf-8", errors="surrogateescape").split("\0") if p]


def read_at(root: Path, commit: str, paths: list[str]) -> dict[str, str]:
    """The text of each path at `commit` (paths it lacks are left out), in one git process."""
    found = read_blobs(root, [(commit, path) for path in paths])
    return {path: text for (_, path), text in found.items()}


def read_blobs(root: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The text of each (commit, path) there is, in one git process."""
    if not wanted:
        return {}
    request = "".join(f"{commit}:{path}\n" for commit, path in wanted).encode()
    out = _run(root, "cat-file", "--batch", stdin=request)
    texts: dict[tuple[str, str], str] = {}
    position = 0
    for key in wanted:
        newline = out.index(b"\n", position)
        header = out[position:newline].split()
        position = newline + 1
        if len(header) != 3:  # "<name> missing", "<name> ambiguous": not at that commit
            continue
        size = int(header[2])
        texts[key] = out[position : position + size].decode("utf-8", errors="replace")
        position += size + 1
    return texts


def grep_files(root: Path, commit: str, words: list[str], pathspec: str) -> set[str]:
    """The files at `commit` matching `pathspec` that hold any of `words` as a whole word."""
    if not words:
        return set()
    patterns = [arg for word in sorted(set(words)) for arg in ("-e", word)]
    # One thread: twice as fast as two on 500 files, and faster still on 2,750 (measured).
    command = ("grep", "--threads=1", "-l", "-z", "-F", "-w", *patterns, commit, "--", pathspec)
    found = _answer(root, *command)
    prefix = f"{commit}:"
    paths = _decode(found or b"").split("\0")
    return {p.removeprefix(prefix) for p in paths if p}


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


def is_clean(root: Path) -> bool:
    """No change to a tracked file and no untracked file git does not ignore: what the
    `modal` client checks before it records a commit without `*`."""
    return not _run(root, "status", "--porcelain", "-z", "--untracked-files=normal")


def add_worktree(root: Path, folder: Path, commit: str) -> None:
    """Check out `commit` into `folder`, a new worktree with a detached HEAD."""
    _run(root, "worktree", "add", "--quiet", "--detach", str(folder), commit)


def remove_worktree(root: Path, folder: Path) -> None:
    _run(root, "worktree", "remove", "--force", str(folder))


def tags_at(root: Path) -> dict[str, str]:
    """Every tag and the commit it names."""
    output = _text(
        root,
        "for-each-ref",
        "--format=%(refname:short)%00%(objectname)%00%(*objectname)",
        "refs/tags",
    )
    found = {}
    for line in output.splitlines():
        name, direct, peeled = [*line.split("\0"), "", ""][:3]
        found[name] = peeled or direct
    return found


def prefix(root: Path) -> str:
    """Where `root` lies inside its repository: `""` at the top, else `sub/dir/`."""
    return _text(root, "rev-parse", "--show-prefix")
