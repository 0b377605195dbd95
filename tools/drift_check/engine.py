"""The rules over a repository, or over named files of it: load the registry and
`[tool.fleet]`, read files as rules ask for them, apply suppressions."""

from __future__ import annotations

import gc
from pathlib import Path

from tools.core import inputs, yaml_lines
from tools.core.cache import code_version
from tools.core.globs import GlobSet
from tools.core.registry.load import load_registry_located
from tools.core.registry.model import Registry
from tools.core.repository import Repository
from tools.drift_check import index, modal_api
from tools.drift_check import source as source_module
from tools.drift_check.extract import base, data, python, sdk_uses, typescript
from tools.drift_check.facts_cache import facts_store
from tools.drift_check.files import DEFAULT_EXCLUDE, TextFiles, candidates, list_paths
from tools.drift_check.findings import CheckResult, Finding
from tools.drift_check.prefilter import Search
from tools.drift_check.project import Project
from tools.drift_check.rules import CHECKS
from tools.drift_check.rules.base import Rule
from tools.drift_check.suppress import apply_suppressions

# The code that derives the facts kept between checks: a change to it discards them.
FACTS_VERSION = code_version(
    python.__file__,
    sdk_uses.__file__,
    modal_api.__file__,
    typescript.__file__,
    data.__file__,
    base.__file__,
    index.__file__,
    yaml_lines.__file__,
    source_module.__file__,
)


def build_project(
    repo: Repository,
    selected: list[str] | None = None,
    paths: list[str] | None = None,
    *,
    widen: bool = True,
    search: Search | None = None,
) -> Project:
    """The project a check reads; `paths` are the repository's files when already listed.
    `widen`: a named app file checks every file, as an incremental check must."""
    root, config, registry_file = repo.root, repo.config, repo.registry_path
    registry, registry_lines = load_registry_located(registry_file)
    # Every finding depends on these two: a change to either checks every file again.
    pyproject = str(root / "pyproject.toml")
    if inputs.is_file(pyproject):
        inputs.note_wide(pyproject)
    inputs.note_wide(str(registry_file))
    relative_registry = _relative(root, registry_file)
    exclude = GlobSet(
        (
            *(DEFAULT_EXCLUDE if config.exclude is None else config.exclude),
            *config.extend_exclude,
            relative_registry,
            _relative(root, repo.schema_path),
        )
    )
    listed = candidates(
        list_paths(root) if paths is None else paths, exclude, GlobSet(config.include)
    )
    # Named client maps are read even where discovery or the globs would pass them over.
    known = set(listed)
    named = [p for p in config.client_maps if p not in known and inputs.is_file(str(root / p))]
    return Project(
        root=root,
        registry=registry,
        registry_path=relative_registry,
        registry_lines=registry_lines,
        config=config,
        files=TextFiles(root, listed + named),
        selected=_selection(root, selected, relative_registry, registry, widen=widen),
        search=search,
    )


def run_rules(project: Project, rules: tuple[Rule, ...] = CHECKS) -> list[Finding]:
    findings = [finding for rule in rules for finding in rule.check(project)]
    sources = list(project.scanned())
    # Registry-wide rules report in files outside a selection too: their suppressions apply.
    scanned = {source.path for source in sources}
    others = [
        source
        for path in sorted({f.path for f in findings} - scanned)
        if (source := project.file(path)) is not None
    ]
    kept = apply_suppressions(findings, sources, others)
    return sorted(set(kept), key=lambda f: f.sort_key)


def check(
    repo: Repository,
    selected: list[str] | None = None,
    paths: list[str] | None = None,
    *,
    widen: bool = True,
    search: Search | None = None,
) -> CheckResult:
    """Every rule over the repository; facts of unchanged files come from the cache.

    Named files with `widen` (an incremental check): every finding registry-wide rules make,
    and every file when an app's file is named. Without (pre-commit): the named files and
    what they affect, the registry entries and files of the apps they belong to; every file
    when the registry is named."""
    # A check builds many small objects and no reference cycles worth collecting: the cyclic
    # collector's full passes over them cost a sixth of a large check, so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        project = build_project(repo, selected, paths, widen=widen, search=search)
        with facts_store(project.root, FACTS_VERSION):
            findings = run_rules(project)
        if not widen:
            findings = [f for f in findings if project.affected(f.path, f.line)]
    finally:
        if collecting:
            gc.enable()
    return CheckResult(
        findings=findings,
        files=len(list(project.scanned())) + project.passed_over,
        skipped_files=dict(sorted(project.files.skipped.items())),
        selection=project.selected,
    )


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _selection(
    root: Path, selected: list[str] | None, registry_path: str, registry: Registry, *, widen: bool
) -> frozenset[str] | None:
    """Named files only, unless one of them is the registry (or, with `widen`, part of an
    app): then all."""
    if not selected:
        return None
    paths = frozenset(
        _relative(root, Path(p) if Path(p).is_absolute() else root / p) for p in selected
    )
    apps = registry.apps.values()
    if registry_path in paths or (widen and any(a.owns(p) for a in apps for p in paths)):
        return None
    return paths
