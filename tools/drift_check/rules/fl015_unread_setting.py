"""FL015 unread-setting: a setting for the fleet that the reader is told to set and no code reads.

What it does
    Reads the settings a `.env.example` (`.env.sample`, `app.env.template`, a committed `.env`)
    sets, and those a document's code, or a Python module's docstrings and comments, set
    (`MODAL_FLUX_URL=https://...`, `export MODAL_FLUX_URL=...`), that are about the fleet: the
    value is a modal.run URL, or the name says MODAL and is not one the Modal client reads
    itself (`MODAL_TOKEN_ID`, `MODAL_ENVIRONMENT`). Reports each one that no code of the
    repository reads: no other file (code, a workflow, a compose file, a Makefile) names it as a
    whole word, in any case (a settings class's field) or after its `env_prefix`, other than to
    set it (`NAME=`), and none builds it (`f"MODAL_{app}_URL"`).

Why is this bad?
    A renamed or removed variable lives on in the templates and guides people copy: they set
    `MODAL_BASE_URL` while the backend reads `MODAL_ENDPOINT_URL`, and the client falls back to
    a default, or to nothing, without a word.

Example
    MODAL_WEBRTC_URL=https://ryla--webrtc.modal.run   # the backend stopped reading it

Use instead
    The names the code reads, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.drift_check.extract.commands import in_markdown_code
from tools.drift_check.extract.python import defines_modal_app, module_header, python_prose
from tools.drift_check.extract.settings import (
    Setting,
    for_modal,
    is_settings_template,
    read_in,
    settings_set,
)
from tools.drift_check.findings import Finding
from tools.drift_check.prefilter import SETTING_WORDS
from tools.drift_check.selection import DOCUMENTS

if TYPE_CHECKING:
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


def _told(source: SourceFile) -> list[Setting]:
    """The settings for the fleet a file tells its reader to set: all of a template's, those
    in a document's code, and those in a Python module's docstrings and comments (a Modal app
    file's, or another module's header)."""
    document = source.suffix in DOCUMENTS and not is_settings_template(source.path)
    if is_settings_template(source.path) or document:
        text = source.text
    elif source.suffix == "py" and any(for_modal(s) for s in settings_set(source.text)):
        # Parsed only when a line sets one: then, is that line in its docs?
        text = python_prose(source) if defines_modal_app(source.text) else module_header(source)
    else:
        return []
    told = [setting for setting in settings_set(text) if for_modal(setting)]
    if document:
        told = [setting for setting in told if in_markdown_code(source.text, setting.offset)]
    return told


class UnreadSetting:
    code = "FL015"
    name = "unread-setting"
    summary = "A setting for the fleet that a template or guide sets, and no code reads."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        found: list[tuple[SourceFile, Setting]] = []
        # Every file, whatever is named: a finding in a document depends on all the code. A
        # whole check's scanned files are all that hold those words (the pre-filter's).
        every = project.scanned() if project.selected is None else project.holding(SETTING_WORDS)
        for source in every:
            if "=" in source.text:
                found += [(source, setting) for setting in _told(source)]
        if not found:
            return
        unread = {setting.name for _, setting in found}
        # A file may read a name whole, or build it from a beginning (`f"MODAL_{app}_URL"`).
        words = {n.lower()[: i + 1] for n in unread for i, c in enumerate(n) if c == "_"}
        for code in project.holding(words | {n.lower() for n in unread}, ignore_case=True):
            if code.suffix in DOCUMENTS or is_settings_template(code.path):
                continue
            unread -= read_in(code.text, unread)
            if not unread:
                return
        for source, setting in found:
            if setting.name in unread:
                yield Finding(
                    self.code,
                    source.path,
                    *source.position(setting.offset),
                    f"{setting.name} is set here, but no code of the repository reads it",
                    "set the name the code reads, or drop it",
                )
