"""FL005 app-map: a hand-written map of apps or endpoints that misses some or names the wrong one.

What it does
    Finds maps keyed by app names (`flux`, `ryla-flux`, `qwen_edit`...) whose values are
    strings (URLs, hosts, names): when one covers at least half of the fleet but not all of
    it, the apps it misses are reported. Finds maps from endpoint paths to app names (an
    `ENDPOINT_APP_MAP`, keyed with or without the leading slash): a path mapped to an app
    that does not serve it, or to a name that is no app in the registry, is reported, and so
    are endpoints missing from a map that covers at least half of them. Finds maps of objects
    that name an app and its web function (`{safety: {app: "x-safety", endpoint: "check"}}`):
    an app the registry does not have, or a web function the app does not serve, is reported.
    A script, or a document's section, whose `modal deploy` commands deploy at least two apps
    and half of the fleet is a list of apps too (a loop over files named one by one is such a
    list, a PowerShell `foreach` over an array too; a document's commands may run from its
    folder or one above it): a live app it leaves out that something calls (a client, a setting
    or a script names it) is reported. Reads shell loops over app names (`for app in flux
    seedvr2; do ...`), and `modal app logs|history|rollback|dashboard|stop NAME` in scripts,
    workflows and docs: a NAME that is no app of the registry (live or retired) and no App the
    repository's code defines is reported (in a document, when it looks meant for one of those:
    a typo, or the same last or first two `-` parts; a guide's `my-app` is an example).

Why is this bad?
    Test and benchmark scripts that keep their own app list drift as apps are added: the
    audit's `APPS` dict lacked `qwen-edit`, so that app was never tested.

Example
    APPS = {"flux": "https://ryla--ryla-flux-...", ...}   # six of seven apps

Use instead
    Build the map from the registry: `fleet registry show --json` (or the generated clients).
"""

from __future__ import annotations

import bisect
import difflib
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from tools.core.paths import folders_up
from tools.drift_check.extract import powershell
from tools.drift_check.extract.commands import (
    app_commands,
    deploy_commands,
    in_markdown_code,
    loop_deploys,
    loop_words,
    shell_text,
)
from tools.drift_check.extract.maps import maps_in, with_spreads
from tools.drift_check.extract.markdown import MARKDOWN, headings
from tools.drift_check.extract.python import defines_modal_app
from tools.drift_check.extract.shell_blocks import Branches
from tools.drift_check.findings import Finding
from tools.drift_check.index import resembles
from tools.drift_check.rules.base import prose_test
from tools.drift_check.selection import DOCUMENTS

if TYPE_CHECKING:
    from tools.core.registry.model import App
    from tools.drift_check.extract.base import Entry, MapLiteral
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


# `modal.Function.from_name("app", "fn")`, `modal.Cls.from_name(...)`, the older `lookup`;
# in JavaScript (modal-js) `modal.functions.fromName(...)`, `modal.cls.fromName(...)`, and
# the older `Function_.lookup(...)`, `Cls.lookup(...)`.
LOOKUP = re.compile(
    r"\b(?P<kind>Function_?|Cls|functions|cls)\.(?P<verb>from_name|fromName|lookup)\("
    r"[ \t]*[\"'](?P<app>[\w.-]{1,64})[\"'][ \t]*,[ \t]*[\"'](?P<object>[\w.]{1,128})[\"']"
)
_SCRIPTS = frozenset({"ts", "tsx", "js", "jsx", "mjs", "cjs"})
_LOOKUP_HINT = "`fleet registry show` lists the apps and their functions"
_SHELL = frozenset({"sh", "bash", "yml", "yaml", "md", "mdx", "mdc", "markdown"})
_DEPLOY_LISTS = frozenset({"sh", "bash", "ps1", *MARKDOWN})
_DOCUMENTS = DOCUMENTS | {"ipynb"}  # files that call no app


def _normal(text: str) -> str:
    return text.strip().lower().replace("_", "-")


# The fields of an object that name a Modal app, and a web function of it, as keys are
# written: `app`, `appName`, `modal_app`; `endpoint`, `function`, `label`.
_APP_FIELDS = frozenset({"app", "appname", "modalapp", "modalappname"})
_FUNCTION_FIELDS = frozenset({"endpoint", "endpointname", "function", "functionname", "label"})
_LABEL = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")  # fullmatch: a label or function name


def _field(entry: Entry, names: frozenset[str]) -> Entry | None:
    """The string field of an object value whose key is one of `names` (any case, any `_`)."""
    for field in entry.value.fields or ():
        if field.key.lower().replace("_", "") in names and field.value.string:
            return field
    return None


def _called(project: Project) -> frozenset[str]:
    """The apps a file outside their own folder names by Modal name or URL label, other than
    a document: a client, a setting or a script that calls them."""
    apps = project.registry.apps.values()
    words = {app.name: app for app in apps} | {w.url_label: app for app in apps for w in app.webs}
    called = set()
    for source in project.holding(set(words)):
        if source.suffix in _DOCUMENTS or source.path == project.registry_path:
            continue
        for word, app in words.items():
            if app.key not in called and word in source.text and not app.owns(source.path):
                called.add(app.key)
    return frozenset(called)


def app_aliases(project: Project) -> dict[str, App]:
    """Every name a person might key an app by: short name, Modal name, folder, unprefixed."""
    aliases: dict[str, App] = {}
    prefix = f"{project.registry.workspace}-"
    for app in project.registry.apps.values():
        for alias in (app.key, app.name, app.folder_name, app.name.removeprefix(prefix)):
            aliases[_normal(alias)] = app
    return aliases


def _known_names(project: Project) -> set[str]:
    """The Modal names of the registry's apps, live and retired."""
    registry = project.registry
    return {app.name for app in registry.apps.values()} | {a.name for a in registry.retired.apps}


_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


# Words that name where the fleet itself runs, not another platform: `_DEV_URLS`.
_STAGES = frozenset({"dev", "local", "main", "preview", "prod", "production", "stage", "staging"})


def _words(name: str | None) -> list[str]:
    """`_RUNPOD_ENV_VARS` -> runpod, env, vars; `modalUrls` -> modal, urls."""
    return [m.group().lower() for m in _WORD.finditer(name or "")]


def _modal_maps(
    keyed: list[tuple[MapLiteral, list[str]]], aliases: dict[str, App], apps: int
) -> list[list[str]]:
    """The words of each map of a file that is named for Modal and keys every app."""
    found = []
    for mapping, keys in keyed:
        words = _words(mapping.name)
        covered = {aliases[_normal(k)].key for k in keys if _normal(k) in aliases}
        if "modal" in words and len(covered) == apps:
            found.append(words)
    return found


def _for_another_platform(mapping: MapLiteral, modal: list[list[str]]) -> bool:
    """Whether a map is the same map as one named for Modal but for another platform:
    `_RUNPOD_ENV_VARS` beside a `_MODAL_ENV_VARS` of every app, `"runpod": {...}` beside
    `"modal": {...}`. Apps that run only on Modal are missing from it by design."""
    words = _words(mapping.name)
    for other in modal:
        if len(other) != len(words) or words == other:
            continue
        differ = [(a, b) for a, b in zip(words, other, strict=True) if a != b]
        if len(differ) == 1 and differ[0][1] == "modal" and differ[0][0] not in _STAGES:
            return True
    return False


def _lookup_reading(source: SourceFile) -> Callable[[int], bool | None] | None:
    """How a file's lookups are read: for an offset, None where nothing runs (a comment of
    code), True where it is shown to a reader (a document's code, a script's lines), False
    where it runs. None for a file whose lookups are not read."""
    if source.suffix == "py":
        prose = None if defines_modal_app(source.text) else prose_test(source)
        return lambda offset: None if prose is not None and prose(offset) else False
    if source.suffix in _SCRIPTS:
        text = source.text

        def code(offset: int) -> bool | None:
            line = text[text.rfind("\n", 0, offset) + 1 : offset].lstrip()
            return None if line.startswith(("//", "*", "/*")) else False

        return code
    if source.suffix in MARKDOWN:
        return lambda offset: True if in_markdown_code(source.text, offset) else None
    if source.suffix in ("sh", "bash"):
        return lambda _: True
    return None


def _unregistered(project: Project, app: App, target: str, kind: str) -> str | None:
    """What is wrong with looking `target` up in a registry app: no function or class of
    its code is registered under that name (`@app.function(name="wan")` renames one)."""
    found = project.decorator(app, target)
    retired = {
        f.function.split(".", 1)[0] for f in project.registry.retired.functions if f.app == app.key
    }
    if found is None:  # a retired one is FL003's
        return (
            None
            if target in retired
            else f"{kind} {target!r} is no function or class of {app.name}"
        )
    renamed = found[1].keywords.get("name")
    if found[1].target == target and renamed is not None and renamed.string not in (None, target):
        return f"{kind} {target!r} of {app.name} is registered as {renamed.string!r} (name=)"
    return None


class AppMap:
    code = "FL005"
    name = "app-map"
    summary = "A hand-written map of apps or endpoints misses some or names the wrong app."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        aliases = app_aliases(project)
        called: list[frozenset[str]] = []  # `_called`, once a deploy list needs it
        for source in project.scanned():
            if source.suffix in _SHELL and "for" in source.text:
                yield from self._loops(project, source, aliases)
            if source.suffix in _SHELL and "modal" in source.text:
                yield from self._app_commands(project, source)
            if source.suffix in _DEPLOY_LISTS and "deploy" in source.text:
                yield from self._deploy_lists(project, source, called)
            if any(verb in source.text for verb in ("_name(", "fromName(", "lookup(")):
                yield from self._lookups(project, source)
            forced = source.path in project.config.client_maps
            maps = maps_in(source, project.index.may_hold_maps, as_data=forced)
            keyed = [(mapping, [key for key, _ in with_spreads(mapping, maps)]) for mapping in maps]
            modal = _modal_maps(keyed, aliases, len(project.registry.apps))
            speaks = bool(keyed) and "modal" in source.text.lower()
            for mapping, keys in keyed:
                if speaks:
                    yield from self._objects(project, source, mapping, aliases)
                strings = [e for e in mapping.entries if e.value.string is not None]
                if not strings or len(strings) * 2 < len(mapping.entries):
                    continue
                if not _for_another_platform(mapping, modal):
                    yield from self._by_app(project, source, mapping, keys, aliases)
                yield from self._by_endpoint(project, source, mapping, keys, aliases)

    def _deploy_lists(
        self, project: Project, source: SourceFile, called: list[frozenset[str]]
    ) -> Iterator[Finding]:
        """`modal deploy` of the fleet's apps one after another, in a script or in one
        section of a document: a list of apps written by hand, like a loop's. An app that
        nothing calls may be left out (a standalone health check, an experiment). A script's
        list is the deploys of one branch (each branch of an `if` or `case` is a choice);
        not those it prints (advice for a case: the apps a secret it set is for). A loop
        over files named one by one deploys each; a document's commands run from its
        folder, one above it ("From `manthana-backend`:") or the root."""
        markdown = source.suffix in MARKDOWN
        written = powershell.as_shell(source.text) if source.suffix == "ps1" else source.text
        text = shell_text(written, markdown=markdown)
        own = posixpath.dirname(source.path)
        folders = project.folders(
            text, ["", *folders_up(own)] if markdown else ["", own], own, markdown=markdown
        )
        starts = [h.line for h in headings(source)] if markdown else []
        branches = None if markdown else Branches(text)
        lists: dict[tuple[int, tuple[tuple[int, int], ...]], dict[str, tuple[int, App]]] = {}
        by_target = project.index.app_by_target

        def deployed(offset: int, targets: Iterable[str]) -> None:
            app = next((by_target[t] for t in targets if t in by_target), None)
            if app is None or (branches is not None and branches.printed(offset)):
                return
            line = source.position(offset)[0]
            branch = branches.branch(offset) if branches is not None else ()
            section = lists.setdefault((bisect.bisect_right(starts, line), branch), {})
            section.setdefault(app.key, (offset, app))

        for command in deploy_commands(text):
            where = folders.at(command.offset)
            if command.verb != "deploy" or command.templated or where is None:
                continue
            variable = command.target.partition("::")[2]
            deployed(
                command.offset,
                (
                    f"{project.resolve(where, f)}{'::' if variable else ''}{variable}"
                    for f in command.files
                ),
            )
        # A loop over files named one by one is such a list too (one over a glob deploys
        # whatever is there).
        for loop in [*loop_deploys(text), *powershell.loop_deploys(text)]:
            where = folders.at(loop.offset)
            if where is None or any(c in path for path in loop.paths for c in "*?["):
                continue
            for path in loop.paths:
                deployed(loop.offset, [project.resolve(where, path)])
        if not any(len(deployed) >= 2 for deployed in lists.values()):
            return
        if not called:
            called.append(_called(project))
        live = [a for a in project.registry.apps.values() if not a.legacy]
        for deployed in lists.values():
            covered = [app for _, app in deployed.values()]
            # The apps it should deploy: those something calls (of the web apps, when it
            # deploys web apps alone), and those it deploys.
            apps = [a for a in live if a.webs] if all(a.webs for a in covered) else live
            wanted = [a for a in apps if a.key in called[0] or a.key in deployed]
            missing = [a.name for a in wanted if a.key not in deployed]
            if len(covered) < 2 or not missing or len(covered) * 2 < len(wanted):
                continue
            first = min(offset for offset, _ in deployed.values())
            kind = "apps" if len(apps) == len(live) else "web apps"
            yield Finding(
                self.code,
                source.path,
                *source.position(first),
                f"these `modal deploy` commands deploy {len(covered)} of the {len(wanted)} "
                f"{kind} that something calls or they deploy; missing {', '.join(missing)}",
                "deploy them too, or use `fleet deploy --all`",
            )

    def _app_commands(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`modal app logs NAME`: NAME must be an app of the registry (live or retired) or
        one the repository's code defines."""
        markdown = source.suffix in MARKDOWN
        commands = app_commands(shell_text(source.text, markdown=markdown))
        if markdown:  # a command is code; prose only tells of one ("app logs command times out")
            commands = [c for c in commands if in_markdown_code(source.text, c.offset)]
        known = _known_names(project)
        unknown = [command for command in commands if command.name not in known]
        defined = project.repository_app_names if unknown else None
        for command in unknown if defined is not None else []:
            if command.name in defined:
                continue
            if markdown and not any(resembles(command.name, name) for name in known | defined):
                continue  # a guide's own name (`modal app logs my-llm-app`): an example
            line, col = source.position(command.offset)
            yield Finding(
                self.code,
                source.path,
                line,
                col,
                f"`modal app {command.verb} {command.name}`: no app of the registry or the "
                "repository is named so",
                "`fleet registry show` lists the apps",
            )

    def _lookups(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`modal.Function.from_name("app", "fn")` (`Cls.from_name`, the older `lookup`, and
        modal-js's `functions.fromName`): the app must be one the registry or the repository
        names, and a registry app's code must register the function or class under that name
        (`name=` renames it). Read in Python and JavaScript code, a Modal app file's prose (it
        says how to call it), a document's code and a script's lines; in those last two, a
        name no app has counts only where it looks meant for one (`my-app` is an example)."""
        written = _lookup_reading(source)
        if written is None:
            return
        known = _known_names(project)
        by_name = {app.name: app for app in project.registry.apps.values()}
        for match in LOOKUP.finditer(source.text):
            shown = written(match.start())
            if shown is None:
                continue  # a comment of code: not what runs
            name, target = match["app"], match["object"].split(".", 1)[0]
            if name.isupper():
                continue  # `APP_NAME`: for the reader to fill in
            line, col = source.position(match.start("app"))
            if name in by_name:
                kind = {"functions": "Function", "Function_": "Function", "cls": "Cls"}.get(
                    match["kind"], match["kind"]
                )
                problem = _unregistered(project, by_name[name], target, kind)
                if problem is not None:
                    yield Finding(self.code, source.path, line, col, problem, _LOOKUP_HINT)
                continue
            defined = project.repository_app_names if name not in known else None
            if defined is None or name in defined:
                continue
            if shown and not any(resembles(name, other) for other in known | defined):
                continue  # a guide's own name: an example
            message = (
                f"{match['kind']}.{match['verb']}({name!r}, ...): no app of the registry or "
                "the repository is named so"
            )
            yield Finding(self.code, source.path, line, col, message, _LOOKUP_HINT)

    def _loops(
        self, project: Project, source: SourceFile, aliases: dict[str, App]
    ) -> Iterator[Finding]:
        """`for app in flux seedvr2 ...`: a list of the fleet's apps written by hand."""
        retired = {_normal(a.name) for a in project.registry.retired.apps}
        apps = project.registry.apps
        text = shell_text(source.text, markdown=source.suffix in MARKDOWN)  # not heredocs
        deploying = {loop.loop for loop in loop_deploys(text)}  # FL007 checks those
        for loop in loop_words(text):
            if loop.loop in deploying:
                continue
            words = [(w, at) for w, at in loop.words if not any(c in w for c in "$*?/{}")]
            named = [aliases[_normal(w)].key for w, _ in words if _normal(w) in aliases]
            if len(named) < 2 or len(named) * 2 < len(words):
                continue  # not a list of the fleet's apps
            for word, at in words:
                if _normal(word) not in aliases and _normal(word) not in retired:
                    line, col = source.position(at)
                    yield Finding(
                        self.code,
                        source.path,
                        line,
                        col,
                        f"the loop over apps names {word!r}, which is no app in the registry",
                        "loop over `fleet registry show --json`, or fix the name",
                    )
            missing = [a.name for a in apps.values() if a.key not in named and not a.legacy]
            if missing and len(set(named)) * 2 >= len(apps):
                line, col = source.position(words[0][1])
                yield Finding(
                    self.code,
                    source.path,
                    line,
                    col,
                    f"the loop over apps covers {len(set(named))} of {len(apps)} apps; missing "
                    f"{', '.join(missing)}",
                    "loop over `fleet registry show --json` instead",
                )

    def _by_app(
        self,
        project: Project,
        source: SourceFile,
        mapping: MapLiteral,
        keys: list[str],
        aliases: dict[str, App],
    ) -> Iterator[Finding]:
        named = [e for e in mapping.entries if e.value.string and len(e.value.string.split()) == 1]
        if len(named) * 2 < len(mapping.entries):
            return  # values that are texts (prompts, messages), not URLs, hosts or names
        apps = project.registry.apps
        covered = {aliases[_normal(k)].key for k in keys if _normal(k) in aliases}
        if all(apps[key].webs for key in covered):  # a map of the web apps (URLs, workers)
            apps = {key: app for key, app in apps.items() if app.webs}
        if len(covered) < 2 or len(covered) * 2 < len(apps) or len(covered) == len(apps):
            return
        missing = [a.name for a in apps.values() if a.key not in covered]
        kind = "apps" if len(apps) == len(project.registry.apps) else "web apps"
        yield Finding(
            self.code,
            source.path,
            mapping.at.line,
            mapping.at.col,
            f"{mapping.name or 'map'} covers {len(covered)} of {len(apps)} {kind}; missing "
            f"{', '.join(missing)}",
            "add them, or build the map from the registry (`fleet registry show --json`)",
        )

    def _objects(
        self, project: Project, source: SourceFile, mapping: MapLiteral, aliases: dict[str, App]
    ) -> Iterator[Finding]:
        """`{safety: {app: "pixium-safety", endpoint: "check-web"}, ...}`: a map whose entries
        name an app (and a web function of it) in fields. Read when most of its entries are
        the fleet's (by key or by app), in a file that speaks of Modal."""
        named = [(entry, _field(entry, _APP_FIELDS)) for entry in mapping.entries]
        objects = [(entry, field) for entry, field in named if field is not None]
        by_name = project.index.app_by_name
        ours = [
            entry
            for entry, field in objects
            if _normal(entry.key) in aliases or field.value.string in by_name
        ]
        if len(objects) < 2 or len(ours) * 2 < len(objects):
            return
        retired = _known_names(project) - set(by_name)
        defined = project.repository_app_names or frozenset()
        for entry, field in objects:
            name = field.value.string or ""
            at = field.value.at
            app = by_name.get(name)
            if app is None:
                if name in retired or name in defined or _normal(name) in aliases:
                    continue  # a retired app is FL003's; a short name is another key
                keyed = aliases.get(_normal(entry.key))
                close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
                meant = close[0] if close else keyed.name if keyed else None
                yield Finding(
                    self.code,
                    source.path,
                    at.line,
                    at.col,
                    f"{mapping.name or 'map'}[{entry.key!r}] names app {name!r}, which is no "
                    "app in the registry",
                    f"did you mean {meant!r}?" if meant else "`fleet registry show` lists the apps",
                )
                continue
            function = _field(entry, _FUNCTION_FIELDS)
            wanted = function.value.string if function is not None else None
            if wanted is None or not _LABEL.fullmatch(wanted):
                continue
            labels = [w.url_label for w in app.webs]
            names = [_normal(w.function or w.method or "") for w in app.webs]
            if wanted in labels or f"{app.name}-{wanted}" in labels or _normal(wanted) in names:
                continue
            at = function.value.at
            served = ", ".join(labels) if labels else "no web endpoint"
            yield Finding(
                self.code,
                source.path,
                at.line,
                at.col,
                f"{mapping.name or 'map'}[{entry.key!r}] names web function {wanted!r} of "
                f"{app.name}, which serves {served}",
                "`fleet registry show` lists each app's web functions",
            )

    def _by_endpoint(
        self,
        project: Project,
        source: SourceFile,
        mapping: MapLiteral,
        keys: list[str],
        aliases: dict[str, App],
    ) -> Iterator[Finding]:
        index = project.index
        paths = [index.endpoint_of_key(k) for k in keys]
        endpoint_keys = [p for p in paths if p is not None]
        if not endpoint_keys:
            return
        values = [e.value.string for e in mapping.entries if e.value.string is not None]
        by_app = sum(_normal(v) in aliases for v in values) * 2 >= len(values)
        retired = {_normal(a.name) for a in project.registry.retired.apps}
        for entry in mapping.entries:
            path = index.endpoint_of_key(entry.key)
            owner = index.app_by_path.get(path) if path is not None else None
            value = entry.value.string or ""
            named = aliases.get(_normal(value))
            if by_app and named is None and path is not None and _normal(value) not in retired:
                yield Finding(
                    self.code,
                    source.path,
                    entry.value.at.line,
                    entry.value.at.col,
                    f"{mapping.name or 'map'} sends {path} to {value!r}, which is no app in the "
                    "registry",
                    f"map it to {owner.key!r} ({owner.name})" if owner else "remove the entry",
                )
            elif owner is not None and named is not None and named is not owner:
                yield Finding(
                    self.code,
                    source.path,
                    entry.value.at.line,
                    entry.value.at.col,
                    f"{mapping.name or 'map'} sends {path} to {named.name}, but "
                    f"{owner.name} serves it",
                    f"map it to {owner.key!r} ({owner.name})",
                )
        total = len(index.app_by_path)
        missing = [p for p in index.app_by_path if p not in endpoint_keys]
        if missing and len(endpoint_keys) * 2 >= total:
            yield Finding(
                self.code,
                source.path,
                mapping.at.line,
                mapping.at.col,
                f"{mapping.name or 'map'} maps {len(endpoint_keys)} of {total} endpoints; "
                f"missing {', '.join(missing)}",
                "add them, or build the map from the registry (`fleet registry show --json`)",
            )
