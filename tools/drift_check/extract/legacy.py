"""Whether a repository says a file is kept only for reference (legacy): in the file's own
header, or in a document that names it; whether a document says it is a plan; and whether a
line is in a dated entry of a log.

A script that benchmarks a stopped variant, kept beside the live ones, calls what the registry
retired on purpose, and says so: `Legacy: kept for reference` in its docstring, or a README
that lists it under `## Run the FA2 comparison (legacy)` or as `compare_fa2.py  # deprecated`.
A file nothing marks is not guessed: it is a live script with a stale reference.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from tools.drift_check.extract import markdown
from tools.drift_check.extract.python import module_header
from tools.drift_check.selection import DOCUMENTS
from tools.drift_check.source import SourceFile, path_start

# What a team writes of a file it keeps but no longer uses. Words that describe a change
# (removed, replaced, stopped) say what happened to an app, not what the file is.
LEGACY = re.compile(
    r"\b(?:legacy|deprecated|obsolete|archived|unmaintained|"
    r"kept (?:only )?for (?:reference|the record)|for reference only|"
    r"no longer (?:used|maintained|run|supported))\b",
    re.IGNORECASE,
)
# A document's status field that says it is not done: a plan, a draft, an experiment.
PLANNED = re.compile(
    r"^[^\w\n]{0,8}status[^\w\n:=]{0,8}[:=][^\n]{0,40}?\b(?:planning|planned|pending|draft|proposed|"
    r"proposal|"
    r"research|ready (?:for implementation|to implement)|"
    r"not (?:yet )?(?:started|implemented|tested|evaluated|done)|todo|wip)\b",
    re.IGNORECASE | re.MULTILINE,
)
_HEAD_LINES = 30
_MAX_MENTIONS = 256  # per document: bounded work on any text


# A heading that begins with a date (`### 2026-04-11 — Lab report deploy`, `## March 3, 2026`):
# an entry of a log or changelog, which records what was so that day.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
DATED = re.compile(
    rf"[\W_]{{0,8}}(?:\d{{4}}[-/.]\d{{2}}[-/.]\d{{2}}|{_MONTH} \d{{1,2}},? \d{{4}}"
    rf"|\d{{1,2}} {_MONTH} \d{{4}})(?!\d)"
)


def under_a_dated_heading(source: SourceFile, line: int) -> bool:
    """Whether a document's line is in a section whose heading begins with a date."""
    found = [h for h in markdown.headings(source) if h.line <= line]
    return bool(found) and DATED.match(found[-1].title) is not None


def header_says_legacy(source: SourceFile) -> bool:
    """Whether the file's header (its first block of comment lines, a Python module's
    docstring) calls it legacy; `// Legacy endpoints` after a blank line is of what follows."""
    if source.suffix == "py":
        return LEGACY.search(module_header(source).strip()) is not None
    header: list[str] = []
    for line in source.lines[:64]:
        stripped = line.strip()
        if not stripped and header:
            break  # the file's first comment block; a later one describes the code below it
        if stripped and not stripped.startswith(("#", "//", "/*", "*", "<!--", "--", "REM ")):
            break
        if stripped:
            header.append(stripped)
    return LEGACY.search("\n".join(header)) is not None


def header_says_planned(source: SourceFile) -> bool:
    """Whether a document's status, in its first lines (`**Status**: Planning`, front matter
    `status: draft`), says it describes what is not done yet."""
    if source.suffix not in DOCUMENTS:
        return False
    head = "\n".join(source.lines[:_HEAD_LINES])
    return PLANNED.search(head) is not None


def names_as_legacy(document: SourceFile, path: str, namesakes: Sequence[str] = ()) -> bool:
    """Whether `document` names the file at `path` (by its name, or a path ending in it) on
    a line, or in a Markdown section whose heading, calls it legacy. `namesakes`: the
    repository's files of the same name (a bare name names the one below the document)."""
    name = path.rsplit("/", 1)[-1]
    text = document.text
    if name not in text:
        return False
    titles = markdown.headings(document) if document.suffix in markdown.MARKDOWN else []
    start, seen = 0, 0
    while (at := text.find(name, start)) >= 0 and seen < _MAX_MENTIONS:
        start, seen = at + len(name), seen + 1
        if not _names(text, at, len(name), path, document=document.path, namesakes=namesakes):
            continue
        line, _ = document.position(at)
        if LEGACY.search(document.lines[line - 1]) is not None:
            return True
        above = [heading.title for heading in titles if heading.line < line]
        if above and LEGACY.search(above[-1]) is not None:
            return True
    return False


def _names(
    text: str, at: int, length: int, path: str, *, document: str, namesakes: Sequence[str]
) -> bool:
    """Whether the name at `at` is a whole word and, with the path written before it, names
    `path`: from the root, from the document's folder, or as the end of it when it has a
    folder (`scripts/compare.py` names `test/scripts/compare.py`). A bare name (`old.py`)
    names the file beside the document, or the one file of that name below it: where
    several are (`README.md`), it names none of them."""
    end = at + length
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return False
    written = text[path_start(text, at) : end].lstrip("./")
    folder = posixpath.dirname(document)
    if path in (written, posixpath.join(folder, written)):
        return True
    if "/" in written:
        return path.endswith(f"/{written}")
    below = [p for p in namesakes if not folder or p.startswith(f"{folder}/")]
    return below == [path]
