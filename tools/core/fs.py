"""Files in and out: documents read with bounds, writes that never leave a half-written file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tools.core import inputs, redact
from tools.core.errors import FleetError, Problem


def _umask() -> int:
    mask = os.umask(0)  # read once, at import, before any thread could create a file
    os.umask(mask)
    return mask


# What `open()` gives a new file (0o666 less the umask); `mkstemp` alone would give 0o600.
_NEW_FILE_MODE = 0o666 & ~_umask()
# A registry of thousands of apps, an Actions event, a state file: all far below this.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


def read_document(
    path: Path | str,
    shown: str | Path,
    *,
    missing: str = "file not found",
    limit: int = MAX_DOCUMENT_BYTES,
) -> str:
    """A document a user gives (a registry, an event, a request body, a state file): a
    regular file of at most `limit` bytes of UTF-8, with universal newlines. Anything else is
    a FleetError naming `shown`; `/dev/zero` or a FIFO is refused before it is read."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        raise FleetError(Problem(missing, shown)) from None
    except OSError as error:
        raise FleetError(Problem(f"cannot read: {error.strerror}", shown)) from None
    if not stat.S_ISREG(found.st_mode):
        raise FleetError(Problem("not a regular file", shown))
    if found.st_size > limit:
        raise FleetError(Problem(f"larger than {limit // (1024 * 1024)} MiB", shown))
    try:
        data = inputs.read_bytes(str(path), limit + 1)
    except OSError as error:
        raise FleetError(Problem(f"cannot read: {error.strerror}", shown)) from None
    if len(data) > limit:  # it grew while being read
        raise FleetError(Problem(f"larger than {limit // (1024 * 1024)} MiB", shown))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FleetError(
            Problem(f"not UTF-8 text ({error.reason} at byte {error.start})", shown)
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def check_output(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be written: a folder, or a file
    in a folder that does not exist."""
    if path.is_dir():
        raise FleetError(Problem("is a folder, not a file", path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FleetError(Problem(f"no folder {folder} to write it in", path))


def write_output(path: Path, data: str | bytes, *, secret: bool = False) -> None:
    """A file the user named for fleet's output (`--results`, `--report`, `--out`): written
    atomically, secrets masked (`redact`), and a folder, a missing folder or a refusal is a
    FleetError naming it. `secret`: the file holds credentials on purpose; it is written
    as given, readable by its owner only. A device or a pipe (`/dev/stdout`) is written
    to, never replaced."""
    if path.is_dir():
        raise FleetError(Problem("is a folder, not a file", path))
    try:
        if isinstance(data, str):
            data = (data if secret else redact.mask(data)).encode("utf-8")
        if path.exists() and not path.is_file():
            with path.open("wb") as stream:
                stream.write(data)
            return
        write_bytes_atomic(path, data, mode=0o600 if secret else None)
    except OSError as error:
        raise FleetError(Problem(f"cannot write: {error.strerror}", path)) from None


def rewrite_in_repository(root: Path, relative: str, text: str) -> None:
    """Write `text` to the repository file `relative` (a fix, a generated file) the way an
    editor would: through a symlink that stays in the repository (the link is kept), never
    through one that leaves it (a FleetError), with the file's mode and its line endings
    (CRLF stays CRLF), atomically."""
    target = _confined(root, relative, "written")
    if target.is_dir():
        raise FleetError(Problem("is a folder, not a file", relative))
    if target.exists() and not target.is_file():
        raise FleetError(Problem("not a regular file", relative))
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
        if b"\r\n" in target.read_bytes()[: 64 * 1024]:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        write_bytes_atomic(target, text.encode("utf-8"), mode=mode)
    except OSError as error:
        raise FleetError(Problem(f"cannot write: {error.strerror}", relative)) from None


def read_in_repository(root: Path, relative: str) -> str | None:
    """The text of the repository file `relative` (universal newlines), or None when there is
    none; a FleetError when it leads outside the repository through a symlink."""
    target = _confined(root, relative, "read")
    if not target.is_file():
        return None
    return read_document(target, relative)


def _confined(root: Path, relative: str, doing: str) -> Path:
    """Where `relative` leads, through any symlinks: a FleetError unless inside `root`."""
    target = Path(os.path.realpath(root / relative))
    if not target.is_relative_to(Path(os.path.realpath(root))):
        raise FleetError(
            Problem(f"leads outside the repository (to {target}); not {doing}", relative)
        )
    return target


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` as UTF-8 with LF line ends, atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, then rename it into place; `mode` (e.g. an
    existing file's 0o755) is set before the rename, else the umask's default for a file."""
    import tempfile  # here: commands that write nothing do not pay for its import

    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode if mode is not None else _NEW_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
