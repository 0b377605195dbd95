"""FL007 workflow-deploy: a workflow or script deploys a file that is gone or is no registry app.

What it does
    Reads the `run:` steps of `.github/workflows/*.yml`, every shell script and PowerShell
    script (its `Push-Location`, `$PSScriptRoot` and folder variables read as a shell's), the
    `scripts` of a package.json (run from its folder), and the `["modal", "deploy", ...]` lists
    Python scripts
    hand to `subprocess`, for `modal deploy TARGET` (a file, `file.py::app`, or `-m module`),
    `modal run` and `modal serve`, and for calls of `*.sh` scripts; resolves them against the
    step's `working-directory` and every `cd` before them (a `cd` in a `$(...)` or `( ... )`
    subshell moves only that subshell; after a `cd` to an absolute or a variable's folder, a
    command is not checked; a command a script prints for its reader moves with a `cd` it
    prints before it); and reports a target that does not exist or is a retired app's
    file, a deploy of a file that is not the entry file of a registry app, and a module path
    written without `-m` (`modal deploy src.app`), which Modal 1.x refuses, and a `modal`
    command the CLI does not have (`modal logs`, `modal secret set`), a deploy of a registry
    app's file under a `--name` meant for its own (`mimetic-demo-main` for `mimetic-demo`: a
    second app), `python src/x.py` where x.py has moved elsewhere in the repository (`python
    test_x.py`, when the one file of that name is in the script's project), and `python x.py` of
    a Modal app file with no `__main__` block (python runs nothing of it); `modal run FILE` of a
    file with no local entrypoint and several functions, and a glob the shell expands to several
    files (Modal refuses both); `modal run` given an option that what it runs has no parameter
    for, or a word that is no option (`modal run app.py image.png`: Modal makes only options of
    a function's parameters, unless it takes `*args`); a command run from a folder where the
    app's image names a relative local file that is not there (`add_local_file("../x.toml")`:
    Modal reads it from the folder the command runs in, not the app file's); `make TARGET` that
    the Makefile where it runs does not define. A `modal run` or `modal serve` of another
    existing file is a one-off, not reported. A script of Modal apps outside the fleet (an
    example's) is its own, but for what Modal refuses of a file that is there (an option, no one
    thing to run). The body of a heredoc (`cat <<EOF`) is text, not commands.

Why is this bad?
    A deploy step that names a deleted file fails on the next merge to main, or worse, keeps
    deploying a legacy app while the real ones drift: the audit's workflow deployed
    `comfyui_danrisi.py` and `comfyui_z_image_turbo.py` long after both were gone.

Example
    - run: modal deploy comfyui_danrisi.py

Use instead
    - run: fleet deploy --changed --github --target modal
"""

from __future__ import annotations

import bisect
import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from tools.core.globs import GlobSet
from tools.core.paths import folders_up
from tools.drift_check.extract import powershell
from tools.drift_check.extract.commands import (
    CD,
    CONTINUED,
    DeployCommand,
    deploy_commands,
    loop_deploys,
    make_calls,
    make_targets,
    python_runs,
    script_calls,
    shell_text,
    unknown_cli_calls,
)
from tools.drift_check.extract.data import located_data
from tools.drift_check.extract.python import PythonFacts, python_facts
from tools.drift_check.extract.shell_blocks import Branches, printed_text
from tools.drift_check.findings import Finding
from tools.drift_check.index import resembles

if TYPE_CHECKING:
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

WORKFLOWS = ".github/workflows/"
DEPLOY_HINT = "deploy registry apps with `fleet deploy`; `fleet registry show` lists them"


class _Where:
    """Where each command of a script runs: from its starting folders, moved by its `cd`s;
    one it prints for its reader, after a `cd` it prints (`echo "  cd apps/web"`), from
    where that `cd` leads the reader."""

    def __init__(self, project: Project, text: str, starts: list[str], own: str) -> None:
        self._run = project.folders(text, starts, own)
        said = printed_text(text) if "echo" in text or "printf" in text else ""
        first = CD.search(said) if "cd" in said else None
        self._said = project.folders(said, starts, own) if first is not None else None
        self._from = first.start() if first is not None else len(text)
        self._branches = Branches(text)

    def at(self, offset: int) -> list[str] | None:
        if self._said is not None and offset > self._from and self._branches.printed(offset):
            return self._said.at(offset)
        return self._run.at(offset)


def is_workflow(path: str) -> bool:
    return path.startswith(WORKFLOWS) and path.endswith((".yml", ".yaml"))


class WorkflowDeploy:
    code = "FL007"
    name = "workflow-deploy"
    summary = "A workflow or script deploys a file that is gone or is not a registry app."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for source in project.scanned():
            if is_workflow(source.path):
                yield from self._workflow(project, source)
            elif source.suffix in ("sh", "bash", "ps1"):
                # A script is run from the root or from its own folder; usage comments show
                # which: a path is the script's if it is there from either. A PowerShell
                # script runs the same commands; its folder moves are read as a shell's.
                own = posixpath.dirname(source.path)
                text = powershell.as_shell(source.text) if source.suffix == "ps1" else source.text
                yield from self._commands(
                    project, source, source.position, text, starts=[own, ""], own=own
                )
            elif source.suffix == "py" and ('"modal"' in source.text or "'modal'" in source.text):
                yield from self._argv(project, source)  # a list's first word, quoted alone
            elif source.path.rsplit("/", 1)[-1] == "package.json" and "modal " in source.text:
                yield from self._package_scripts(project, source)

    def _package_scripts(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`"deploy:gpu": "modal deploy modal/app.py"` in a package.json: npm runs each script
        in a shell of its own, from the package's folder."""
        document = located_data(source)
        scripts = document.data.get("scripts") if document is not None else None
        if document is None or not isinstance(scripts, dict):
            return
        own = posixpath.dirname(source.path)
        for name, command in scripts.items():
            if not isinstance(command, str) or "modal" not in command or "\n" in command:
                continue
            if command.lstrip().startswith("echo "):
                continue  # it prints a usage line for the reader: it runs nothing
            line = document.line_of(("scripts", name))
            found = source.lines[line - 1].find(command[:32]) if line else -1
            column = found + 1 if found >= 0 else 1

            def place(offset: int, line: int = line, column: int = column) -> tuple[int, int]:
                return line, column + offset

            yield from self._commands(project, source, place, f"{command}\n", starts=[own], own=own)

    def _argv(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`subprocess.run(["modal", "deploy", "app.py"])`: as a script's command, one a line."""
        facts = python_facts(source)
        commands = facts.modal_argv if facts is not None else []
        if not commands:
            return
        text = "\n".join(command for command, _ in commands) + "\n"
        starts = [0]
        for command, _ in commands:
            starts.append(starts[-1] + len(command) + 1)

        def place(offset: int) -> tuple[int, int]:
            at = commands[bisect.bisect_right(starts, offset) - 1][1]
            return at.line, at.col

        own = posixpath.dirname(source.path)
        yield from self._commands(project, source, place, text, starts=[own, ""], own=own)

    def _workflow(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        document = located_data(source)
        if document is None or not isinstance(document.data, dict):
            return
        jobs = document.data.get("jobs")
        for job_name, job in jobs.items() if isinstance(jobs, dict) else []:
            if not isinstance(job, dict):
                continue
            job_directory = _working_directory(job.get("defaults"))
            for index, step in enumerate(job.get("steps") or []):
                if not isinstance(step, dict) or not isinstance(step.get("run"), str):
                    continue
                directory = step.get("working-directory") or job_directory or ""
                run = step["run"]
                run_line = document.lines.get(
                    ("jobs", str(job_name), "steps", str(index), "run"), 1
                )

                def place(offset: int, run: str = run, run_line: int = run_line) -> tuple[int, int]:
                    return _place(source, run, run_line, offset)

                yield from self._commands(
                    project, source, place, run, starts=[str(directory)], own=str(directory)
                )

    def _commands(
        self,
        project: Project,
        source: SourceFile,
        place: Callable[[int], tuple[int, int]],
        written: str,
        *,
        starts: list[str],
        own: str,
    ) -> Iterator[Finding]:
        """The findings of the commands of a script's or a step's text, run from `starts`
        (`own` is the script's folder); a heredoc's body is no command."""
        text = shell_text(written)
        folders = _Where(project, text, starts, own)
        entries = project.index.app_by_entry
        example = project.an_example_s(source.path)  # an example's script outside the fleet
        for command in deploy_commands(text):
            where = folders.at(command.offset)
            if where is None:
                continue
            problem = target_problem(
                project, where, command, "is not the entry file of a registry app"
            )
            # An example's script is its own, but not what Modal does with a file that is
            # there: words it takes for no option, or no one thing to run.
            if problem is not None and example and problem.kind not in REFUSED:
                continue
            if problem is not None:
                yield Finding(
                    self.code,
                    source.path,
                    *place(command.offset),
                    f"modal {command.verb} {command.target}: {problem.message}",
                    problem.hint(DEPLOY_HINT),
                )
        for loop in [*loop_deploys(text), *powershell.loop_deploys(text)]:
            where = folders.at(loop.offset)
            if where is None:
                continue
            for path in expanded(project, where, loop.paths):
                if path in entries:
                    continue
                line, col = place(loop.offset)
                state = "does not exist" if not project.exists(path) else "is no registry app"
                yield Finding(
                    self.code,
                    source.path,
                    line,
                    col,
                    f"modal deploy {loop.target} in a loop deploys {path}, which {state}",
                    "deploy registry apps with `fleet deploy --all`; a loop over files "
                    "redeploys retired ones",
                )
        if not example:
            yield from self._cli_and_scripts(project, source, place, text, folders, own=own)
        for call in script_calls(text):
            where = folders.at(call.offset)
            if where is None or call.path.startswith(("/", "~")):
                continue  # an absolute path names another machine's files (`/root/x.sh`)
            path = project.resolve(where, call.path)
            # Not there from a folder above the script's either: a helper run from its
            # project's folder (`./scripts/logs.sh` in `ops/scripts/up.sh`, run from `ops/`).
            above = folders_up(own)[1:] if own else []
            if not project.exists(path) and not found_from(project, above, call.path):
                line, col = place(call.offset)
                yield Finding(
                    self.code,
                    source.path,
                    line,
                    col,
                    f"{call.path}: {path} does not exist",
                    "point the step at an existing script, or use `fleet deploy`",
                )

    def _cli_and_scripts(
        self,
        project: Project,
        source: SourceFile,
        place: Callable[[int], tuple[int, int]],
        text: str,
        folders: _Where,
        *,
        own: str,
    ) -> Iterator[Finding]:
        """`modal logs` (no such command), run or printed for the reader to type (`echo "
        modal app show x"`), `python src/x.py` where x.py has moved, and `make TARGET` that the
        Makefile does not define."""
        said = printed_text(text) if "echo" in text or "printf" in text else ""
        calls = {cli.offset: cli for cli in [*unknown_cli_calls(text), *unknown_cli_calls(said)]}
        for cli in calls.values():
            message, hint = cli.problem
            yield Finding(self.code, source.path, *place(cli.offset), message, hint)
        for run in python_runs(text):
            where = folders.at(run.offset)
            if where is None:
                continue
            problem = moved_script(project, where, run.path, own) or inert_script(
                project, where, run.path
            )
            if problem is not None:
                yield Finding(self.code, source.path, *place(run.offset), *problem)
        for make in make_calls(text):
            where = folders.at(make.offset)
            problem = make_problem(project, where, make.path) if where is not None else None
            if problem is not None:
                yield Finding(self.code, source.path, *place(make.offset), *problem)


# A script's name of several words (`test_vllm_wrapper.py`), not one a reader makes (`test.py`).
COMPOUND_NAME = re.compile(r"[a-z0-9][_-][a-z0-9]", re.IGNORECASE)
# Problems Modal has with a file that is there, whoever's the file: options its function does
# not take, or no one thing to run.
REFUSED = frozenset({"options", "ambiguous"})


class TargetProblem(NamedTuple):
    """What is wrong with a `modal deploy|run|serve` target, and of which kind."""

    message: str  # `apps/x.py does not exist`
    # unknown: no registry app; options: `modal run` options the function does not take
    # ambiguous: `modal run FILE` of a file with several functions and no local entrypoint,
    # a glob that names several files, or a deploy of a file with no App named `app`
    # folder: run from a folder where the image's local files are not
    kind: Literal["missing", "retired", "unknown", "unflagged", "options", "ambiguous", "folder"]
    verb: str
    advice: str = ""  # the hint, where the kind does not say it

    def hint(self, deploy: str) -> str:
        """How to fix it; `deploy` is the rule's advice for a deploy of no registry app."""
        if self.kind == "unflagged":
            return "Modal 1.x reads a Python module path only after -m"
        if self.kind == "options":
            return "Modal makes an option of each parameter of what it runs: add the parameter"
        if self.advice:
            return self.advice
        if self.verb == "deploy":
            return deploy
        if self.kind == "retired":
            return "the app is retired; `fleet registry show` lists the live apps"
        return f"`modal {self.verb}` a file that exists; `fleet registry show` lists the apps"


def target_problem(
    project: Project, folders: list[str], command: DeployCommand, unknown: str
) -> TargetProblem | None:
    """What is wrong with a command's target run from one of `folders`, None when nothing is
    (or fleet cannot tell: a templated target, a word of prose). A target must exist and be
    no retired app's file; a deploy's must be a registry app's entry file (`unknown` says it
    is not); `modal run` and `modal serve` may run any other file. A module path without
    `-m` is refused by Modal whatever it names; it is reported as such when it names a file."""
    if command.templated:
        return _glob_problem(project, folders, command)
    found = [project.resolve(folders, f) for f in command.files]
    path = next((p for p in found if p in project.index.app_by_entry or project.exists(p)), None)
    if command.unflagged:
        return _unflagged_problem(project, folders, command, path)
    if path is None:
        return TargetProblem(f"{found[0]} does not exist", "missing", command.verb)
    return (
        _unnamed_problem(project, path, command)
        or _file_problem(project, path, command.verb, unknown)
        or _renamed_problem(project, path, command)
        or _object_problem(project, path, command)
        or _options_problem(project, path, command)
        or _folder_problem(project, folders, path, command)
    )


def expanded(project: Project, folders: list[str], paths: tuple[str, ...]) -> list[str]:
    """The files each path names, globs expanded over the repository's files."""
    found: list[str] = []
    for path in paths:
        if "[" in path:
            continue  # a character class: not a glob fleet reads
        if any(c in path for c in "*?"):
            # From the first folder where the glob matches files, as a shell there would.
            for folder in folders:
                pattern = posixpath.normpath(posixpath.join(folder, path))
                matcher = GlobSet([f"/{pattern}"])
                matched = [p for p in project.files.candidates if matcher.match(p)]
                if matched:
                    found += matched
                    break
        else:
            found.append(project.resolve(folders, path))
    return list(dict.fromkeys(found))


def _glob_problem(
    project: Project, folders: list[str], command: DeployCommand
) -> TargetProblem | None:
    """`modal deploy app_*.py`: the shell passes every file the glob matches, and Modal takes
    one target ("Got unexpected extra arguments")."""
    written = command.target.split("::", 1)[0]
    if not written.endswith(".py") or not any(c in written for c in "*?") or "$" in written:
        return None
    matched = expanded(project, folders, (written,))
    if len(matched) < 2:
        return None
    shown = ", ".join(matched[:3]) + (", ..." if len(matched) > 3 else "")
    return TargetProblem(
        f"the shell expands {written} to {len(matched)} files ({shown}); modal "
        f"{command.verb} takes one",
        "ambiguous",
        command.verb,
        f"`modal {command.verb}` one file at a time, or `fleet deploy --all`",
    )


def _before_one(project: Project, path: str) -> bool:
    """Whether a module was written for a Modal before 1.0: its App is a `stub` (its own, or
    imported), or it makes a `Stub`."""
    facts = project.python(path) if path.endswith(".py") else None
    source = project.file(path)
    if facts is None or source is None:
        return False
    stub = "stub" in facts.imports or any(app.variable == "stub" for app in facts.apps)
    return stub or "Stub(" in source.text


def _unflagged_problem(
    project: Project, folders: list[str], command: DeployCommand, module: str | None
) -> TargetProblem | None:
    """A target that is no `.py` file, without -m: a module path when it names one
    (`module`), else a file that does not exist. One word that names nothing is prose
    (`modal serve for hot reload`), and a file without `.py` that exists is left alone."""
    if module is not None:
        if _before_one(project, module):
            return None  # Modal before 1.0 took a module path without -m
        needs = f"a module path needs -m (modal {command.verb} -m {command.target})"
        return TargetProblem(needs, "unflagged", command.verb)
    if not any(c in command.written for c in "./"):
        return None
    path = project.resolve(folders, command.written)
    if project.exists(path):
        return None
    return TargetProblem(f"{path} does not exist", "missing", command.verb)


def _file_problem(project: Project, path: str, verb: str, unknown: str) -> TargetProblem | None:
    """What is wrong with an existing file as a command's target: a retired app's file, or,
    for a deploy, a file that is no registry app's entry file."""
    if path in project.index.app_by_entry:
        return None
    retired = _retired_file(project, path)
    if retired is not None:
        return TargetProblem(f"{path} is retired ({retired})", "retired", verb)
    if verb == "deploy":
        return TargetProblem(f"{path} {unknown}", "unknown", verb)
    return None


def _unnamed_problem(project: Project, path: str, command: DeployCommand) -> TargetProblem | None:
    """`modal deploy FILE` (and `serve`) without `::NAME` takes the App the file names `app`
    and no other ("module has no attribute 'app'"), even when the file has just one App.
    A file written for a Modal before 1.0 (a `stub`) is left alone."""
    if command.verb == "run" or "::" in command.target or _retired_file(project, path):
        return None
    facts = project.python(path) if path.endswith(".py") else None
    if facts is None or not facts.apps or _before_one(project, path):
        return None
    variables = [app.variable for app in facts.apps if app.variable]
    if "app" in variables or "stub" in variables or len(variables) < len(facts.apps):
        return None
    if "app" in facts.defined or "app" in facts.imports or "app" in facts.aliases:
        return None
    shown = ", ".join(dict.fromkeys(variables[:4]))
    return TargetProblem(
        f"{path} has no App named `app` (its Apps: {shown}): modal {command.verb} needs FILE::APP",
        "ambiguous",
        command.verb,
        f"name the App: `modal {command.verb} {path}::{variables[0]}`",
    )


def _renamed_problem(project: Project, path: str, command: DeployCommand) -> TargetProblem | None:
    """`modal deploy app.py --name memetic-demo` of a registry app's entry file, the name
    looking meant for the registry's (`mimetic-demo`): Modal deploys a second, misnamed app
    beside it. A name of its own (`--name staging`) is a copy the text means to make."""
    app = project.index.app_by_entry.get(path)
    if command.verb != "deploy" or app is None or command.name in (None, app.name):
        return None
    if not resembles(command.name or "", app.name):
        return None
    return TargetProblem(
        f"--name {command.name} deploys {path} as a second app beside {app.name!r}",
        "unknown",
        command.verb,
        f"drop --name: the registry names this app {app.name!r}",
    )


def _object_problem(project: Project, path: str, command: DeployCommand) -> TargetProblem | None:
    """What Modal finds in the file: an App, or a Modal function of one (a file that has
    neither is refused, "No Modal apps found"); `file.py::name` must name an App, a Modal
    function or class, or a local entrypoint the file defines at its top level."""
    facts = project.python(path) if path.endswith(".py") else None
    if facts is None:
        return None
    bare = not (facts.apps or facts.decorators or facts.entrypoints)
    if bare and not _may_take_app(project, path, facts):
        return TargetProblem(f"{path} defines no Modal App", "missing", command.verb)
    _, _, named = command.target.partition("::")
    name = named.split(".", 1)[0]
    if not named:
        return _runnable_problem(path, facts, command)
    if name not in facts.defined:
        return TargetProblem(f"{path} defines no {name!r}", "missing", command.verb)
    modal = {app.variable for app in facts.apps} | set(facts.run_options)
    modal |= {decorator.target for decorator in facts.decorators}
    if name in modal or name in facts.aliases or name in facts.imports:
        return None
    return TargetProblem(
        f"{path} defines {name!r}, but not as a Modal App, function or class",
        "missing",
        command.verb,
    )


def _may_take_app(project: Project, path: str, facts: PythonFacts) -> bool:
    """Whether a module that defines no Modal object may still hold one: it imports a name
    that may be an App (`from .common import app`), or a module of the repository that
    speaks of modal (and may build it)."""
    names = [*facts.imports, *facts.aliases]
    if any("app" in name.lower() or "stub" in name.lower() for name in names):
        return True
    imported = (project.file(p) for p in project.imported_files(path))
    return any(source is not None and "modal" in source.text for source in imported)


def _runnable_problem(
    path: str, facts: PythonFacts, command: DeployCommand
) -> TargetProblem | None:
    """`modal run FILE` without `::NAME` runs the file's one local entrypoint, else its one
    function: with several local entrypoints, or none and several functions (web endpoints
    aside, which `modal run` does not run), Modal refuses ("has the following options")."""
    if command.verb != "run" or len(facts.entrypoints) == 1:
        return None
    if len(facts.entrypoints) > 1:  # none of them is the file's
        return TargetProblem(
            f"{path} has {len(facts.entrypoints)} local entrypoints "
            f"({', '.join(facts.entrypoints[:4])}): modal run needs FILE::NAME",
            "ambiguous",
            command.verb,
            "name what to run: `modal run FILE::ENTRYPOINT`",
        )
    functions = [d.target for d in facts.decorators if d.kind == "function" and not d.web]
    if len(functions) < 2:
        return None
    shown = ", ".join(functions[:4]) + (", ..." if len(functions) > 4 else "")
    return TargetProblem(
        f"{path} has no local entrypoint and {len(functions)} functions ({shown}): "
        "modal run needs FILE::NAME",
        "ambiguous",
        command.verb,
        "name what to run: `modal run FILE::FUNCTION`, or add a local entrypoint",
    )


def _options_problem(project: Project, path: str, command: DeployCommand) -> TargetProblem | None:
    """`modal run file.py --client X`: Modal makes an option of each parameter of what it
    runs (`file.py::name`, else the file's one local entrypoint) and refuses any other
    ("No such option"), and any word that is no option's value (`modal run file.py
    image.png`: "Got unexpected extra argument") unless the function takes `*args`; an
    entrypoint that parses `sys.argv` itself never sees them."""
    run = command.verb == "run"
    given = [o for o in command.options if o != "--help"] if run else []
    facts = project.python(path) if run and command.arguments.strip() else None
    if facts is None:
        return None
    named = command.target.partition("::")[2]
    if named:
        function = named if named in facts.run_options else None
    elif len(facts.entrypoints) == 1:
        function = facts.entrypoints[0]
    else:  # no entrypoint: Modal runs the only function (or class), if there is one
        runnable = [d.target for d in facts.decorators] if not facts.entrypoints else []
        function = runnable[0] if len(runnable) == 1 else None
    accepted = facts.run_options.get(function) if function is not None else None
    if accepted is None:  # `*args` takes anything; or nothing to compare with
        return None
    unknown = [o for o in given if o not in accepted]
    takes = ", ".join(accepted) if accepted else "no options"
    if unknown:
        return TargetProblem(f"{function}() takes no {unknown[0]} ({takes})", "options", "run")
    extra = _positional(command.arguments, accepted)
    if not extra:
        return None
    message = (
        f"{function}() takes no argument {extra[0]}: modal run passes only options, one per "
        f"parameter ({takes})"
    )
    return TargetProblem(message, "options", "run")


def _folder_problem(
    project: Project, folders: list[str], path: str, command: DeployCommand
) -> TargetProblem | None:
    """`modal deploy services/app.py` run from the root, where the image's
    `add_local_file("../pyproject.toml")` names no file: Modal reads an image's relative local
    paths from the folder the command runs in. Reported where the path names a file or folder
    from the app file's own folder, or from the root, and not from the command's."""
    written = command.written.removeprefix(f"{project.root.name}/")
    here = next(
        (
            f
            for f in dict.fromkeys(folders)
            if posixpath.normpath(posixpath.join(f, written)) == path
        ),
        None,
    )
    misplaced = project.misplaced(path, here) if here is not None else None
    if misplaced is None:
        return None
    local, base = misplaced
    shown = "the repository root" if posixpath.normpath(here or ".") == "." else f"{here}/"
    return TargetProblem(
        f"run from {shown}, the image's {local.call}({local.path!r}) names no file there: "
        "Modal reads an image's relative local paths from the folder the command runs in",
        "folder",
        command.verb,
        f"run it from {'the repository root' if base == '.' else base + '/'}, or build the "
        "path from __file__",
    )


# Where a command's words end: a redirection (`> out.txt`, `2>&1`, `< in.txt`).
_REDIRECT = re.compile(r"[0-9]?[<>]")
# The quote that ends a string a command is printed in, and what closes after it: `")`.
_STRING_END = re.compile(r"[\"'][)\],;]{0,4}[ \t]*$")
_CONTINUED = re.compile(CONTINUED)


def _shell_words(text: str) -> list[str] | None:
    try:
        return shlex.split(text)
    except ValueError:  # a quote never closed
        return None


def _positional(arguments: str, accepted: list[str]) -> list[str]:
    """The words after `modal run`'s target that are no option and no option's value: Modal
    makes only options of a function's parameters, and refuses any other word."""
    # As a shell splits them, quoted values whole; the lines a `\` continues, joined; in a
    # string that prints the command, without the quote that ends the string.
    text = _CONTINUED.sub(" ", arguments)
    words = _shell_words(text)
    words = _shell_words(_STRING_END.sub("", text)) if words is None else words
    extra: list[str] = []
    taking = False  # the last word was an option that takes a value
    for word in words or []:
        bare = word.strip("\"')],;")
        if (_REDIRECT.match(word) and not word.startswith("<")) or word in ("<", "<<"):
            break
        if taking:  # an option's value
            taking = False
        elif not any(c.isalnum() for c in bare) or "$" in word:
            continue  # the `")` of a string it is printed in, a rule (`───`); a computed word
        elif word.startswith("-"):
            name = word.split("=", 1)[0]
            flag = name.startswith("--no-") or f"--no-{name[2:]}" in accepted
            taking = "=" not in word and not flag
        else:
            extra.append(word)
    return extra


def moved_script(
    project: Project, folders: list[str], written: str, own: str, *, runner: str = "python"
) -> tuple[str, str] | None:
    """`python src/x.py` run from `folders`, where no such file is, and a file of that name
    is elsewhere in the repository: it moved. The message and hint; None when the path is
    absolute, or is there from the root, `own` (the file's folder) or a folder above it (a
    project inside the repository); or when the name is nowhere (a file the reader makes).
    `python x.py` runs where the reader has gone: it is judged only when its name is of
    several words and the one file of that name is in the project of `own`, under a folder
    above it other than the root (`python test_vllm_wrapper.py` in `vllm/docs/`, the script
    in `vllm/tests/`)."""
    bare = "/" not in written and runner == "python"
    if written.startswith(("/", "~")) or (bare and not COMPOUND_NAME.search(written)):
        return None  # `./x.sh` names its folder
    if found_from(project, [*folders, *folders_up(own)], written):
        return None
    elsewhere = project.paths_named(posixpath.basename(written))
    if bare:
        above = [f"{folder}/" for folder in folders_up(own)[1:-1]]
        if len(elsewhere) != 1 or not any(elsewhere[0].startswith(a) for a in above):
            return None
    if not elsewhere:
        return None
    resolved = posixpath.normpath(posixpath.join(folders[0], written))
    shown = ", ".join(elsewhere[:3]) + (", ..." if len(elsewhere) > 3 else "")
    shown_command = f"python {written}" if runner == "python" else f"./{written}"
    return (
        f"`{shown_command}`: {resolved} does not exist; {posixpath.basename(written)} is at "
        f"{shown}",
        "give the script's path as it is now",
    )


def near_script(project: Project, folders: list[str], written: str) -> tuple[str, str] | None:
    """`python client.py` run from `folders`, where no such file is anywhere, but one file
    there has a name that ends or starts it (`example_client.py`, `client_v2.py`): renamed."""
    if "/" in written or not written.endswith(".py") or project.paths_named(written):
        return None
    stem = written.removesuffix(".py")
    near = {
        path
        for folder in dict.fromkeys(folders)
        for path in project.files_in(folder)
        if path.endswith(".py") and _renamed_from(path.rsplit("/", 1)[-1][:-3], stem)
    }
    if len(near) != 1:
        return None
    (path,) = near
    return (
        f"`python {written}`: there is no {written}; {path} is the script by a name like it",
        f"run `python {path.rsplit('/', 1)[-1]}`",
    )


def _renamed_from(name: str, stem: str) -> bool:
    """Whether a file's stem is `stem` with a word added (`example_client` for `client`)."""
    return name != stem and (name.endswith(f"_{stem}") or name.startswith(f"{stem}_"))


def inert_script(project: Project, folders: list[str], written: str) -> tuple[str, str] | None:
    """`python x.py` of a Modal app file, found from one of `folders`, that does nothing when
    run so: no `if __name__ == "__main__":` block and no call at its top level (its functions
    run through `modal run`, its local entrypoints take the arguments)."""
    if not written.endswith(".py") or written.startswith(("/", "~")):
        return None
    path = first_found(project, folders, written)
    facts = project.python(path) if path is not None else None
    if facts is None or facts.runs or not (facts.apps or facts.decorators):
        return None
    how = f"`modal run {path}::NAME`" if facts.entrypoints else f"`modal run {path}`"
    return (
        f"`python {written}`: {path} is a Modal app with no `__main__` block; python runs "
        "nothing of it",
        f"run its functions with {how}",
    )


def found_from(project: Project, folders: list[str], written: str) -> bool:
    """Whether a relative path names a file of the repository from one of `folders`."""
    return first_found(project, folders, written) is not None


def first_found(project: Project, folders: list[str], written: str) -> str | None:
    """The file a relative path names from the first of `folders` where it is one."""
    paths = (posixpath.normpath(posixpath.join(f, written)) for f in dict.fromkeys(folders))
    return next((path for path in paths if project.exists(path)), None)


_MAKEFILES = ("Makefile", "makefile", "GNUmakefile")


def make_problem(project: Project, folders: list[str], target: str) -> tuple[str, str] | None:
    """`make TARGET` run from one of `folders` (in the order they are likely): the message and
    hint when no Makefile found there defines the target, naming the first. None when one does,
    when no folder has a Makefile, or when a Makefile may define more than it shows."""
    first = None
    for folder in folders:
        for name in _MAKEFILES:
            path = posixpath.normpath(posixpath.join(folder, name))
            source = project.file(path)
            if source is None:
                continue
            targets = make_targets(source.text)
            if targets is None or target in targets:
                return None
            first = first or path
            break
    if first is None:
        return None
    return (
        f"`make {target}`: {first} has no target {target!r}",
        "run a target the Makefile defines (`make -qp` lists them), or add this one",
    )


def _retired_file(project: Project, path: str) -> str | None:
    """The reason a file was retired, when the registry lists it (a path without a folder
    stands for that file name anywhere) or it defines a retired app (`modal.App("old")`:
    deploying it brings the app back); None when it is not retired."""
    for retired in project.index.retired_files:
        bare = "/" not in retired.path
        if path == retired.path or (bare and posixpath.basename(path) == retired.path):
            return retired.reason
    app = project.retired_app_of(path)
    return f"it deploys the retired app {app.name!r}: {app.reason}" if app else None


def _working_directory(defaults: Any) -> str | None:
    if isinstance(defaults, dict) and isinstance(defaults.get("run"), dict):
        value = defaults["run"].get("working-directory")
        return value if isinstance(value, str) else None
    return None


def _place(source: SourceFile, run: str, run_line: int, offset: int) -> tuple[int, int]:
    """File line and column of an offset in a step's `run:` text, which YAML has dedented."""
    start = run.rfind("\n", 0, offset) + 1
    end = run.find("\n", offset)
    text = run[start : len(run) if end == -1 else end]
    indent = len(text) - len(text.lstrip())
    for number in range(run_line, len(source.lines) + 1):
        found = source.lines[number - 1].find(text.strip())
        if found != -1:
            return number, found + 1 + offset - start - indent
    return run_line, 1
