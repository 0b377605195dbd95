"""What a command read from disk, so that its result can be reused while none of it changes.

While `recording()` is active, every file read through `read_bytes` is noted with its
signature (size, modification and change times, inode), taken before the read, and a digest
of the bytes read; every `is_file` probe is noted with its answer. `Inputs.compare()` later
says what is no longer true, with git's rule for its index: a file whose signature is
unchanged, and whose times are older than the recording by more than the coarsest timestamp
granularity, has not changed; any other file is read again and compared by digest.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# A write in the same timestamp tick as a recorded read leaves the signature unchanged, so a
# file this recent is compared by content. FAT's 2 s is the coarsest granularity in use.
RACY_NS = 2_000_000_000
READ_STEP = 64 * 1024

# size, mtime_ns, ctime_ns, inode; then, for a file read, the bytes read and their digest.
# Lists, as JSON keeps them: a check of ten thousand files converts nothing.
Record = list[Any]


def signature(stat: os.stat_result) -> Record:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Changes:
    """How the inputs differ from a record: the files whose bytes changed, or `whole` when
    something no file-by-file update can follow changed (a wide input, a probe, a file gone)."""

    files: set[str] = field(default_factory=set)
    whole: bool = False
    refreshed: bool = False  # nothing changed, and the record now trusts more files


@dataclass
class Inputs:
    """Files read and modules run (absolute path -> record), existence probes, and the wide
    inputs: files (the registry, the configuration, the code) that every result depends on."""

    started_ns: int = field(default_factory=time.time_ns)
    reads: dict[str, Record] = field(default_factory=dict)
    probes: dict[str, bool] = field(default_factory=dict)
    wide: set[str] = field(default_factory=set)

    def note_read(self, path: str, stat: os.stat_result, data: bytes) -> None:
        self.reads[path] = [*signature(stat), len(data), digest(data)]

    def note_probe(self, path: str, answer: bool) -> None:
        self.probes.setdefault(path, answer)

    def note_files(self, files: list[str], *, wide: bool) -> None:
        """Files whose change matters although their bytes were not read (the modules that
        ran, a file that could not be read).

        A file written moments ago gets a digest, to be compared by content like any recent
        file; an older one only its signature, so that any change to it counts.
        """
        trusted_before = self.started_ns - RACY_NS
        for file in files:
            try:
                stat = os.stat(file)
                recent = max(stat.st_mtime_ns, stat.st_ctime_ns) >= trusted_before
                known = digest(read_bytes(file, record=False)) if recent else ""
            except OSError:
                continue
            self.reads.setdefault(file, [*signature(stat), stat.st_size, known])
            if wide:
                self.wide.add(file)

    def compare(self, now: int | None = None) -> Changes:
        """What changed since the recording. When nothing did, files that were compared by
        content and are now old enough to trust get today's signatures, and `started_ns`
        moves to `now` (the clock, in nanoseconds). A malformed record raises TypeError,
        ValueError or IndexError."""
        now = time.time_ns() if now is None else now
        trusted_before = self.started_ns - RACY_NS
        changes = Changes()
        fresh: dict[str, Record] = {}
        for path, record in self.reads.items():
            if _trusted(path, record, trusted_before):
                continue
            verified = _verify(path, record)
            if verified is not None:
                fresh[path] = verified
            elif path in self.wide or not os.path.isfile(path):
                return Changes(whole=True)
            else:
                changes.files.add(path)
        if any(os.path.isfile(path) != answer for path, answer in self.probes.items()):
            return Changes(whole=True)
        # Worth keeping only when a file compared by content can be trusted from now on.
        if not changes.files and any(
            max(record[1], record[2]) < now - RACY_NS for record in fresh.values()
        ):
            self.reads.update(fresh)
            self.started_ns = now
            changes.refreshed = True
        return changes


def _trusted(path: str, record: Record, trusted_before: int) -> bool:
    """The file has the recorded signature, recorded long enough before the check began."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return (
        stat.st_mtime_ns == record[1]
        and stat.st_size == record[0]
        and stat.st_ctime_ns == record[2]
        and stat.st_ino == record[3]
        and record[1] < trusted_before
        and record[2] < trusted_before
    )


def _verify(path: str, record: Record) -> Record | None:
    """A record with today's signature when the file's bytes are the recorded ones, else None."""
    size, _, _, _, count, recorded_digest = record
    try:
        stat = os.stat(path)
        if stat.st_size != size:
            return None
        data = read_bytes(path, count, record=False)
    except OSError:
        return None
    return [*signature(stat), count, recorded_digest] if digest(data) == recorded_digest else None


_CURRENT: ContextVar[Inputs | None] = ContextVar("inputs", default=None)


@contextmanager
def recording() -> Iterator[Inputs]:
    """Note every read and probe made through this module until the block ends."""
    inputs = Inputs()
    token = _CURRENT.set(inputs)
    try:
        yield inputs
    finally:
        _CURRENT.reset(token)


def read_bytes(
    path: str, limit: int | None = None, *, record: bool = True, follow: bool = True
) -> bytes:
    """The file's bytes, at most `limit` of them, noted when a recording is active.

    Plain `os.read` in steps: `open().read(limit)` allocates `limit` bytes for every file and
    goes through the buffered io layer, which made reading ten thousand small files four
    times slower.
    """
    inputs = _CURRENT.get() if record else None
    # Without `follow`, a symlink is refused (ELOOP): the caller decides where it may lead.
    descriptor = os.open(path, os.O_RDONLY if follow else os.O_RDONLY | os.O_NOFOLLOW)
    try:
        stat = os.fstat(descriptor) if inputs is not None else None
        want = READ_STEP if limit is None else min(READ_STEP, limit)
        chunks = [os.read(descriptor, want)]
        size = len(chunks[0])
        # A short read is the end of a regular file: no extra call to read nothing.
        while len(chunks[-1]) == want and (limit is None or size < limit):
            want = READ_STEP if limit is None else min(READ_STEP, limit - size)
            chunks.append(os.read(descriptor, want))
            size += len(chunks[-1])
    finally:
        os.close(descriptor)
    data = b"".join(chunks) if len(chunks) > 1 else chunks[0]
    if inputs is not None and stat is not None:
        inputs.note_read(os.path.abspath(path), stat, data)
    return data


def is_file(path: str) -> bool:
    """`os.path.isfile`, noted when a recording is active."""
    answer = os.path.isfile(path)
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.note_probe(os.path.abspath(path), answer)
    return answer


def note_unread(path: str) -> None:
    """A file a command could not read: a change to its signature changes the result."""
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.note_files([os.path.abspath(path)], wide=False)


def note_wide(path: str) -> None:
    """A file whose change changes every result (the registry, a configuration), read now or
    before the recording began."""
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.note_files([os.path.abspath(path)], wide=True)


def note_missing(path: str) -> None:
    """A file that a command looked for and did not find: its appearing changes the result."""
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.note_probe(os.path.abspath(path), False)


def read_text(path: str) -> str:
    """The file as UTF-8 text with universal newlines, as `Path.read_text` gives it, noted."""
    text = read_bytes(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
