"""FL008 docs: Markdown that disagrees with the registry.

What it does
    In Markdown files: table rows and list items that name one registry app and endpoints the
    app does not serve (or paths that are no endpoint at all); a heading that gives a web
    function as a path by its own name (`### POST /refine_web`) where that function is a
    `@modal.fastapi_endpoint`, answered at `/` of its own URL, and the same said in the
    prose or printed text of the module that defines it (`API: POST /convert`, a one-word
    name too); `modal deploy PATH`
    instructions whose path is not a registry app's entry file, and `modal deploy`, `run` or
    `serve` instructions whose file does not exist, is a retired app's, or is a module path
    without `-m` (read as FL007 reads scripts: in code blocks and inline code, from the
    document's folder or the root, moved by `cd`); the same instructions in a Python
    module's header and docstrings (its leading comments and every docstring: `Deploy: modal
    deploy app.py`, `Run with: modal run x.py::check`), in all comments of a Modal app file,
    and the strings any Python file prints for its reader (`print("Deploy: modal deploy
    app.py")`), and the comments of a settings template (`.env.example`: `# Deploy: modal
    deploy app.py`), except in the file of a retired app (an example's instructions are its
    own, unless they name a file by a folder from which it is nowhere, not from the root,
    the example's folder or one above it, or give Modal what it refuses of a file that is
    there); a missing file is not judged where the guide has the reader create it, shows it
    as a sample app in the command's section, or runs another repository's or checkout's
    files (a link to it, or a folder on the writer's machine, just above or under the
    section's heading); a `modal` command in a document's code that the modal CLI does not
    have (`modal logs`, `modal app show`); `python src/x.py` in a document's code or a
    module's docs when x.py is not there (from the root, the file's folder or one above it)
    but elsewhere in the repository (`python test_x.py` with no folder, when the one file of
    that name is in the document's project; and `./x.sh` in a document's code, from any
    folder the document leads to), `python x.py` of a Modal app file with no `__main__`
    block (python runs nothing of it), and `python client.py` where no such file is and
    `example_client.py` is;
    a `modal run` of an option or word the function does not take, and a command run from a
    folder where the image's relative local files are not (as FL007 reads them);
    `make TARGET` in a document's code that its Makefile does not define;
    and generated blocks (`<!-- fleet:begin NAME -->` ...
    `<!-- fleet:end NAME -->`) whose content is not what the registry gives today, whose
    name is unknown, or that are never closed.

Why is this bad?
    Docs are where people copy commands from. The audit's README told everyone to deploy the
    legacy single app; its endpoint tables were the only list some teams ever read.

Example
    Deploy with `modal deploy apps/modal/app.py`.

Use instead
    Deploy with `fleet deploy flux` (or `--all`), and let a generated block list the URLs:

        <!-- fleet:begin endpoints -->
        <!-- fleet:end endpoints -->

    `fleet check --fix` fills and refreshes generated blocks.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tools.core.errors import FleetError
from tools.core.paths import folders_up
from tools.core.registry import modal_names
from tools.core.render.blocks import BEGIN, arguments, blocks, render_block
from tools.drift_check.extract import markdown
from tools.drift_check.extract.commands import (
    FENCE,
    DeployCommand,
    Folders,
    deploy_commands,
    folder_inside,
    in_fenced_code,
    in_markdown_code,
    make_calls,
    python_runs,
    script_calls,
    shell_text,
    unknown_cli_calls,
)
from tools.drift_check.extract.python import (
    DECLARED_APP,
    defines_modal_app,
    python_docs,
    python_facts,
    python_messages,
    python_prose,
)
from tools.drift_check.extract.settings import is_settings_template
from tools.drift_check.findings import Edit, Finding
from tools.drift_check.rules.fl007_workflow_deploy import (
    COMPOUND_NAME,
    REFUSED,
    TargetProblem,
    found_from,
    inert_script,
    make_problem,
    moved_script,
    near_script,
    target_problem,
)

if TYPE_CHECKING:
    from tools.core.registry.model import App, WebFunction
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

_PATH_TOKEN = re.compile(r"(?:(?<=^)|(?<=[\s`|,(]))(/[a-z0-9][a-z0-9._-]*)(?=$|[\s`|,).:;])")
_ROW = re.compile(r"^\s*(?:\||[-*+]\s|\d+\.\s)")
# A heading that gives an endpoint as a method and a path: `### POST `/refine_web``.
_ENDPOINT_HEADING = re.compile(
    r"^#{1,6}[ \t][^\n]{0,120}?\b(?P<method>GET|POST|PUT|PATCH|DELETE)[ \t]{1,4}`?"
    r"(?P<path>/[A-Za-z_][\w-]{0,63})`?[ \t]*$",
    re.MULTILINE,
)
# A method and a path in a Python module's prose or in what it prints: `POST /convert`,
# `GET /status?task_id=`.
_ENDPOINT_SAID = re.compile(
    r"\b(?P<method>GET|POST|PUT|PATCH|DELETE)[ \t]{1,4}`?(?P<path>/[A-Za-z_][\w-]{0,63})"
    r"(?![\w/-]|\.\w)"
)
_COMMAND = re.compile(r"\bmodal (?:deploy|run|serve)\b")
# The `#` that opens a comment line of Python prose (the code before it blanked to spaces).
_COMMENT_MARK = re.compile(r"^[ \t]*#", re.MULTILINE)
# A link to a repository on a forge, or to a file of one (`git clone URL` too), and the lines
# a command may follow it.
_REPOSITORY_LINK = re.compile(
    r"(?:(?P<clone>git[ \t]{1,8}clone[ \t][^\n]{0,200}?)?)"
    r"(?:github|gitlab)\.com/[\w.-]{1,100}/(?P<repo>[\w.-]{1,100})(?P<path>/)?"
)
_LINK_REACH = 6
# A folder on the writer's machine: a Windows drive's, or one under a home folder.
_MACHINE_PATH = re.compile(
    r"(?<![\w/])(?:[A-Za-z]:\\[^\s`'\"]{1,200}|/(?:Users|home)/[^\s`'\"]{1,200})"
)
_UNKNOWN = "is not a registry app"
# What tells a reader not to run the command after it.
_NOT_THIS = re.compile(
    r"\b(?:not|instead of|rather than|never|avoid)\W{0,4}"
    r"(?:modal[ \t]{1,4}(?:\w{1,16}[ \t]{1,4})?)?$",
    re.IGNORECASE,
)
# `python src/x.py`, `python x.py`: a script run by its path
_PATH_RUN = re.compile(
    r"\bpython3?(?:\.[0-9]{1,2})?[ \t]+(?:-[uBOq][ \t]+){0,4}[\w.-]{1,64}(?:/|\.py\b)"
)


class Docs:
    code = "FL008"
    name = "docs"
    summary = "Markdown tables, deploy instructions or generated blocks disagree with the registry."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for source in project.scanned("md", "markdown", "mdx", "mdc", "rst"):
            yield from self._blocks(project, source)
            text = shell_text(source.text, markdown=True)
            yield from self._commands(project, source, text, scripts=True)
            yield from self._cli(project, source, text)
            yield from self._rows(project, source)
            yield from self._endpoint_headings(project, source)
        for source in project.scanned("py"):
            yield from self._endpoint_prose(project, source)
            # A module's header and docstrings are its docs (`Deploy: modal deploy app.py`,
            # `Run with: modal run x.py::check`); a Modal app file's comments are too, as they
            # tell how to run it. Elsewhere comments further down describe the code, often
            # with commands as examples.
            command = _COMMAND.search(source.text) is not None
            runs = "python" in source.text and _PATH_RUN.search(source.text) is not None
            if not command and not runs:
                continue
            if project.retired_app_of(source.path) is None:
                app_file = defines_modal_app(source.text)
                prose = python_prose(source) if app_file else python_docs(source)
                yield from self._commands(project, source, prose, scripts=runs)
                messages = python_messages(source) if command or runs else ""
                said = _COMMAND.search(messages) is not None
                if said or (runs and _PATH_RUN.search(messages)):
                    yield from self._commands(project, source, messages, scripts=runs)
        for source in project.scanned():
            # A settings template's comments tell the reader what to run (`# Deploy: modal
            # deploy services/app.py`); its settings are no commands.
            if is_settings_template(source.path) and _COMMAND.search(source.text) is not None:
                yield from self._commands(project, source, _comments(source.text), scripts=False)

    def _blocks(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        if "fleet:begin" not in source.text:
            return
        closed = set()
        for block in blocks(source.text):
            closed.add(block.start)
            name = block.name
            body = source.text[block.body_start : block.body_end]
            line, col = source.position(block.body_start)
            try:
                wanted = render_block(project.registry, name, arguments(block.args))
            except FleetError as error:
                yield Finding(self.code, source.path, line, col, f"block {name}: {error}")
                continue
            if wanted is None:
                yield Finding(
                    self.code,
                    source.path,
                    *source.position(block.start),
                    f"unknown generated block {name!r}",
                    "known blocks: apps, endpoints",
                )
            elif body != wanted:
                yield Finding(
                    self.code,
                    source.path,
                    line,
                    col,
                    f"generated block {name!r} is stale: the registry gives different content",
                    "run `fleet check --fix`",
                    fix=Edit(source.path, line, col, body, wanted),
                )
        for begin in BEGIN.finditer(source.text):
            if begin.start() not in closed:
                yield Finding(
                    self.code,
                    source.path,
                    *source.position(begin.start()),
                    f"generated block {begin['name']!r} has no `<!-- fleet:end "
                    f"{begin['name']} -->`",
                )

    def _commands(
        self, project: Project, source: SourceFile, text: str, *, scripts: bool
    ) -> Iterator[Finding]:
        """The commands of `text` (a document as a shell reads it, heredocs blanked; or a
        Python module's prose alone), which run from the root or from the file's own folder,
        moved by `cd`: `modal` commands, and with `scripts` the scripts and targets run."""
        deploys = "modal" in text
        scripts = scripts and ("python" in text or "make" in text or ".sh" in text)
        if not deploys and not scripts:
            return
        own = posixpath.dirname(source.path)
        folders = project.folders(text, ["", own], own, markdown=True)
        if deploys:
            yield from self._deploys(project, source, text, folders)
        if scripts:
            # A Python module's comment is prose (`# Train with: python x.py`): its `#` is no
            # shell's, ending a command before it starts.
            said = _blank(_COMMENT_MARK, text) if source.suffix == "py" else text
            yield from self._scripts(project, source, said, folders)

    def _deploys(
        self, project: Project, source: SourceFile, text: str, folders: Folders
    ) -> Iterator[Finding]:
        """A module that says to deploy itself, and is no registry app, is an app outside the
        fleet (FL006 says whether it should be in it)."""
        own = posixpath.dirname(source.path)
        for command in deploy_commands(text):
            where = folders.at(command.offset)
            if where is None:
                continue
            problem = target_problem(project, where, command, _UNKNOWN)
            if problem is not None and problem.kind == "missing":
                # A guide's `cd services` once, and its later code blocks run there too...
                document = source.suffix != "py"
                later = _visited(project, source, folders, command.offset) if document else []
                # ...or from a folder above the file: a project's root inside the repository
                # (`docs/DEPLOY.md` of `backend/`, run from `backend/`).
                later += folders_up(posixpath.dirname(source.path))[1:-1]
                if later:
                    again = target_problem(project, later, command, _UNKNOWN)
                    if again is None:
                        continue
                    if any(project.exists(project.resolve(later, f)) for f in command.files):
                        problem = again  # the file is there: what is wrong with it is news
            if problem is None:
                continue
            # An example's own instructions are outside the fleet, but not what Modal does
            # with a file that is there: words it takes for no option, or no one thing to run.
            refused = problem.kind in REFUSED
            example = project.an_example_s(source.path)
            if example and not refused and not _lost(project, source, command, problem):
                continue
            itself = any(project.resolve(where, f) == source.path for f in command.files)
            if problem.kind == "unknown" and itself:
                continue
            moved = where != ["", own]  # a `cd` before it: run in a folder of the repository
            if problem.kind == "missing" and _not_ours(project, source, text, command, moved=moved):
                continue
            yield Finding(
                self.code,
                source.path,
                *source.position(command.offset),
                f"`modal {command.verb} {command.target}`: {problem.message}",
                problem.hint(
                    "document `fleet deploy APP` (or `--all`); `fleet registry show` lists the apps"
                ),
            )

    def _scripts(
        self, project: Project, source: SourceFile, text: str, folders: Folders
    ) -> Iterator[Finding]:
        """`python src/x.py` in a document's code or a module's header, where x.py has moved
        (an example's too: from no folder above it is the script there); in a document's code,
        `./x.sh` where the script moved and `make TARGET` that its Makefile does not define."""
        own = posixpath.dirname(source.path)
        markdown = source.suffix != "py"
        for run in python_runs(text):
            where = folders.at(run.offset)
            if where is None or (markdown and not in_markdown_code(source.text, run.offset)):
                continue
            reached = [*where, *folders.visited(), own] if markdown else [*where, own]
            problem = (
                moved_script(project, where, run.path, own)
                or inert_script(project, reached, run.path)
                or near_script(project, reached, run.path)
            )
            if problem is not None:
                yield Finding(self.code, source.path, *source.position(run.offset), *problem)
        for call in script_calls(text) if markdown else []:
            where = folders.at(call.offset)
            if where is None or not in_markdown_code(source.text, call.offset):
                continue
            moved = moved_script(project, [*where, *folders.visited()], call.path, own, runner="sh")
            if moved is not None:
                yield Finding(self.code, source.path, *source.position(call.offset), *moved)
        for make in make_calls(text) if markdown else []:
            where = folders.at(make.offset)
            if where is None or not in_markdown_code(source.text, make.offset):
                continue
            # A guide beside its own Makefile may mean that one (`# from this directory`).
            problem = make_problem(project, [*where, own], make.path)
            if problem is not None:
                yield Finding(self.code, source.path, *source.position(make.offset), *problem)

    def _cli(self, project: Project, source: SourceFile, text: str) -> Iterator[Finding]:
        """`modal logs APP` in a document's code: a command the modal CLI does not have."""
        calls = unknown_cli_calls(text)
        if not calls or project.an_example_s(source.path):
            return
        for call in calls:
            line_start = source.text.rfind("\n", 0, call.offset) + 1
            if _NOT_THIS.search(source.text[max(line_start, call.offset - 40) : call.offset]):
                continue  # "use `modal profile activate`, not `modal workspace activate`"
            if in_markdown_code(source.text, call.offset):
                message, hint = call.problem
                yield Finding(self.code, source.path, *source.position(call.offset), message, hint)

    def _rows(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        index = project.index
        for number, text in enumerate(source.lines, start=1):
            if not _ROW.match(text) or "/" not in text:
                continue
            named = set(index.app_name_regex.findall(text))
            paths = [(m.group(1), m.start(1)) for m in _PATH_TOKEN.finditer(text)]
            if len(named) != 1 or not any(p in index.app_by_path for p, _ in paths):
                continue
            app = named.pop()
            for path, start in paths:
                yield from self._row_path(project, source, (number, start + 1), app, path)

    def _endpoint_headings(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`### POST /refine_web`: a heading that gives a web function as a path, by its own
        name, where the one function of that name is a `@modal.fastapi_endpoint` answered
        at `/` of a host of its own, and no route of the registry is that path. A name of one
        word (`/health`) may be any service's route."""
        if "#" not in source.text:
            return
        index = project.index
        for match in _ENDPOINT_HEADING.finditer(source.text):
            path = match["path"]
            if path in index.app_by_path or path in index.retired_endpoints:
                continue
            if not COMPOUND_NAME.search(path):
                continue
            named = index.web_named(modal_names.default_label(path[1:]))
            single = project.endpoint_function(*named) if named is not None else None
            if named is None or single is None:
                continue
            yield self._at_root(project, source, match, (*named, single))

    def _endpoint_prose(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`POST /convert` in the prose (comments, docstrings) or printed text of the module
        that defines `convert`, a `@modal.fastapi_endpoint` answered at `/` of a host of its
        own, where no route of the registry is that path. In its own module a name of one word
        (`/status`) is that function's, and so is its name as its label writes it
        (`/submit-job`) or its label. Where the module serves nothing else (no ASGI or WSGI
        app, no web server), any path it gives so is served by none of its functions."""
        if _ENDPOINT_SAID.search(source.text) is None:
            return
        defined = project.root_endpoints.get(source.path)
        if not defined:
            return
        named = {
            name: served
            for served in defined.values()
            for name in (served[1].callable, *_label_names(served[0], served[1]))
        }
        facts = python_facts(source)
        decorators = [*facts.decorators, *facts.web_classes] if facts is not None else []
        only_root = all(
            kind in ("fastapi_endpoint", "web_endpoint")
            for decorator in decorators
            for kind in decorator.web_kinds.values()
        )
        index = project.index
        seen: set[int] = set()
        for text in (python_prose(source), python_messages(source)):
            for match in _ENDPOINT_SAID.finditer(text):
                path = match["path"]
                if match.start() in seen or path in index.app_by_path:
                    continue
                if path in index.retired_endpoints:
                    continue
                found = named.get(path[1:])
                if found is not None:
                    seen.add(match.start())
                    yield self._at_root(project, source, match, found)
                elif only_root:
                    seen.add(match.start())
                    yield self._none_at(source, match, defined.values())

    def _at_root(
        self,
        project: Project,
        source: SourceFile,
        match: re.Match[str],
        served: tuple[App, WebFunction, str],
    ) -> Finding:
        """`match`, a method and a path, gives as a path the web function of `served`,
        answered at `/` of its own URL by its decorator."""
        app, web, kind = served
        path = match["path"]
        return Finding(
            self.code,
            source.path,
            *source.position(match.start("path")),
            f"{match['method']} {path}: no host serves {path}; {app.name}'s "
            f"{web.shown} is a @modal.{kind} function, answered at / of its own URL",
            f"call {project.registry.url(app, web=web)}",
        )

    def _none_at(
        self,
        source: SourceFile,
        match: re.Match[str],
        served: Iterable[tuple[App, WebFunction, str]],
    ) -> Finding:
        """`match`, a method and a path, in the module of `served`, web functions each
        answered at `/` of its own URL, names none of them."""
        apps = sorted({app.name for app, _, _ in served})
        path = match["path"]
        return Finding(
            self.code,
            source.path,
            *source.position(match.start("path")),
            f"{match['method']} {path}: no host serves {path}; the web functions of "
            f"{', '.join(apps)} here are each answered at / of their own URL, and none is "
            f"named {path[1:]}",
            "give each endpoint's URL (`fleet registry show` lists them)",
        )

    def _row_path(
        self, project: Project, source: SourceFile, at: tuple[int, int], app_name: str, path: str
    ) -> Iterator[Finding]:
        index = project.index
        owner = index.app_by_path.get(path)
        if path in index.retired_endpoints or (owner is not None and owner.name == app_name):
            return
        if owner is not None:
            message = f"{path} is listed under {app_name}, but {owner.name} serves it"
        else:
            message = f"{path} is listed under {app_name}, but is no endpoint in the registry"
        yield Finding(
            self.code,
            source.path,
            *at,
            message,
            "a generated block (`<!-- fleet:begin endpoints -->`) keeps this table current",
        )


def _comments(text: str) -> str:
    """A settings template's comments, each line's text after its `#`; the rest blanked to
    spaces, so that offsets stay."""
    return _blank(_NOT_COMMENT, text)


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """`text` with what `pattern` matches blanked to spaces, so that offsets stay."""
    return pattern.sub(lambda m: " " * len(m[0]), text)


# What is no comment in a settings file: a line's start up to and with its `#`, or a whole
# line that has none.
_NOT_COMMENT = re.compile(r"^[^#\n]*#|^[^#\n]+$", re.MULTILINE)


def _lost(
    project: Project, source: SourceFile, command: DeployCommand, problem: TargetProblem
) -> bool:
    """Whether an example's command names a file by a folder from which it is nowhere: not
    from the root, the example's folder or a folder above it. Its other instructions are
    its own (a deploy of an app outside the fleet is what an example does)."""
    if problem.kind != "missing" or not command.files or "/" not in command.written:
        return False
    above = folders_up(posixpath.dirname(source.path))
    return not any(found_from(project, above, written) for written in command.files)


def _visited(project: Project, source: SourceFile, folders: Folders, offset: int) -> list[str]:
    """The folders of the repository a guide's `cd`s took the reader to, for a command in a
    code block (a reader who followed the guide stands there); none for inline code."""
    if not in_fenced_code(source.text, offset):
        return []
    starts = {"", posixpath.dirname(source.path)}
    return [f for f in folders.visited() if f not in starts and project.has_folder(f)]


def _elsewhere(project: Project, text: str, offset: int, section: int | None = None) -> bool:
    """Whether a command comes within a few lines after a link to another repository or its
    files (`the load_test.py script [here](https://github.com/modal-labs/modal-examples/...)`,
    `git clone https://github.com/modal-labs/modal-examples`), or after a folder on the
    writer's machine that is not this repository's (`Deployment from D:\\APP\\fast_brain`),
    within those lines or since the heading of its `section`: it runs that repository's file,
    not one of this repository's."""
    start = offset
    for _ in range(_LINK_REACH):
        start = text.rfind("\n", 0, max(start - 1, 0))
        if start < 0:
            break
    before = text[max(start, 0) : offset]
    # `Deployment from D:\\APP\\fast_brain:` over the block or at the top of its section:
    # another checkout's files (a `cd` there is the folders' to follow).
    since = before if section is None else text[min(section, max(start, 0)) : offset]
    for line in since.splitlines():
        if line.strip().removeprefix("$").strip().startswith("cd "):
            continue
        for path in _MACHINE_PATH.findall(line):
            if folder_inside(path.replace("\\", "/"), project.has_folder) is None:
                return True
    own = project.root.name.lower()
    links = _REPOSITORY_LINK.finditer(before)
    # A link to a file of another repository, or a clone of one (not its home page: `Repo:
    # https://github.com/org/model` over a file's own deploy command).
    return any(
        (link["path"] or link["clone"]) and link["repo"].lower().removesuffix(".git") != own
        for link in links
    )


def _generic(project: Project, command: DeployCommand) -> bool:
    """Whether a missing target is a guide's generic name: one file name, no folder, that
    no file of the repository has (`script.py`) and the registry does not list as deleted;
    a deleted or moved file of the repository keeps its folder, or its name elsewhere."""
    written = command.written
    if "/" in written or command.module or project.paths_named(written):
        return False
    return all(posixpath.basename(f.path) != written for f in project.index.retired_files)


# A line that makes a file: `Create `x.py``, `cp a.py x.py`, `touch x.py`, `cat > x.py`.
_CREATES = re.compile(
    r"\b(?:creates?|copy|cp|mv|touch|new file|write)\b|\b(?:cat|echo|tee)\b[^\n]*>", re.IGNORECASE
)


def _not_ours(
    project: Project, source: SourceFile, text: str, command: DeployCommand, *, moved: bool
) -> bool:
    """Whether a missing file is not the repository's to have: a guide's name for the
    reader's file, one it has the reader create or shows as a sample, or a file of another
    repository or checkout the text points to. A Modal app file names its own files."""
    if source.suffix == "py":
        return _elsewhere(project, text, command.offset)
    if (not moved and _generic(project, command)) or _created(text, command):
        return True  # `modal run script.py`; `Create `x.py`` first
    section = _section_start(source, command.offset)
    return _sample(project, source, command, section) or _elsewhere(
        project, text, command.offset, section
    )


def _section_start(source: SourceFile, offset: int) -> int:
    """Where the section of a Markdown document that holds `offset` starts: its heading."""
    line = source.position(offset)[0]
    above = [h.line for h in markdown.headings(source) if h.line <= line]
    return source.offset(above[-1], 1) if above else 0


def _sample(project: Project, source: SourceFile, command: DeployCommand, section: int) -> bool:
    """Whether the command's section of a document shows the file it runs: a code block
    that defines a Modal app starts in the section before the command (or holds it, as a
    comment at the sample's end). An app none of the registry's is the guide's sample, which
    the reader saves under the command's name; a fleet app's excerpt is judged, unless the
    command names its entry file alone (`modal deploy app.py`, run in the app's folder)."""
    fences = [m.start() for m in FENCE.finditer(source.text, section)]
    retired = {r.name for r in project.registry.retired.apps}
    for opening, closing in itertools.zip_longest(fences[::2], fences[1::2]):
        if opening > command.offset:
            break
        body = source.text[opening:closing]
        if not defines_modal_app(body):
            continue
        named = DECLARED_APP.findall(body)
        apps = [project.index.app_by_name.get(name) for name in named]
        if retired.isdisjoint(named) and all(
            app is None or posixpath.basename(app.entry_path) == command.written for app in apps
        ):
            return True
    return False


def _created(text: str, command: DeployCommand) -> bool:
    """Whether a document tells the reader to create the command's file before the command:
    the file is named earlier on a line (or the line it continues) that makes a file."""
    written = command.written
    at = text.rfind(written, 0, command.offset)
    seen = 0
    while at >= 0 and seen < 64:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = text[start : len(text) if end < 0 else end]
        previous = text[text.rfind("\n", 0, max(start - 1, 0)) + 1 : max(start - 1, 0)]
        continued = previous.rstrip().endswith("\\")
        if _CREATES.search(line) or (continued and _CREATES.search(previous)):
            return True
        at, seen = text.rfind(written, 0, at), seen + 1
    return False


def _label_names(app: App, web: WebFunction) -> tuple[str, ...]:
    """What a web function's label calls it: the label, and its part after the app's name
    (`submit-job` of `voice-submit-job`)."""
    label = web.url_label
    own = label.removeprefix(f"{modal_names.default_label(app.name)}-")
    return (label, own) if own != label else (label,)
