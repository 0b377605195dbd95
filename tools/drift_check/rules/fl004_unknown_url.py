"""FL004 unknown-url: a `*.modal.run` URL that the registry does not serve.

What it does
    Reads every `*.modal.run` URL, literal or templated (`{workspace}`, `${workspace}`, `%s`),
    whose label is a registry app's, or was meant to be (the app's name then more: a stale label
    after a class or method was renamed; a misspelt label; a web function's own name, or that
    name without `_endpoint`, as readers guess it from the code (`clone` for
    `Service.clone_endpoint`); or the name of one app cut short, `music-ai-separator` for
    `music-ai-separator-complete`; or, in a document, a comment or a settings template, a label
    no app of the fleet or the repository serves, in one paragraph and workspace with the
    fleet's URLs), and checks that its workspace and environment suffix are known and that its
    path is an endpoint of that same app (`{parameters}` match a segment; a base URL's path that
    begins endpoints, `/v1` of `/v1/chat/completions`, is the client's to extend). A URL of an
    app outside the fleet is not the registry's to judge; in prose (documents, comments), a URL
    in another workspace is an example unless its label is (or was meant to be) a registry
    app's; a placeholder workspace (`your-workspace--`, `xxxx--`) is the reader's, wherever it
    is written (in a test's code, the test's own fixture), but in the prose of an app's own
    entry file its label must be the app's (or a fleet app's). A URL that Python code builds and
    calls (from constants, f-strings, `+`, the default of `os.getenv`) is checked at the call;
    in a script or page, a path joined to a constant the file assigns a modal.run URL
    (`${API_BASE}/status/${id}`) is checked as that URL's, and so is a path joined to a
    setting the registry says holds a web function's URL (`${MODAL_BASE_URL}/generate`,
    `f"{BASE}/generate"` where `BASE = os.getenv("MODAL_BASE_URL")`). An OpenAPI document
    whose `servers` are the fleet's URLs describes them: each of its `paths` must be one that
    some server's web function answers.

Why is this bad?
    Every app has its own host. `/seedvr2` on the flux host is a 404; a typo in a label is a
    DNS failure; a URL for an environment that does not exist reaches nothing. Such URLs hide
    in test helpers and client fallbacks until the day they are called.

Example
    requests.post("https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/seedvr2", ...)

Use instead
    requests.post("https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2", ...)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from tools.core.registry import modal_names
from tools.drift_check.extract.data import located_data
from tools.drift_check.extract.python import python_facts
from tools.drift_check.extract.setting_joins import setting_joins
from tools.drift_check.extract.settings import is_settings_template
from tools.drift_check.extract.urls import UrlRef, find_urls, placeholder, urls_in
from tools.drift_check.findings import Finding
from tools.drift_check.index import STANDARD_PATHS, path_matches
from tools.drift_check.rules.base import prose_test

if TYPE_CHECKING:
    from tools.core.registry.model import App, WebFunction
    from tools.drift_check.index import RegistryIndex
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


_BLANK = re.compile(r"\n[ \t\r]*\n")
# Code that joins a URL in a template literal: `${API_BASE}/status/${id}`.
_DATA = frozenset({"yaml", "yml", "json"})
_SCRIPTED = frozenset({"ts", "tsx", "js", "jsx", "mjs", "cjs", "html", "vue", "svelte"})
_BASE = re.compile(
    r"\b(?:const|let|var)[ \t]+(?P<name>[A-Za-z_$][\w$]{0,63})[ \t]*=[ \t]*"
    r"(?P<q>['\"`])(?P<url>https?://[A-Za-z0-9.-]{1,200}\.modal\.run)(?P=q)"
)
_JOINED = re.compile(r"\$\{(?P<name>[A-Za-z_$][\w$]{0,63})\}(?P<path>/[^\s'\"`?#]{0,512})")
_TEMPLATED = re.compile(r"\$?\{[^{}]{0,256}\}")
_DOCS = frozenset({"md", "mdx", "mdc", "markdown", "rst", "txt", "html"})
_LINE_COMMENTS = ("#", "//")


def _prose(source: SourceFile) -> Callable[[int], bool] | None:
    """Whether an offset of the file is prose: all of a document; a Python comment or
    docstring; a line comment of other code (`# TRANSCRIPT_URL=https://...` in an
    `.env.example`, `// see https://...`). Elsewhere every URL is used as one."""
    if source.suffix in _DOCS:
        return lambda _: True
    if source.suffix == "py":
        return prose_test(source)
    text = source.text

    def commented(offset: int) -> bool:
        line = text[text.rfind("\n", 0, offset) + 1 : offset].lstrip()
        return line.startswith(_LINE_COMMENTS)

    return commented


class UnknownUrl:
    code = "FL004"
    name = "unknown-url"
    summary = "A *.modal.run URL names an app, environment or path the registry does not serve."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        settings = project.index.web_by_setting
        for source in project.scanned():
            if settings:
                yield from self._settings(project, source)
            urls = find_urls(source)
            prose = _prose(source) if urls else None
            if prose is not None:
                yield from self._beside(project, source, urls, prose)
            for url in urls:
                shown = prose is not None and prose(url.offset)
                filled_in = url.source is not None and placeholder(url.source)
                foreign = not self._ours(project, url) and not filled_in
                if shown and foreign and not self._fleet_s(project, url):
                    continue  # an example in prose, of an app of its own
                # A test's URL in a workspace of its own (`foo--`, `your-app--`) is what it
                # builds, mocks, asserts or refuses; one in an environment of the fleet's
                # (`ryla-prod--`), or one the code fills in (`%s--`), is the fleet's.
                of_its_own = foreign or (filled_in and not shown)
                if of_its_own and _a_test(source.path) and not _of_workspace(project, url.source):
                    continue
                problem = self._problem(project, url, shown)
                if problem is None and shown:
                    problem = self._own_file_s(project, source, url)
                if problem is not None:
                    line, col = source.position(url.offset)
                    message, hint = problem
                    yield Finding(self.code, source.path, line, col, message, hint)
            if source.suffix in _DATA and urls and "paths" in source.text:
                yield from self._openapi(project, source)
            if source.suffix == "py" and "modal.run" in source.text:
                yield from self._built(project, source)
            elif source.suffix in _SCRIPTED and "${" in source.text and "modal.run" in source.text:
                yield from self._joined(project, source)

    def _openapi(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """An OpenAPI document whose servers are the fleet's URLs: each of its paths must be
        one that some server's web function answers (the server's own path before it)."""
        document = located_data(source)
        data = document.data if document is not None else None
        if not isinstance(data, dict) or not ({"openapi", "swagger"} & data.keys()):
            return
        paths = data.get("paths")
        for path, item in paths.items() if isinstance(paths, dict) else []:
            servers = item.get("servers") if isinstance(item, dict) else None
            webs = self._servers(project, servers or data.get("servers"))
            if not webs or not isinstance(path, str) or not path.startswith("/"):
                continue
            full = [(app, web, f"{base.rstrip('/')}{path}") for app, web, base in webs]
            if any(_answers(project, app, web, whole) for app, web, whole in full):
                continue
            shown = ", ".join(dict.fromkeys(_whom(app, web) for app, web, _ in webs))
            served = sorted({p for _, web, _ in webs for p in web.endpoints})
            yield Finding(
                self.code,
                source.path,
                document.line_of(("paths", path)) if document is not None else 1,
                1,
                f"OpenAPI path {path} is not served by this document's servers ({shown})",
                f"they serve {', '.join(served)}",
            )

    def _servers(self, project: Project, servers: object) -> list[tuple[App, WebFunction, str]]:
        """The fleet's web functions an OpenAPI `servers` list names, each with the server's
        path; none unless every server that is a modal.run URL is one of the fleet's."""
        found = []
        for server in servers if isinstance(servers, list) else []:
            url = server.get("url") if isinstance(server, dict) else None
            refs = urls_in(url) if isinstance(url, str) else []
            if not refs:
                continue  # not a Modal URL (a local server)
            ref = refs[0]
            web = project.index.web_by_label.get(_served(project.index, ref.label or ""))
            if web is None:
                return []  # an app outside the fleet (or a template): not the registry's
            found.append((*web, ref.path or ""))
        return found

    def _own_file_s(
        self, project: Project, source: SourceFile, url: UrlRef
    ) -> tuple[str, str] | None:
        """A URL in the prose of an app's entry file (`# curl https://your-workspace--...`),
        in the fleet's workspace or the reader's, whose label no app of the fleet or of the
        repository serves: the file tells how to call itself, with a label copied from
        elsewhere. Said when the app has one web function, the one the URL was meant for."""
        app = project.index.app_by_entry.get(source.path)
        if app is None or len(app.webs) != 1 or url.label is None or url.source is None:
            return None
        if not placeholder(url.source) and not self._ours(project, url):
            return None
        index = project.index
        label = _served(index, url.label)
        if label in index.web_by_label or index.retired_label(url.label) is not None:
            return None
        if index.web_meant_by(label) is not None or project.serves_label(label) is not False:
            return None
        web = app.webs[0]
        return (
            f"{url.text}: {app.name}'s URL label is {web.url_label!r}, not {url.label!r}",
            f"use {project.registry.url(app, web=web)}, with your workspace",
        )

    def _beside(
        self,
        project: Project,
        source: SourceFile,
        urls: list[UrlRef],
        prose: Callable[[int], bool],
    ) -> Iterator[Finding]:
        """A URL among the fleet's, in one paragraph and one workspace of a document, a comment
        or a settings template (a list of the endpoints, an `.env.example`), whose label no
        app of the fleet or of the repository serves: it was meant for one of them. Code may
        call another app of the workspace beside the fleet's; a list for readers names the
        fleet's."""
        index = project.index
        if len(urls) < 2:
            return
        blanks = [m.start() for m in _BLANK.finditer(source.text)]
        fleet: set[tuple[int, str]] = set()  # (paragraph, workspace) of the fleet's URLs
        unknown: list[tuple[int, UrlRef, str]] = []
        template = is_settings_template(source.path)
        for url in urls:
            if url.label is None or url.source is None or index.retired_label(url.label):
                continue
            if not template and not prose(url.offset):
                continue
            label = _served(index, url.label)
            paragraph = bisect.bisect(blanks, url.offset)
            if label in index.web_by_label or index.web_meant_by(label) is not None:
                fleet.add((paragraph, url.source))
            else:
                unknown.append((paragraph, url, label))
        for paragraph, url, label in unknown:
            among = (paragraph, url.source or "") in fleet
            if not among or project.serves_label(label) is not False:
                continue  # alone, or an App of the repository (or one not written out) may serve it
            line, col = source.position(url.offset)
            yield Finding(
                self.code,
                source.path,
                line,
                col,
                f"{url.text}: no app of the fleet, or of this repository, serves the label "
                f"{label!r}, though the URLs beside it are the fleet's",
                "use a URL `fleet registry urls` lists",
            )

    def _joined(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`${API_BASE}/status/${id}` where the file assigns API_BASE a modal.run URL
        (`const API_BASE = 'https://...modal.run'`): the path is checked against that app."""
        bases = {
            m["name"]: refs[0] for m in _BASE.finditer(source.text) if (refs := urls_in(m["url"]))
        }
        if not bases:
            return
        for use in _JOINED.finditer(source.text):
            url = bases.get(use["name"])
            if url is None or url.path is not None or url.label is None:
                continue
            found = project.index.web_by_label.get(url.label)
            if found is None:
                continue  # a URL of its own: judged where it is written
            written = use["path"]
            app, web = found
            if _joined_served(web, written):
                continue
            yield self._unserved(source, use.start(), use[0], written, (app, web), base=url.text)

    def _settings(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """`${MODAL_BASE_URL}/generate` where the registry says the setting holds a web
        function's URL: the path is checked against that web function."""
        settings = project.index.web_by_setting
        for join in setting_joins(source.text, settings):
            app, web = settings[join.setting]
            # An f-string's `{{id}}` prints as `{id}`.
            if _joined_served(web, join.path.replace("{{", "{").replace("}}", "}")):
                continue
            holder = f"the URL {join.setting} holds"
            at, written = join.offset, join.written
            yield self._unserved(source, at, written, join.path, (app, web), base=holder)

    def _unserved(
        self,
        source: SourceFile,
        offset: int,
        written: str,
        path: str,
        served_by: tuple[App, WebFunction],
        *,
        base: str,
    ) -> Finding:
        """A path joined to a base URL (`base`: that URL, or what holds it) that the web
        function the base is of does not serve."""
        app, web = served_by
        line, col = source.position(offset)
        return Finding(
            self.code,
            source.path,
            line,
            col,
            f"{written}: {path} is not an endpoint of {_whom(app, web)} ({base})",
            f"{_whom(app, web)} serves {', '.join(web.endpoints)}",
        )

    def _built(self, project: Project, source: SourceFile) -> Iterator[Finding]:
        """The URL a call is given when the code builds it (`f"{BASE}-languages.modal.run"`,
        a default of `os.getenv`): checked at the call, as it is written nowhere whole."""
        facts = python_facts(source)
        for call in facts.client_calls if facts is not None else []:
            target = call.target
            if target is None or target.string is None or "modal.run" in target.text:
                continue  # a URL written out is read where it is written
            for url in urls_in(target.string):
                if url.text in source.text:
                    continue  # written whole in the file: read where it is written
                problem = self._problem(project, url, False)
                if problem is not None:
                    message, hint = problem
                    line, col = target.at.line, target.at.col
                    yield Finding(self.code, source.path, line, col, message, hint)

    def _fleet_s(self, project: Project, url: UrlRef) -> bool:
        """Whether a URL's label is a registry app's, or was meant to be: in another
        workspace (an old one, a copy), it still names the fleet's app."""
        index = project.index
        label = url.label
        return label is not None and (
            label in index.web_by_label or index.web_meant_by(label) is not None
        )

    def _ours(self, project: Project, url: UrlRef) -> bool:
        """Whether a URL is in a workspace of the fleet's (or cannot tell: a template)."""
        return url.source is None or url.source in project.index.fleet_sources

    def _problem(self, project: Project, url: UrlRef, shown: bool) -> tuple[str, str] | None:
        """What is wrong with a URL (`shown`: in prose, where a placeholder workspace is the
        reader's), or None."""
        index = project.index
        if url.label is None or index.retired_label(url.label) is not None:
            return None  # templated (cannot be checked) or retired (FL003 reports it)
        label = _served(index, url.label)
        found = index.web_by_label.get(label)
        if found is None:
            return _meant_problem(project, url, label)
        app, web = found
        sources = index.sources_of(app)
        # `your-workspace--`, in prose or in a template the reader fills in, is theirs.
        filled_in = placeholder(url.source or "")
        if url.source is not None and url.source not in sources and not filled_in:
            known = ", ".join(sorted(sources))
            return (
                f"{url.text}: {url.source!r} is not the workspace of a known environment",
                f"use one of: {known}",
            )
        return self._path_problem(project, url, app, web)

    def _path_problem(
        self, project: Project, url: UrlRef, app: App, web: WebFunction
    ) -> tuple[str, str] | None:
        index = project.index
        routed = url.path is not None and any(path_matches(p, url.path) for p in web.endpoints)
        known = url.path is None or _serves(web, url.path)
        single = project.endpoint_function(app, web)
        if single is not None and url.path not in (None, "/") and not routed:
            return (
                f"{url.text}: {url.path} is not served: {_whom(app, web)} is a @modal.{single} "
                "function, answered at / only",
                f"call {project.registry.url(app, web=web)} itself",
            )
        if known or url.path in index.retired_endpoints:
            return None  # a retired path is FL003's
        owner = index.app_by_path.get(url.path or "")
        if owner is None:
            return (
                f"{url.text}: {url.path} is not an endpoint of {_whom(app, web)}",
                f"{_whom(app, web)} serves {', '.join(web.endpoints)}",
            )
        endpoint = index.endpoint_by_path[url.path or ""]
        env = index.sources_of(owner).get(url.source or "")
        return (
            f"{url.text}: {url.path} is served by {_whom(owner, endpoint.web)}, "
            f"not {_whom(app, web)}",
            f"use {project.registry.endpoint_url(owner, endpoint, env)}",
        )


def _meant_problem(project: Project, url: UrlRef, label: str) -> tuple[str, str] | None:
    """A label no web function has: what is wrong when it was meant for one of the fleet's;
    None for an app outside the fleet, which is not the registry's to say."""
    index = project.index
    meant = index.web_meant_by(label)
    if meant is None:
        return None
    owner, web = meant
    if _deployed_as_another(project, owner, web, label) or _cut_short(owner, web, url):
        return None
    if _whole_elsewhere(project, owner, web, url):
        return None
    if meant == index.web_named(label) and project.serves_label(label) is not False:
        return None  # the function's name may be another App's label
    web = _named_by_path(owner, url.path) or web
    return (
        f"{url.text}: {_whose(owner, web)} URL label is {web.url_label!r}, not {url.label!r}",
        f"use {project.registry.url(owner, web=web)}; `fleet registry urls` lists every URL",
    )


def _named_by_path(app: App, path: str | None) -> WebFunction | None:
    """The web function of an app with several that a URL's path names by its first segment
    (`/health` on the app's host: its `health` function, served at a host of its own)."""
    first = (path or "").strip("/").split("/", 1)[0]
    if len(app.webs) < 2 or not first:
        return None
    named = [w for w in app.webs if modal_names.default_label(w.callable) == first.lower()]
    return named[0] if len(named) == 1 else None


def _of_workspace(project: Project, source: str | None) -> bool:
    """Whether a host's part before `--` is the fleet's workspace or names an environment of
    it (`ryla`, `ryla-prod`)."""
    workspace = project.registry.workspace
    return source is not None and (source == workspace or source.startswith(f"{workspace}-"))


def _a_test(path: str) -> bool:
    """Whether a file is a test's (`tests/`, `test_x.py`, `x.test.ts`): the URLs it builds and
    asserts use a workspace of its choosing (`https://foo--app-web.modal.run`)."""
    folders, _, name = path.rpartition("/")
    in_tests = any(part in ("test", "tests", "__tests__") for part in folders.split("/"))
    stem = name.split(".", 1)[0]
    return in_tests or stem.startswith("test_") or stem.endswith("_test") or ".test." in name


def _served(index: RegistryIndex, label: str) -> str:
    """The label a URL's label is served under: `modal serve` serves an app under its label
    and `-dev`."""
    return label.removesuffix("-dev") if label not in index.web_by_label else label


def _joined_served(web: WebFunction, written: str) -> bool:
    """Whether a path a client joins to a web function's URL may be one it serves: `${id}` or
    `{id}` is any one segment, but a template that ends the path and says it is a path
    (`/api/${params.path}`, a proxy's) is the rest of any endpoint that goes on there, as is
    what `BASE + "/jobs/" + id` adds after its `/` (`BASE + "/flux/"` alone is `/flux`); what
    the text does not show whole (`{path.lstrip('/')}`) is not judged."""
    path = _TEMPLATED.sub("_", written)
    if any(c in path for c in "{}$(") or _serves(web, path):
        return True
    stem = path.rsplit("/", 1)[0]
    if path.endswith("/") and _serves(web, stem or "/"):
        return True
    last = _TEMPLATED.fullmatch(written.rsplit("/", 1)[-1])
    rest = path.endswith("/") or (last is not None and "path" in last[0].lower())
    return rest and any(p.startswith(f"{stem}/") for p in web.endpoints)


def _serves(web: WebFunction, path: str) -> bool:
    """Whether a web function answers `path`: a standard path (`/docs`), one of its endpoints
    (`{parameters}` match a segment), or a base URL's path a client adds an endpoint's rest
    to: whole segments that begin its endpoints (`/v1` of `/v1/chat/completions`)."""
    if path in STANDARD_PATHS or any(path_matches(pattern, path) for pattern in web.endpoints):
        return True
    stem = path.rstrip("/")
    return bool(stem) and any(p.startswith(f"{stem}/") for p in web.endpoints)


def _deployed_as_another(project: Project, app: App, web: WebFunction, label: str) -> bool:
    """Whether `label` is the web function's under another App name the environment gives the
    same file (`APP_NAME = os.environ.get("ASR_APP_NAME", "asr")`, deployed once more as
    `asr-en`): the label ends as the function's does, after another name."""
    suffix = web.url_label.removeprefix(app.name)
    if web.label is not None or suffix == web.url_label or not label.endswith(suffix):
        return False
    found = project.deployed_app(app)
    source = project.file(found[0]) if found is not None else None
    written = found[1].name.text if found is not None and found[1].name is not None else ""
    if source is None or not written:
        return False
    if any(read in written for read in _ENVIRONMENT):
        return True
    pattern = rf"^[ \t]*{re.escape(written)}[ \t]*(?::[^=\n]*)?=([^\n]*)"
    assigned = re.search(pattern, source.text, re.MULTILINE)
    return assigned is not None and any(read in assigned[1] for read in _ENVIRONMENT)


_ENVIRONMENT = ("getenv(", "environ.get(", "environ[")


def _cut_short(app: App, web: WebFunction, url: UrlRef) -> bool:
    """Whether a URL's label is the web function's as Modal cuts a long one short, with a hash
    (and `-dev` under `modal serve`): its shape is all that can be checked."""
    derived = web.label_for(app.name)
    return url.source is not None and modal_names.truncates(url.label or "", derived, url.source)


def _whole_elsewhere(project: Project, app: App, web: WebFunction, url: UrlRef) -> bool:
    """Whether a URL's label is the web function's whole, in a workspace where it fits (a
    placeholder's as written), while the registry writes it as Modal cuts it short under the
    fleet's own (`label: x-1a2b3c`): the length of a host's workspace decides the cut, so
    both are right."""
    whole = web.derived_label(app.name)
    source = url.source
    fleet = modal_names.web_source(project.registry.workspace, "")
    return (
        source is not None
        and url.label == whole
        and len(f"{source}--{whole}") <= modal_names.MAX_LABEL_LENGTH
        and modal_names.truncates(web.url_label, whole, fleet)
    )


def _answers(project: Project, app: App, web: WebFunction, path: str) -> bool:
    """Whether a web function answers the whole path of an operation (`{id}` any segment):
    a standard path or an endpoint; a `fastapi_endpoint` function, `/` alone."""
    if project.endpoint_function(app, web) is not None:
        return path == "/"
    return path in STANDARD_PATHS or any(path_matches(pattern, path) for pattern in web.endpoints)


def _whom(app: App, web: WebFunction) -> str:
    """The app, or its web function where it has several: `audio's AudioSR.upscale`."""
    return app.name if len(app.webs) == 1 else f"{app.name}'s {web.shown}"


def _whose(app: App, web: WebFunction) -> str:
    return f"{app.name}'s" if len(app.webs) == 1 else f"{app.name}'s {web.shown}'s"
