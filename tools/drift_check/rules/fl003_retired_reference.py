"""FL003 retired-reference: a retired app, URL, endpoint, function, secret or deploy file is
still referenced.

What it does
    Finds every mention of what `retired:` in the registry lists: the single app
    (`ryla-comfyui`) and its URL, also when the URL is built from a template such as
    `https://${workspace}--ryla-comfyui-comfyui-fastapi-app.modal.run`, and the URL of any
    other web function of it (a `*.modal.run` label that is the app's name, or its name and
    `-` and more: `ryla-comfyui-health`, unless that is a live app's label or a live app's
    longer name starts it); removed endpoints (`/flux-instantid`); a live app's retired web
    functions, by their URL label and by a name of several words (`lalal_start_http`), and
    its retired functions and classes that served no URL, by such a name (`WhisperSTT` in an
    import or a doc); retired Modal secrets, by name (one of one word, `hf`, only quoted where
    secrets are spoken of, or after `modal secret create`);
    deleted deploy files
    (`comfyui_danrisi.py`; or by their path from the folder of the file that names them,
    `api/router.py` in `backend/README.md`). Tests, scripts, shell scripts, docs, workflows
    and client code are all read, comments included.

Why is this bad?
    A retired URL still resolves to nothing: tests that call it fail or, worse, are skipped;
    docs that name it send people to deploy an app that no longer serves traffic; a workflow
    that deploys a deleted file fails on the next merge.

Example
    BASE_URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run"

Use instead
    BASE_URL = "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run"

    `fleet registry urls` prints the URL of every live endpoint.

What it does not report
    Text that documents the retirement: a line of a document, or a comment, that says the
    thing was removed, retired, deprecated, replaced, renamed, deleted or stopped (a "removed
    endpoints" table, a changelog entry, `# retired in v2`, "Stop: `ryla-comfyui`"); a line
    that stops the app (`modal app stop ryla-comfyui`, in any file); a line of a document's
    section whose heading, or an enclosing one, says so (`## What was removed`); a deleted
    file's name where it names a file that is there (the file moved: `$ROOT/modal/app.py`,
    or the name alone when a file of that name is in the repository); the prose of
    a record of a change made (a document named `*MIGRATION*`, `*COMPLETE*`, `*SUMMARY*`,
    `*PROGRESS*`; its code blocks are still read); a pattern of an ignore file (`.gitignore`:
    it ignores what is gone);
    a retired app's name that is one word (`shelf`, `browser`) where it is not quoted whole
    or taken by a `modal app` command or `--name` (there it is a word, a binary or a path);
    documents in a retired app's own folder; a Python file whose `modal.App(...)` is a
    retired app's (its code, kept while the app is stopped), unless the registry lists the
    file among the app's `files` (to be deleted); an endpoint path that is part of a file or
    module path (`./z-image-pulid`, `apps/z-image-pulid/app.py`) rather than a URL's or a
    bare path. Historical documents (changelogs, release notes, documents with a date in
    their file or folder name) are not read by default (`history` in `[tool.fleet]`), nor
    files the repository keeps for reference: a header that calls the file legacy, or a
    document in its folder or above that names it on a line, or under a heading, that does.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.extract import markdown
from tools.drift_check.extract.commands import FENCE
from tools.drift_check.extract.python import python_facts
from tools.drift_check.extract.urls import find_urls
from tools.drift_check.findings import Finding
from tools.drift_check.source import path_start

if TYPE_CHECKING:
    from tools.drift_check.index import RegistryIndex, Retired
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

# A line that says a thing is gone (or stopped) documents its retirement; it is not a
# reference to it.
RETIREMENT = re.compile(
    r"\b(?:removed|retire[ds]?|retiring|deprecated|replaced|renamed|deleted|decommissioned|"
    r"sunset|obsolete|superseded|discontinued|dropped|cleared out|no longer|former(?:ly)?|legacy|"
    r"merged|combines|consolidated|redundant|"
    r"stop(?:s|ped|ping)?)\b",
    re.IGNORECASE,
)
# A heading that begins by saying its section is of what was (`### Old Deployment`, `## 2.
# Before the split`); not one that tells what to do (`### Use the old endpoints for now`).
_BYGONE = re.compile(
    r"^[\W\d_]*(?:old|previous|before|earlier|outdated|historical)\b", re.IGNORECASE
)
# On a line (not a heading over a section), what tells of one thing taking another's place or
# of its going: "services that replace the non-working `x.py`", "the migration from `x.py`",
# "deprecate and de-deploy `x`", "absent from CI", "was `x`".
REPLACING = re.compile(
    r"\b(?:replaces?|migration from|migrating from|deprecat\w*|delet\w*|de-?deploy\w*|absent"
    r"|was)\b",
    re.IGNORECASE,
)
# What stands right before a mention to say it is not the thing: "(not `x`)", "no `x` branch",
# "instead of `x`".
NEGATED = re.compile(
    r"\b(?:not|no|never|instead of|rather than|in place of|without)[ \t*_`'\"(]{0,4}$",
    re.IGNORECASE,
)
# `modal app stop` (also as a list of arguments: `["modal", "app", "stop", ...]`): what
# follows it on its line is the app being stopped.
STOP_COMMAND = re.compile(r"\bmodal[ \t\"',]+app[ \t\"',]+stop\b")
# What may stand right before an endpoint's `/` for it to be a URL's path or a bare path: a
# host (`modal.run`, `localhost:8000`), a template (`${BASE}`, `{url}`), a call's `)`.
_DELIMITERS = frozenset(" \t\n'\"`([{=,;<>|")


def is_url_path(text: str, start: int) -> bool:
    """Whether the endpoint path at `start` is a URL's path or a bare path, not part of a
    file or module path (`./x`, `apps/x`)."""
    begin = start
    while begin > 0 and text[begin - 1] not in _DELIMITERS and start - begin < 256:
        begin -= 1
    before = text[begin:start]
    if not before or "://" in before or before[-1] in "})":
        return True
    if before.strip(".") == "":  # ./x, ../x: a relative file or module path
        return False
    host = before.rsplit("/", 1)[-1]
    return "/" not in before and ("." in host or ":" in host or host == "localhost")


_DOCS = frozenset({"md", "mdx", "mdc", "markdown", "rst", "txt"})
# An app name that is one word (`shelf`, `browser2`) is also a word of prose, a binary, a
# module path or a variable: it names the app only where Modal's names stand.
_WORD = re.compile(r"[A-Za-z0-9]+")
_QUOTES = "\"'`"
# A document named as a record of a change made: `MIGRATION_COMPLETE.md`, `FIX_SUMMARY.md`.
_RECORD = re.compile(r"migrat|complete|summary|progress", re.IGNORECASE)
# `environment=` right before a quoted value: the keyword it is given to.
_KEYWORD_BEFORE = re.compile(r"(\w{1,64})[ \t]{0,8}[=:]$")
# A setting right before a quoted value: `dataset=`, `bucket:`, `getenv("AXIOM_DATASET", `.
_SETTING_BEFORE = re.compile(
    r"(?:(\w{1,64})[ \t]{0,8}[=:]|[\"'](\w{1,64})[\"'][ \t]{0,8},)[ \t]{0,8}$"
)
# `modal secret create ` right before a name (`delete` and `--force` too).
_SECRET_COMMAND = re.compile(r"secret[ \t]+(?:create|delete)[ \t]+(?:-[^\s]*[ \t]+)*$")
# What names an app by its name alone: the app, or its URL's label written bare.
_NAMES = frozenset({"app", "url"})
# `:latest`, `:v2`, `:1.4.0` right after a name: the tag of a container image of that name.
_IMAGE_TAG = re.compile(r":[A-Za-z0-9][\w.-]{0,127}(?![\w.:/-])")
# Kinds of named things that are not Modal apps, though teams name them the same.
_OTHER_THINGS = frozenset(
    {
        "bucket",
        "channel",
        "collection",
        "container",
        "database",
        "dataset",
        "db",
        "image",
        "index",
        "queue",
        "table",
        "topic",
    }
)
# `modal app logs NAME`, `modal app stop NAME`, `--name NAME`, `-a NAME` right before it.
_APP_SLOT = re.compile(r"(?:\bmodal[ \t]+app[ \t]+[a-z]+(?:[ \t]+-\S+)*|--name|--app)[ \t=]+$")


def _of_another_kind(source: SourceFile, start: int, end: int) -> bool:
    """Whether an app's name at `start:end` names something else that teams name the same:
    a container image (`ai-publisher-wan:latest`, `ghcr.io/acme/ai-publisher-wan`, a table's
    `| Image |` column), a dataset, a bucket or a table (`os.getenv("AXIOM_DATASET", NAME)`)."""
    text = source.text
    return (
        _IMAGE_TAG.match(text, end) is not None
        or _in_a_path(text, start)
        or bool(_OTHER_THINGS & set(_column(source, start)))
        or _names_another_thing(text, start, end)
    )


def _in_a_path(text: str, start: int) -> bool:
    """Whether a name ends a path that begins with a host (`ghcr.io/acme/NAME`,
    `github.com/acme/NAME`): a thing of that host's, not a Modal app."""
    if start == 0 or text[start - 1] != "/":
        return False
    first = text[path_start(text, start, 256) : start].split("/", 1)[0]
    return "." in first.strip(".") and "modal.run" not in first


def _column(source: SourceFile, offset: int) -> list[str]:
    """The words of the heading of the Markdown table column `offset` is in (`| Image |`);
    none outside a table."""
    text = source.text
    line_start = text.rfind("\n", 0, offset) + 1
    if not text.startswith("|", line_start) and not text[line_start:offset].lstrip().startswith(
        "|"
    ):
        return []
    cell = text.count("|", line_start, offset) - 1
    line, _ = source.position(offset)
    for number in range(line - 1, max(line - 200, 1), -1):  # up to the row over `|---|`
        row = source.lines[number - 1].strip()
        if not row.startswith("|"):
            return []
        if set(row) <= set("|-: ") and number > 1:
            heading = source.lines[number - 2].strip().strip("|").split("|")
            title = heading[cell].lower() if 0 <= cell < len(heading) else ""
            return re.findall(r"[a-z]+", title)
    return []


def _names_another_thing(text: str, start: int, end: int) -> bool:
    """Whether an app's name at `start:end`, quoted whole, is the value (or an environment
    variable's default) of a setting that names another kind of thing: a dataset, a bucket,
    a table (`os.getenv("AXIOM_DATASET", "hannah-qa-agent")`, `bucket="x"`)."""
    before = text[start - 1] if start > 0 else ""
    if not before or before not in _QUOTES or text[end : end + 1] != before:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    setting = _SETTING_BEFORE.search(text[max(line_start, start - 129) : start - 1])
    if setting is None:
        return False
    named = (setting[1] or setting[2]).lower()
    return any(part in _OTHER_THINGS for part in re.split(r"[_\W]+", named))


def _names_a_secret(text: str, start: int, end: int) -> bool:
    """Whether a one-word secret name at `start:end` stands where a secret's name does: quoted
    whole on a line that speaks of secrets (`Secret.from_name("hf")`), or after a `modal
    secret` command (`modal secret create hf`)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)].lower()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and before in _QUOTES and after == before and "secret" in line:
        return True
    return _SECRET_COMMAND.search(text[max(line_start, start - 32) : start]) is not None


def _names_an_app(text: str, start: int, end: int) -> bool:
    """Whether a one-word app name at `start:end` stands where an app's name does: quoted
    whole (`"shelf"`, `` `shelf` ``) and not one of a list of words or a keyword's value
    other than an app's, or where a `modal app` command or `--name` takes one."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    line_start = text.rfind("\n", 0, start) + 1
    if before and before in _QUOTES and after == before:
        # Not one of a list of words (`["dev", "prod", "staging"]`), nor the value of a
        # keyword that is not an app's (`environment="prod"`).
        ahead = text[end + 1 : end + 65].lstrip(" \t")
        behind = text[max(line_start, start - 65) : start - 1].rstrip(" \t")
        listed = ahead.startswith(",") or behind.endswith(",")
        keyword = _KEYWORD_BEFORE.search(behind)
        named = keyword[1].lower() if keyword is not None else "app"
        return not listed and ("app" in named or named == "name")
    return _APP_SLOT.search(text, max(line_start, start - 256), start) is not None


_COMMENT_STARTS = ("#", "//", "/*", "*", "<!--", "--", ";")
# A shell line that prints for its reader: prose, as a comment is.
_PRINTS = ("echo ", "printf ")


def _documents_retirement(line: str, col: int, document: bool) -> bool:
    """Whether the mention at `col` of `line` documents a retirement: the line stops the app
    (a `modal app stop` before the mention), or it is prose (a document's line, a docstring's,
    or a comment) that says the thing is gone. In code, a `LEGACY_URL = ...` still calls what
    it names, and `stop = True` beside it stops nothing."""
    if STOP_COMMAND.search(line, 0, col - 1) is not None:
        return True
    if not document and not line.lstrip().startswith((*_COMMENT_STARTS, *_PRINTS)):
        return False
    if NEGATED.search(line[max(0, col - 1 - 24) : col - 1]) is not None:
        return True  # "the backend is `llm` (not `ollama`)", "no `ollama` branch"
    return RETIREMENT.search(line) is not None or REPLACING.search(line) is not None


def _retiring_sections(source: SourceFile) -> list[tuple[int, bool]]:
    """Each heading's line, and whether its section documents a retirement: its title, or
    an enclosing section's, says the things in it are gone (`## What was removed`,
    `### Deleted files`, `### Old deployment`)."""
    found: list[tuple[int, bool]] = []
    chain: list[tuple[int, bool]] = []  # (depth, retiring) of the headings enclosing the line
    for heading in markdown.headings(source):
        while chain and chain[-1][0] >= heading.depth:
            chain.pop()
        title = heading.title
        retiring = RETIREMENT.search(title) is not None or _BYGONE.search(title) is not None
        retiring = retiring or any(r for _, r in chain)
        chain.append((heading.depth, retiring))
        found.append((heading.line, retiring))
    return found


def _prose(lines: list[str], line: int) -> str:
    """A document's line, with the line before it where that one carries its sentence on
    (`... Deprecates and de-deploys` / `**vecinita-ollama**.`); the line's own text first."""
    said = lines[line - 1]
    before = lines[line - 2].strip() if line > 1 else ""
    starts = said.lstrip()
    if (
        before
        and not before.endswith(_SENTENCE_ENDS)
        and not before.startswith(("#", "|"))
        and not starts.startswith(("- ", "* ", "+ ", "|", "#", ">"))
        and not starts[:1].isdigit()
    ):
        said += " " + before
    return said


def _sentence(lines: list[str], line: int) -> str:
    """A line of code's comments or docstrings, with the lines before and after it that carry
    its sentence on (`# Replaces the former` / `# lalal_http endpoint.`); the line's own text
    comes first, so that its columns stay as they are."""
    said = lines[line - 1]
    before = lines[line - 2].strip() if line > 1 else ""
    if before and not before.endswith(_SENTENCE_ENDS) and said.lstrip().startswith(_COMMENTS):
        said += " " + before
    after = lines[line].strip() if line < len(lines) else ""
    if after and not said.rstrip().endswith(_SENTENCE_ENDS):
        said += " " + after
    return said


_SENTENCE_ENDS = (".", "!", "?", ":", '"""')
_COMMENTS = ("#", "//", "*")


def _in_docstring(source: SourceFile, line: int) -> bool:
    """Whether a line of a Python file is in a docstring: prose, as a comment is."""
    if source.suffix != "py":
        return False
    facts = python_facts(source)
    return facts is not None and any(a <= line <= b for a, b in facts.docstrings)


def _defines_retired_app(project: Project, source: SourceFile) -> bool:
    """Whether `source` is a Python file whose `modal.App(...)` is a retired app's, and not a
    file the registry lists as deleted: the app's own code, kept while the app is stopped."""
    if any(source.path == deleted.path for deleted in project.index.retired_files):
        return False
    return project.retired_app_of(source.path) is not None


def _mentions(source: SourceFile, index: RegistryIndex) -> list[tuple[int, Retired]]:
    """Each mention of a retired thing in `source`, by offset: what the registry names, and
    the URL labels of a retired app's other web functions (at the label)."""
    found: dict[int, Retired] = {}
    for start, end, retired in index.retired_matches(source.text):
        if retired.kind == "endpoint" and not is_url_path(source.text, start):
            continue  # part of a file or module path
        one_word = _WORD.fullmatch(retired.text) is not None
        if one_word and retired.kind == "app" and not _names_an_app(source.text, start, end):
            continue  # `shelf`, `browser`: a word of the text, not the app
        if one_word and retired.kind == "secret" and not _names_a_secret(source.text, start, end):
            continue  # `hf`: a word of the text, a variable
        if retired.kind in _NAMES and _of_another_kind(source, start, end):
            continue  # an image, a dataset, a bucket named as the app is
        found[start] = retired
    for url in find_urls(source):
        retired = index.retired_label(url.label) if url.label is not None else None
        if retired is not None:
            found.setdefault(url.offset + url.text.index("--") + 2, retired)
    return sorted(found.items(), key=lambda pair: pair[0])


def _names_a_living_file(
    project: Project, source: SourceFile, offset: int, deleted: Retired
) -> bool:
    """Whether a deleted file's name at `offset` names a file that is there: the path it is
    the end of (`vllm/modal/app_vllm.py`, `$ROOT/modal/app_vllm.py`) ends a file's path, or,
    written alone, a file of that name is in the repository (the file moved; the command
    that runs it from its old place is FL007's and FL008's)."""
    text = source.text
    start = path_start(text, offset, 256)
    written = text[start : offset + len(deleted.text)]
    if start > 0 and text[start - 1] == "$":  # `$ROOT/modal/x.py`: the variable's folder
        written = written.partition("/")[2]
    written = written.lstrip("./")
    name = deleted.text.rsplit("/", 1)[-1]
    living = [p for p in project.paths_named(name) if p != deleted.text]
    if written == deleted.text:
        return "/" not in deleted.text and bool(living)
    return any(p == written or p.endswith(f"/{written}") for p in living)


def _relative_mentions(source: SourceFile, index: RegistryIndex) -> list[tuple[int, Retired]]:
    """A deleted file named from the folder of the file that names it (`api/router.py` in
    `backend/README.md` for `backend/api/router.py`), by a path with a folder of its own."""
    folder = source.path.rsplit("/", 1)[0] if "/" in source.path else ""
    found = []
    for deleted in (r for r in index.retired if r.kind == "file") if folder else ():
        relative = deleted.text.removeprefix(f"{folder}/")
        if relative == deleted.text or "/" not in relative or relative not in source.text:
            continue
        at = source.text.find(relative)
        while at != -1:
            before = source.text[at - 1] if at else " "
            after = source.text[at + len(relative) : at + len(relative) + 1]
            if not (before.isalnum() or before in "_./-") and not (after.isalnum() or after == "_"):
                found.append((at, deleted))
            at = source.text.find(relative, at + 1)
    return found


def _message(retired: Retired) -> str:
    if retired.kind == "url" and retired.app and retired.app != retired.text:
        return f"URL label {retired.text!r} of the retired app {retired.app!r}: {retired.reason}"
    if retired.kind == "web":
        return (
            f"URL label {retired.text!r} of the retired web function {retired.app}: "
            f"{retired.reason}"
        )
    if retired.kind == "function":
        return f"retired web function {retired.text!r} of {retired.app!r}: {retired.reason}"
    if retired.kind == "object":
        what = (
            "method"
            if "." in retired.text
            else "class"
            if retired.text[0].isupper()
            else "function"
        )
        return f"retired Modal {what} {retired.text!r} of {retired.app!r}: {retired.reason}"
    return f"{_WHAT[retired.kind]} {retired.text!r}: {retired.reason}"


_WHAT = {
    "url": "URL of the retired app",
    "app": "retired app",
    "endpoint": "removed endpoint",
    "secret": "retired Modal secret",
    "file": "deleted deploy file",
}


class RetiredReference:
    code = "FL003"
    name = "retired-reference"
    summary = "A retired app, URL, endpoint, function, secret or deploy file is still referenced."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        index = project.index
        for source in project.scanned():
            relative = _relative_mentions(source, index)
            if not relative and not index.mentions_retired(source.text):
                continue
            if source.suffix in _DOCS and source.path.startswith(index.retired_folders):
                continue  # the retired app's own documentation, not a reference to it
            if _defines_retired_app(project, source):
                continue  # the retired app's own code, not a reference to it
            if source.path.rsplit("/", 1)[-1].endswith("ignore") and "." in source.path:
                continue  # `.gitignore`, `.vercelignore`: a pattern ignores what is gone
            retiring = _retiring_sections(source) if source.suffix in markdown.MARKDOWN else []
            # A record of a change made (`MIGRATION_COMPLETE.md`): its prose tells what was
            # done then; its code blocks are still what a reader runs.
            name = source.path.rsplit("/", 1)[-1]
            record = source.suffix in markdown.MARKDOWN and _RECORD.search(name) is not None
            fences = [m.start() for m in FENCE.finditer(source.text)] if record else []
            mentions = sorted({**dict(_mentions(source, index)), **dict(relative)}.items())
            for offset, retired in mentions:
                if retired.kind == "file" and _names_a_living_file(
                    project, source, offset, retired
                ):
                    continue  # a file of that name that is there: moved, not deleted
                line, col = source.position(offset)
                document = source.suffix in _DOCS
                said = _prose(source.lines, line) if document else _sentence(source.lines, line)
                if _documents_retirement(said, col, document or _in_docstring(source, line)):
                    continue
                under = bisect.bisect(retiring, (line, True)) - 1
                if under >= 0 and retiring[under][1]:
                    continue  # under `## What was removed`: the section documents it
                if record and bisect.bisect(fences, offset) % 2 == 0:
                    continue  # the record's prose, outside its code blocks
                yield Finding(
                    code=self.code,
                    path=source.path,
                    line=line,
                    col=col,
                    message=_message(retired),
                    hint=retired.hint,
                )
