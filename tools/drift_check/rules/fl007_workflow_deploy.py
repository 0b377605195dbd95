"""FL007 workflow-deploy: a workflow or script deploys a file that is gone or is no registry app.

What it does
    Reads the `run:` steps of `.github/workflows/*.yml` and every shell script for
    `modal deploy TARGET` (a file, `file.py::app`, or `-m module`) and for calls of `*.sh`
    scripts, resolves them against the step's `working-directory`, and reports a target that
    does not exist or is not the entry file of a registry app, with the line of the command.

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

import posixpath
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tools.core.globs import GlobSet
from tools.drift_check.extract.commands import (
    Folders,
    deploy_commands,
    loop_deploys,
    script_calls,
)
from tools.drift_check.extract.data import located_data
from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile

WORKFLOWS = ".github/workflows/"


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
            elif source.suffix in ("sh", "bash"):
                # A script is run from the root or from its own folder; usage comments show
                # which: a path is the script's if it is there from either.
                own = posixpath.dirname(source.path)
                folders = Folders(source.text, [own, ""], own)
                yield from self._commands(project, source, source.text, source.position, folders)

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

                folders = Folders(run, [str(directory)], str(directory))
                yield from self._commands(project, source, run, place, folders)

    def _commands(
        self,
        project: Project,
        source: SourceFile,
        text: str,
        place: Callable[[int], tuple[int, int]],
        folders: Folders,
    ) -> Iterator[Finding]:
        entries = project.index.app_by_entry
        example = project.an_example_s(source.path)  # an example's script outside the fleet
        for command in deploy_commands(text):
            where = folders.at(command.offset)
            if command.path is None or where is None or example:
                continue
            path = project.resolve(where, command.path)
            if path in entries:
                continue
            state = (
                "does not exist"
                if not project.exists(path)
                else "is not the entry file of a registry app"
            )
            yield Finding(
                self.code,
                source.path,
                *place(command.offset),
                f"modal deploy {command.target}: {path} {state}",
                "deploy registry apps with `fleet deploy`; `fleet registry show` lists them",
            )
        for loop in loop_deploys(text):
            where = folders.at(loop.offset)
            if where is None:
                continue
            for path in self._expanded(project, where, loop.paths):
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
        for call in script_calls(text):
            where = folders.at(call.offset)
            if where is None:
                continue
            path = project.resolve(where, call.path)
            if not project.exists(path):
                line, col = place(call.offset)
                yield Finding(
                    self.code,
                    source.path,
                    line,
                    col,
                    f"{call.path}: {path} does not exist",
                    "point the step at an existing script, or use `fleet deploy`",
                )

    def _expanded(self, project: Project, folders: list[str], paths: tuple[str, ...]) -> list[str]:
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
