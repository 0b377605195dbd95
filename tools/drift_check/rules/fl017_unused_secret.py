"""FL017 unused-secret: a command creates a Modal secret that no app uses.

What it does
    Reads `modal secret create NAME KEY=VALUE ...` (or `--from-dotenv FILE`, or a command
    that goes on in the next line) anywhere in the repository: a document's code or prose, a
    script, a settings template, a comment. Reports each whose secret no app of the registry
    lists and no code of the repository looks up: `modal.Secret.from_name(...)` in Python
    (constants resolved, imported ones too), `Secret.fromName(...)` or
    `modal.secrets.fromName(...)` in modal-js. A name the reader fills in (`<name>`,
    `"$SECRET"`, `NAME`, `my-secret`) is not judged, and nothing is when some code's secret is
    named only when it runs. A line where FL013 already states the secret against the app
    its section is about is left to FL013. Historical documents are not read (`history` in
    `[tool.fleet]`).

Why is this bad?
    A secret nothing mounts configures nothing: the setup step runs, the keys are stored, and
    the setting the guide promised never reaches a container. The guide still tells the next
    person to create `photogenius-redis` after the cache moved off Modal, or `supabase` for an
    API that was never deployed there.

Example
    modal secret create cache-redis REDIS_URL=rediss://...   # no app looks it up

Use instead
    Create the secrets the apps use (`fleet registry show` lists each app's `secrets`), or
    remove the step; if an app should read it, add it to the app's code and registry entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.extract import markdown
from tools.drift_check.findings import Finding
from tools.drift_check.prefilter import SECRET_WORDS
from tools.drift_check.rules.fl013_docs_config import DocsConfig

if TYPE_CHECKING:
    from tools.drift_check.project import Project

# `modal secret create [OPTIONS] NAME [KEY=VALUE]...`: the rest of the line, read as words.
_CREATE = re.compile(r"\bmodal[ \t]+secret[ \t]+create\b([^\n]{0,400})")
_WORD = re.compile(r"[^ \t]+")
# The options of `modal secret create` that take a value (`--env prod`).
_VALUED = frozenset({"--env", "-e", "--from-dotenv", "--from-json"})
# A secret's name as Modal takes it. One with no lower-case letter (`NAME`, `SECRET_NAME`) or
# a metasyntactic word stands for the reader's own.
_NAME = re.compile(r"[\w.-]{1,64}")
_PLACEHOLDERS = frozenset(
    {"name", "secret", "secret-name", "secret_name", "my-secret", "my_secret", "example"}
)


class UnusedSecret:
    code = "FL017"
    name = "unused-secret"
    summary = "A command creates a Modal secret that no app uses."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        # Every file, whatever is named: a finding depends on all the code.
        every = project.scanned() if project.selected is None else project.holding(SECRET_WORDS)
        created = [
            (source, name, at)
            for source in every
            if "secret" in source.text and source.path != project.registry_path
            for match in _CREATE.finditer(source.text)
            for name, at in [_created(match)]
            if name is not None
        ]
        if not created or (looked_up := project.repository_secrets) is None:
            return  # none created, or some code's secret is named when it runs
        listed = sorted({s for app in project.registry.apps.values() for s in app.secrets})
        known = looked_up | set(listed) | project.index.retired_secrets  # retired: FL003's
        unused = [(source, name, at) for source, name, at in created if name not in known]
        documents = {s.path: s for s, _, _ in unused if s.suffix in markdown.MARKDOWN}
        stated = DocsConfig().stated_lines(project, documents.values()) if documents else set()
        for source, name, at in unused:
            line, column = source.position(at)
            if (source.path, line) in stated:
                continue
            yield Finding(
                self.code,
                source.path,
                line,
                column,
                f"`modal secret create {name}`: no app uses a secret of that name (the "
                f"registry's apps use: {', '.join(listed) or 'none'})",
                "create the secrets the apps use (`fleet registry show` lists them), or remove "
                "the step",
            )


def _created(match: re.Match[str]) -> tuple[str | None, int]:
    """The secret a `modal secret create` command names, and where; None when it is not a
    name written out (`"$NAME"`, `<name>`, `NAME`) or the words are no command: a command
    gives the secret's keys (`KEY=VALUE`, `--from-dotenv FILE`), or goes on in the next line."""
    words = list(_WORD.finditer(match[1]))
    name, at = None, match.start()
    keyed = bool(words) and words[-1][0] == "\\"
    skip = False
    for word in words:
        text = word[0]
        if skip:  # an option's value
            skip = False
        elif text.startswith("-"):
            skip = text in _VALUED
            keyed = keyed or text.startswith("--from-")
        elif name is None:
            name, at = text.strip("`'\""), match.start(1) + word.start()
        elif "=" in text[1:]:
            keyed = True
    if name is None or not keyed or _NAME.fullmatch(name) is None:
        return None, at
    if name == name.upper() or name.lower() in _PLACEHOLDERS:
        return None, at
    return name, at
