"""`fleet init`: a starting registry drafted from the repository's Modal app files.

The registry is written by hand, line by line, because its comments matter: each value the
code does not say carries a `# guessed:` comment for a person to review. Apps are in the order
of their folder and file, so the same repository always gives the same text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.paths import joined

if TYPE_CHECKING:
    from tools.drift_check.discover.draft import Draft, DraftApp, DraftEndpoint, DraftWeb, Noted

HEADER = (
    "# The fleet's registry, drafted by `fleet init` from this repository's Modal app files.",
    "# Edit it from now on: it is the source of truth that checks, deploys and clients read;",
    "# `fleet init` writes a registry once (--force replaces it, and your edits with it).",
    "# `# guessed:` marks each value the code does not say: review every one before relying on",
    "# it. Then run `fleet registry validate` and `fleet check`.",
)
# Words YAML reads as something other than a string (YAML 1.1 readers included).
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})
_PLAIN_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_/")
_PLAIN_REST = _PLAIN_FIRST | frozenset("0123456789.-")
_UNDESCRIBED = (
    "routes or web entry points not described",
    "route or web entry point not described",
)
_NEXT = "fleet check --update-baseline --baseline .fleet-baseline.json"


def init(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="The repository to read. Default: the top of the git repository here, else "
            "the current folder.",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            "--output",
            "-o",
            metavar="FILE",
            help="The registry file to write (`-`: standard output). Default: [tool.fleet] "
            "registry, else registry/fleet.yaml under the root.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file when it exists.")
    ] = False,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            metavar="NAME",
            help="The Modal workspace (NAME in NAME--label.modal.run). Default: a guess.",
        ),
    ] = None,
    stdout: Annotated[
        bool, typer.Option("--stdout", help="Print the registry instead of writing it.")
    ] = False,
) -> None:
    """Draft a registry from the repository's Modal app files, to adopt fleet.

    Reads, without importing them, the Python files git lists (tracked, and untracked ones it
    does not ignore), for modal.App(...), its functions and classes (gpu=, timeout=), web
    entry points and their routes, secrets and volumes; and client timeout maps keyed by the
    endpoints found. Every value the code does not say is marked `# guessed:`.

    Exit codes: 0 written, 2 bad input (the file exists without --force, no Modal app).
    """
    from tools.core.config import load_config
    from tools.core.errors import FleetError, Problem
    from tools.core.registry import modal_names
    from tools.core.repository import REGISTRY_FILE, display_path
    from tools.drift_check.discover.drafter import draft_registry

    top = _root(root)
    if workspace is not None and not modal_names.is_valid_workspace(workspace):
        raise FleetError(
            f"--workspace {workspace!r}: not a workspace name (lower-case letters, digits, '-')"
        )
    config = load_config(top)
    if output == Path("-"):  # `-o -`: standard output, as `--stdout`
        output, stdout = None, True
    relative = _inside(top, output) if output is not None else config.registry or REGISTRY_FILE
    shown = display_path(top / relative)
    if not stdout and not force and (top / relative).exists():
        raise FleetError(Problem("already exists; pass --force to replace it", shown))
    draft = draft_registry(top, config, workspace=workspace, output=relative)
    if not draft.apps:
        raise FleetError(f"{display_path(top)}: no Python file defines a modal.App(...)")
    text = registry_text(draft)
    if stdout:
        sys.stdout.write(text)
    else:
        from tools.core.fs import rewrite_in_repository

        rewrite_in_repository(top, relative, text)
    typer.echo(summary(draft, None if stdout else shown), err=True)


def _root(given: Path | None) -> Path:
    """`--root`, else the top of the git repository around the current folder, else it."""
    from tools.core import git
    from tools.core.errors import FleetError

    if given is not None:
        if not given.is_dir():
            raise FleetError(f"--root {given}: not a directory")
        return given.resolve()
    here = Path.cwd().resolve()
    try:
        depth = len([part for part in git.prefix(here).split("/") if part])
    except git.GitError:
        return here
    return here.parents[depth - 1] if depth else here


def _inside(top: Path, output: Path) -> str:
    """`--output` as a path from the root; outside the repository, a usage error."""
    from tools.core.errors import FleetError

    full = (Path.cwd() / output).resolve()
    if not full.is_relative_to(top):
        raise FleetError(f"--output {output}: outside the repository {top}")
    return full.relative_to(top).as_posix()


def summary(draft: Draft, written: str | None) -> str:
    """One line for people: what was described, what to review, what to run next."""
    web = sum(1 for app in draft.apps if app.webs)
    webs = sum(len(app.webs) for app in draft.apps)
    endpoints = sum(len(app.endpoints) for app in draft.apps)
    several = f", {_count(webs, 'web function')}" if webs != web else ""
    parts = [
        f"{_count(len(draft.apps), 'app')} ({web} with a web entry point{several})",
        _count(endpoints, "endpoint"),
        f"{_count(draft.guessed, 'guessed value')} to review (# guessed:)",
    ]
    if draft.not_described:
        parts.append(f"{draft.not_described} {_UNDESCRIBED[draft.not_described == 1]}")
    copies = sum(1 for app in draft.apps if app.copy_of)
    if copies:
        parts.append(f"{_count(copies, 'app')} left out (a Modal name another file deploys too)")
    if draft.skipped:
        reasons: dict[str, int] = {}
        for why in draft.skipped.values():
            reasons[why] = reasons.get(why, 0) + 1
        said = ", ".join(f"{count} {why}" for why, count in sorted(reasons.items()))
        parts.append(f"{_count(len(draft.skipped), 'Python file')} skipped ({said})")
    done = f"wrote {written}" if written is not None else "printed the registry"
    return f"fleet init: {done}: {', '.join(parts)}. Next: fleet registry validate, then {_NEXT}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


# The YAML text.


def registry_text(draft: Draft) -> str:
    lines = [
        *HEADER,
        "version: 1",
        f"workspace: {scalar(draft.workspace.value)}{_comment(draft.workspace)}",
        "environments:",
        "  main:",
        '    web_suffix: ""',
        "apps:",
    ]
    for number, app in enumerate(draft.apps):
        lines += [""] * (number > 0) + (_copy_lines(app) if app.copy_of else _app_lines(app))
    return "\n".join(lines) + "\n"


def _copy_lines(app: DraftApp) -> list[str]:
    """An app whose Modal name an earlier app has: Modal deploys both files as one app, and
    the registry holds a name once. It is written commented out, for a person to choose."""
    note = (
        f"  # review: {joined(app.dir, app.entry)} deploys {app.name.value!r}, the name of app "
        f"{app.copy_of} too: Modal would deploy both as one app. Keep one; this one is left out."
    )
    return [note, *(f"# {line}" if line.strip() else "#" for line in _app_lines(app))]


def _app_lines(app: DraftApp) -> list[str]:
    """One web function is the app's: its gpu, timeout_s and endpoints are the app's fields.
    Several are a list under web, each with its own."""
    lines = [f"  {scalar(app.key)}:", _field(4, "name", app.name)]
    lines += [f"    dir: {scalar(app.dir)}", f"    entry: {scalar(app.entry)}"]
    one = app.webs[0] if len(app.webs) == 1 else None
    if one is not None:
        lines += _server_lines(4, one)
    for key, names in (("secrets", app.secrets), ("volumes", app.volumes)):
        if names:
            lines.append(f"    {key}: {scalar(names)}")
    if one is not None:
        pairs = [f"{key}: {value}" for key, value in _web_pairs(one)]
        note = _comment(one.note) if one.note is not None else ""
        lines.append(f"    web: {{{', '.join(pairs)}}}{note}")
    elif app.webs:
        lines.append("    web:")
        for web in app.webs:
            pairs = [f"        {key}: {value}" for key, value in _web_pairs(web)]
            lines += [f"      - {pairs[0].lstrip()}", *pairs[1:]]
            lines += [f"        # {_said(web.note)}"] if web.note is not None else []
            lines += _server_lines(8, web)
            lines += _endpoints_lines(8, web.endpoints)
    if app.functions:
        lines.append("    functions:")
        for function in app.functions:
            lines.append(f"      {scalar(function.name)}:")
            if function.gpu is not None:
                lines.append(_field(8, "gpu", function.gpu))
            lines.append(_field(8, "timeout_s", function.timeout_s))
    if one is not None:
        lines += _endpoints_lines(4, one.endpoints)
    lines += [f"    # {_said(note)}" for note in app.notes]
    lines += [f"    # guessed: not described: {_clean(what)}" for what in app.undescribed]
    return lines


def _web_pairs(web: DraftWeb) -> list[tuple[str, str]]:
    """The web function's names, label, proxy auth and settings, as YAML keys and scalars."""
    names = {"class": web.cls, "method": web.method, "function": web.function}
    pairs = [(key, scalar(value)) for key, value in names.items() if value is not None]
    pairs += [("label", scalar(web.label))] if web.label is not None else []
    pairs += [("requires_proxy_auth", "true")] if web.requires_proxy_auth else []
    pairs += [("settings", scalar(web.settings))] if web.settings else []
    return pairs


def _server_lines(indent: int, web: DraftWeb) -> list[str]:
    """The web function's gpu (none for a CPU container) and timeout."""
    fields = (("gpu", web.gpu), ("timeout_s", web.timeout_s))
    return [_field(indent, key, value) for key, value in fields if value is not None]


def _endpoints_lines(indent: int, endpoints: list[DraftEndpoint]) -> list[str]:
    if not endpoints:
        return []
    lines = [f"{' ' * indent}endpoints:"]
    for endpoint in endpoints:
        lines += _endpoint_lines(indent + 2, endpoint)
    return lines


def _endpoint_lines(indent: int, endpoint: DraftEndpoint) -> list[str]:
    inner = indent + 2
    lines = [f"{' ' * indent}{scalar(endpoint.path.value)}:{_comment(endpoint.path)}"]
    lines.append(_field(inner, "kind", endpoint.kind))
    if endpoint.method.value != "POST" or endpoint.method.note:
        lines.append(_field(inner, "method", endpoint.method))
    lines.append(_field(inner, "client_timeout_s", endpoint.client_timeout_s))
    lines.append(_field(inner, "idempotent", endpoint.idempotent))
    if endpoint.auxiliary is not None:
        lines.append(_field(inner, "auxiliary", endpoint.auxiliary))
    lines.append(f"{' ' * inner}# no smoke request yet")
    return lines


def _field(indent: int, key: str, noted: Noted) -> str:
    """`key: value  # comment`; a value of None is left out, its comment kept."""
    pad = " " * indent
    if noted.value is None:
        return f"{pad}# {_said(noted)}"
    return f"{pad}{key}: {scalar(noted.value)}{_comment(noted)}"


def _comment(noted: Noted) -> str:
    return f"  # {_said(noted)}" if noted.note else ""


def _said(noted: Noted) -> str:
    return f"guessed: {_clean(noted.note)}" if noted.guessed else _clean(noted.note)


def _clean(text: str) -> str:
    return " ".join(text.split())  # a comment ends at its line


def scalar(value: object) -> str:
    """A YAML scalar or flow sequence that every YAML reader reads back as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return f"[{', '.join(scalar(item) for item in value)}]"
    text = str(value)
    plain = (
        text
        and text[0] in _PLAIN_FIRST
        and all(c in _PLAIN_REST for c in text)
        and text.lower() not in _YAML_WORDS
    )
    return text if plain else json.dumps(text)
