"""FL011 generated-file: a file generated from the registry is not what the registry gives.

What it does
    Renders `docs/ENDPOINTS.md`, `clients/typescript/endpoints.ts` and
    `registry/endpoints.json` from the registry and compares them with the files in the
    repository, where they exist and `fleet render` wrote them (its header names it): a
    team's own file at one of those paths is theirs.

Why is this bad?
    Generated clients and docs are how other languages and people read the registry. Edited
    by hand or left behind after a registry change, they become one more copy that drifts.

Example
    A registry change to a client timeout, committed without `fleet render`.

Use instead
    Run `fleet render` (or `fleet check --fix`) and commit the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.render.files import GENERATED, written_by_fleet
from tools.drift_check.findings import Edit, Finding

if TYPE_CHECKING:
    from tools.drift_check.project import Project


class GeneratedFile:
    code = "FL011"
    name = "generated-file"
    summary = "A file generated from the registry differs from what the registry gives."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        for generated in GENERATED:
            source = project.file(generated.path)
            if source is None or not written_by_fleet(source.text):
                continue
            wanted = generated.render(project.registry)
            if source.text != wanted:
                yield Finding(
                    self.code,
                    source.path,
                    1,
                    1,
                    f"{source.path} is not what the registry gives",
                    "run `fleet render` (or `fleet check --fix`)",
                    fix=Edit(source.path, 1, 1, source.text, wanted),
                )
