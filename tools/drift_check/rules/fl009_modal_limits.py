"""FL009 modal-limits: code that runs into Modal's web limits.

What it does
    Reports an httpx client or call that does not follow redirects (a requests call with
    `allow_redirects=False`) while it waits longer than Modal's 150 s web request limit, or
    while it calls `*.modal.run` endpoints whose registry client timeouts exceed that limit
    (a call to another host is not judged; a client made in a `with` is judged by the first
    URL its body calls); `curl -m N` over the limit to a modal.run URL
    without `-L`, and a curl without `-m` (or with `-m "$VAR"`) to an endpoint whose
    registry client timeout is over it (a `$VAR` the script assigns is read as assigned, a
    `${VAR:-default}` as its default; not an auxiliary route, nor a GET of kind `other` (a
    data read), of a CPU container: those answer at once there, while on a GPU they wait for
    the model to load); `fetch`
    with `redirect: "manual"` in a file that calls modal.run (and never reads a `Location`
    header: a loop that follows the 303 itself is fine); and a web endpoint `label=`
    longer than 63 characters.

Why is this bad?
    Modal answers a request still running at 150 s with `303 See Other` to a URL that waits
    for the same call. httpx does not follow redirects unless told to, so every long GPU call
    fails with "Redirect response '303 See Other'" although the work succeeded. Labels over
    63 characters are truncated and hashed: the URL is not the one anybody wrote down.

Example
    httpx.post(url, json=body, timeout=600)

Use instead
    httpx.post(url, json=body, timeout=600, follow_redirects=True)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.core.registry.modal_names import MAX_LABEL_LENGTH
from tools.drift_check.extract.python import ClientCall, ModalDecorator, python_facts
from tools.drift_check.extract.urls import host_kind, modal_in_code, urls_in
from tools.drift_check.findings import Finding

if TYPE_CHECKING:
    from tools.core.registry.model import Endpoint
    from tools.drift_check.project import Project
    from tools.drift_check.source import SourceFile


_SCRIPTS = frozenset({"ts", "tsx", "js", "jsx", "mjs", "cjs"})
# A curl command to the end of its line, and of the lines a `\` at a line's end continues
# it on, as a shell reads it (`curl -m 300 -H ... \` with the URL two lines down).
CURL = re.compile(r"curl(?<![\w-]curl)\s(?:[^\n\\]|\\\r?\n|\\.)*")  # the word first: found fast
LOCATION = re.compile(r"(?:^|\s)(?:-L|--location(?:-trusted)?|-[a-zA-Z]*L[a-zA-Z]*)(?=\s|$)")
MAX_TIME = re.compile(r"(?:-m|--max-time)[\s=]+(?P<seconds>[0-9]{1,9}(?:\.[0-9]{1,6})?)\b")
# A shell assignment at the start of a line: `TIMEOUT=600`, `export URL="${X:-https://...}"`.
ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_]\w{0,63})="
    r"(?P<value>\"[^\"\n]{0,512}\"|'[^'\n]{0,512}'|[^\s;#]{0,512})",
    re.MULTILINE,
)
DEFAULT = re.compile(r"\$\{[A-Za-z_]\w{0,63}:?-(?P<default>[^{}\n]{0,512})\}")
REFERENCE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w{0,63})\}|(?P<name>[A-Za-z_]\w{0,63}))")
MANUAL_REDIRECT = re.compile(r"redirect\s*:\s*['\"`]manual['\"`]")
# A client that reads the Location header follows the redirect itself (a polling loop).
READS_LOCATION = re.compile(r"(?i)headers\s*\.\s*get\s*\(\s*['\"`]location['\"`]")


def _shell_variables(text: str) -> dict[str, str]:
    """`NAME=value` assignments of a script, the last one of each name, with a `${X:-default}`
    read as its default: what `$NAME` in a later command most likely holds."""
    found = {}
    for match in ASSIGNMENT.finditer(text):
        value = match["value"].strip("\"'")
        found[match["name"]] = DEFAULT.sub(lambda m: m["default"], value)
    return found


def _expand(command: str, variables: dict[str, str]) -> str:
    """A command with each `$NAME` or `${NAME}` of the script's assignments replaced."""
    return REFERENCE.sub(lambda m: variables.get(m["braced"] or m["name"], m[0]), command)


def _called(project: Project, command: str) -> Endpoint | None:
    """The registry endpoint a command's first modal.run URL names, by its label and path."""
    for url in urls_in(command):
        if url.label in project.index.web_by_label:
            return project.index.served(url.label, url.path or "/")
    return None


# Modal named as a word (`ModalEmbeddingAdapter`, `# cold Modal container`), not `modality`,
# nor the end of an adjective (`multimodal`, `cross-modal`).
_MODAL_WORD = re.compile(r"(?<![a-z])(?<![a-z]-)(?i:modal)(?![a-z])")
# What, right before it, says the file's host is another: "an alternative to Modal.com",
# "replaces Modal when running on AWS", "instead of Modal".
_OTHER_THAN = re.compile(
    r"(?i:alternative to|replac(?:es|ing)|instead of|rather than|away from)[ \t]+(?:the[ \t]+)?$"
)


def _speaks_of_modal(text: str) -> bool:
    """Whether a text names Modal as a word, other than as what it is an alternative to."""
    return any(
        _OTHER_THAN.search(text[max(0, m.start() - 32) : m.start()]) is None
        for m in itertools.islice(_MODAL_WORD.finditer(text), 256)
    )


class ModalLimits:
    code = "FL009"
    name = "modal-limits"
    summary = "A long call that does not follow Modal's 303, or a label over 63 characters."
    documentation = __doc__ or ""

    def check(self, project: Project) -> Iterator[Finding]:
        limit = project.registry.policy.web_request_limit_s
        longest = max((e.client_timeout_s for _, _, e in project.registry.endpoints()), default=0)
        for source in project.scanned():
            if source.suffix == "py":
                # httpx (which follows no redirect unless told), requests told not to follow
                # them, and labels: nothing else here can run into Modal's limits.
                if not any(w in source.text for w in ("httpx", "allow_redirects", "label=")):
                    continue
                facts = python_facts(source)
                if facts is None:
                    continue
                yield from self._labels(source, facts.decorators)
                calls_modal = modal_in_code(source) and longest > limit
                yield from self._clients(source, facts.client_calls, limit, longest, calls_modal)
            elif "modal.run" in source.text:
                yield from self._curl(project, source, limit)
                if source.suffix in _SCRIPTS:
                    yield from self._fetch(source)

    def _clients(
        self,
        source: SourceFile,
        calls: list[ClientCall],
        limit: int,
        longest: int,
        calls_modal: bool,
    ) -> Iterator[Finding]:
        for call in calls:
            requests = call.function.startswith("requests.")
            if requests:  # requests follows redirects unless told not to
                option = call.keywords.get("allow_redirects")
                if option is None or option.text != "False":
                    continue
            else:
                follows = call.keywords.get("follow_redirects")
                if follows is not None and follows.text == "True":
                    continue
            if "transport" in call.keywords:
                continue  # a transport of its own (a test's mock): no request reaches Modal
            host = host_kind(call.target)
            if host == "other":
                continue  # not a Modal endpoint: its redirects are not Modal's
            timeout = call.keywords.get("timeout")
            seconds = timeout.number if timeout is not None else None
            if host == "" and not calls_modal and not _speaks_of_modal(source.text):
                continue  # a host the code cannot tell, in a file that never speaks of Modal
            if seconds is not None and seconds > limit and timeout is not None:
                reason = f"timeout={timeout.text} is over Modal's {limit} s web limit"
            elif seconds is not None:
                continue  # it gives up before Modal's 303 could come
            elif host == "modal" or calls_modal:
                reason = f"it calls modal.run endpoints with client timeouts up to {longest} s"
            else:
                continue
            option = "allow_redirects=True" if requests else "follow_redirects=True"
            yield Finding(
                self.code,
                source.path,
                call.at.line,
                call.at.col,
                f"{call.function}(...) does not follow redirects, and {reason}: "
                "Modal's 303 See Other would fail the call",
                f"pass {option} (and enough redirects for the timeout)",
            )

    def _curl(self, project: Project, source: SourceFile, limit: int) -> Iterator[Finding]:
        """`curl -m 600 https://...modal.run/...` without `-L`: the 303 is the answer. Without
        `-m` (or with `-m "$VAR"`), curl waits as long as the call runs: as long as the
        registry's client timeout of the endpoint it names."""
        if "curl" not in source.text:
            return
        variables = _shell_variables(source.text) if "$" in source.text else {}
        for match in CURL.finditer(source.text):
            command = _expand(match[0], variables) if variables else match[0]
            if "modal.run" not in command or LOCATION.search(command):
                continue
            wait = MAX_TIME.search(command.replace('"', " ").replace("'", " "))
            if wait is not None:
                if float(wait["seconds"]) <= limit:
                    continue
                waits = f"waits {wait['seconds']} s"
            else:
                endpoint = _called(project, command)
                if endpoint is None or endpoint.client_timeout_s <= limit:
                    continue
                if not endpoint.web.gpus and (
                    endpoint.auxiliary or (endpoint.method == "GET" and endpoint.kind == "other")
                ):
                    continue  # a CPU container's health check or data read answers at once
                waits = (
                    f"waits for {endpoint.path}, whose calls take up to "
                    f"{endpoint.client_timeout_s} s (its client timeout),"
                )
            line, col = source.position(match.start())
            yield Finding(
                self.code,
                source.path,
                line,
                col,
                f"curl {waits} for a modal.run endpoint without -L: Modal answers a call still "
                f"running at {limit} s with 303 See Other, which curl prints instead of "
                "following",
                "add -L (--location)",
            )

    def _fetch(self, source: SourceFile) -> Iterator[Finding]:
        """`fetch(url, {redirect: "manual"})` in a file that calls modal.run endpoints."""
        if "manual" not in source.text or READS_LOCATION.search(source.text):
            return
        for match in MANUAL_REDIRECT.finditer(source.text):
            line, col = source.position(match.start())
            yield Finding(
                self.code,
                source.path,
                line,
                col,
                'redirect: "manual" in a file that calls modal.run endpoints: Modal\'s 303 '
                "See Other for a long call would be the answer",
                'remove it (fetch follows redirects by default) or use "follow"',
            )

    def _labels(self, source: SourceFile, decorators: list[ModalDecorator]) -> Iterator[Finding]:
        for decorator in decorators:
            for label in (keywords.get("label") for keywords in decorator.web.values()):
                if label is not None and label.string and len(label.string) > MAX_LABEL_LENGTH:
                    yield Finding(
                        self.code,
                        source.path,
                        label.at.line,
                        label.at.col,
                        f"label {label.string!r} is {len(label.string)} characters; Modal "
                        f"truncates labels over {MAX_LABEL_LENGTH} and appends a hash",
                        "choose a label of at most 63 characters, and put it in the registry",
                    )
