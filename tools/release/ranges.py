"""The commit range a change plan covers: given refs, or read from a GitHub Actions event.

    pull_request   merge-base of the base and head SHAs .. head
    push           before .. after, a forced push too (what was deployed is the old head's
                   tree, whatever branch it is on); a new branch (before all zeros) uses the
                   merge-base with the default branch (the default branch's first push
                   changes every app); an old head that is gone for good makes every app
                   change, with that reason
    merge_group    base_sha .. head_sha
    push of a tag  the previous tag of the same release line .. the tag
    workflow_dispatch  the `base` input, else the default branch .. HEAD

A base the clone does not have is fetched (deepening a shallow clone); when it still is not
there the command fails, never silently reporting nothing. Every field of an event is read
for what it must be (a commit SHA, a string): a wrong one is exit 2 naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tools.core import git
from tools.core.errors import FleetError
from tools.core.fs import read_document

ZERO_SHA = re.compile(r"^0+$")
DEEPEN_STEPS = (50, 500)


class Range(NamedTuple):
    base: str | None  # None: what is deployed is unknown, so every app is in the range
    head: str
    why: str


def resolve_commit(root: Path, ref: str, what: str) -> str:
    """The commit `ref` names, deepening a shallow clone until it is found."""
    commit = git.resolve(root, ref)
    if commit is not None:
        return commit
    if git.is_shallow(root):
        for step in (*DEEPEN_STEPS, None):
            try:
                git.deepen(root, step)
            except git.GitError as error:
                raise FleetError(
                    f"{what} {ref!r} is not in this shallow clone and fetching more "
                    f"history failed: {error}"
                ) from None
            commit = git.resolve(root, ref)
            if commit is not None:
                return commit
    raise FleetError(f"{what} {ref!r} is not a commit in this repository")


def explicit_range(root: Path, base: str, head: str) -> Range:
    found = git.resolve_all(root, [base, head])
    if None in found:  # a shallow clone to deepen, or a message to give
        found = [resolve_commit(root, base, "--base"), resolve_commit(root, head, "--head")]
    return Range(str(found[0]), str(found[1]), "given")


def github_range(root: Path, environ: Mapping[str, str]) -> Range:
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    event = _Event(_event(environ), environ.get("GITHUB_EVENT_PATH", ""))
    default = _default_branch(root, event)
    if event_name in {"pull_request", "pull_request_target"}:
        head = resolve_commit(root, event.sha("pull_request", "head", "sha"), "pull request head")
        base = resolve_commit(root, event.sha("pull_request", "base", "sha"), "pull request base")
        return Range(_merge_base(root, base, head), head, "pull request: merge-base .. head")
    if event_name == "merge_group":
        return Range(
            resolve_commit(root, event.sha("merge_group", "base_sha"), "merge group base"),
            resolve_commit(root, event.sha("merge_group", "head_sha"), "merge group head"),
            "merge group: base_sha .. head_sha",
        )
    if event_name == "push":
        return _push_range(root, event, default)
    if event_name == "workflow_dispatch":
        base = event.text("inputs", "base", optional=True) or default
        head = resolve_commit(root, environ.get("GITHUB_SHA", "HEAD"), "head")
        return Range(resolve_commit(root, base, "base"), head, f"workflow_dispatch: {base} .. head")
    raise FleetError(f"GITHUB_EVENT_NAME={event_name!r}: not an event fleet can plan for")


def _push_range(root: Path, event: _Event, default: str) -> Range:
    ref = event.text("ref")
    after = resolve_commit(root, event.sha("after"), "push after")
    if ref.startswith("refs/tags/"):
        tag = ref.removeprefix("refs/tags/")
        previous = previous_tag(root, tag, after)
        if previous is None:
            raise FleetError(f"tag {tag!r}: no earlier tag of its release line to compare with")
        return Range(
            resolve_commit(root, previous, "previous tag"), after, f"tag: {previous} .. {tag}"
        )
    before = event.sha("before")
    branch = default.removeprefix("origin/")
    if ZERO_SHA.match(before) and ref == f"refs/heads/{branch}":
        # The default branch's first push: nothing was deployed from it before.
        return Range(None, after, f"the first push of {branch}: nothing deployed from it yet")
    if ZERO_SHA.match(before):
        base = _merge_base(root, resolve_commit(root, default, "default branch"), after)
        return Range(base, after, f"new branch: merge-base with {default} .. after")
    before_commit = git.resolve(root, before) or _try_fetch(root, before)
    if before_commit is None:
        gone = "is gone" if event.data.get("forced") is True else "cannot be fetched"
        kind = "forced push" if event.data.get("forced") is True else "push"
        return Range(
            None,
            after,
            f"{kind}: the old head {before[:12]} {gone}, so what it deployed is unknown",
        )
    if not git.is_ancestor(root, before_commit, after):
        # What was deployed is the old head's tree: the change is from it, whatever branch.
        return Range(before_commit, after, "forced push: old head .. after")
    return Range(before_commit, after, "push: before .. after")


_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class _Event:
    """A GitHub Actions event payload, read field by field: a field that is missing or of
    the wrong kind is a FleetError naming it, never a KeyError."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def text(self, *keys: str, optional: bool = False) -> str:
        value: Any = self.data
        for depth, key in enumerate(keys):
            if value is None and optional:
                return ""
            if not isinstance(value, dict):
                where = ".".join(keys[:depth]) or "the event"
                raise FleetError(f"GITHUB_EVENT_PATH {self.path}: {where} is not an object")
            value = value.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            said = "missing" if value is None else f"not a string ({type(value).__name__})"
            raise FleetError(f"GITHUB_EVENT_PATH {self.path}: {'.'.join(keys)} is {said}")
        return value

    def sha(self, *keys: str) -> str:
        value = self.text(*keys)
        if not _SHA.fullmatch(value):
            raise FleetError(
                f"GITHUB_EVENT_PATH {self.path}: {'.'.join(keys)} is not a commit SHA: "
                f"{value[:80]!r}"
            )
        return value


def _try_fetch(root: Path, ref: str) -> str | None:
    try:
        return resolve_commit(root, ref, "push before")
    except FleetError:
        return None  # a forced push's old head may be gone for good


def previous_tag(root: Path, tag: str, commit: str) -> str | None:
    """The newest earlier tag of the same line: `flux/v*` for `flux/v1.4.0`, fleet tags else."""
    line = tag.split("/", 1)[0] + "/" if "/" in tag else None
    parent = git.resolve(root, f"{commit}^")
    if parent is None:
        return None
    for candidate in git.tags_merged(root, parent):
        if candidate == tag:
            continue
        if line is not None and candidate.startswith(line):
            return candidate
        if line is None and "/" not in candidate:
            return candidate
    return None


def _merge_base(root: Path, first: str, second: str) -> str:
    base = git.merge_base(root, first, second)
    if base is None and git.is_shallow(root):
        git.deepen(root, None)
        base = git.merge_base(root, first, second)
    if base is None:
        raise FleetError(f"{first[:12]} and {second[:12]} share no history")
    return base


def _event(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        raise FleetError("--github needs GITHUB_EVENT_PATH (run inside GitHub Actions)")
    text = read_document(path, f"GITHUB_EVENT_PATH {path}")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        raise FleetError(f"GITHUB_EVENT_PATH {path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise FleetError(f"GITHUB_EVENT_PATH {path}: not a JSON object")
    return data


def _default_branch(root: Path, event: _Event) -> str:
    name = event.text("repository", "default_branch", optional=True) or "main"
    for ref in (f"origin/{name}", name):
        if git.resolve(root, ref) is not None:
            return ref
    return f"origin/{name}"
