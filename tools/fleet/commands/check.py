"""`fleet check`: fail when the repository disagrees with the registry."""

from __future__ import annotations

import dataclasses
import enum
import gc
import importlib
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.core.errors import EXIT_FINDINGS, FleetError, Problem
from tools.fleet import environment
from tools.fleet.options import RegistryOption, RootOption, repository

if TYPE_CHECKING:
    from tools.core.repository import Repository
    from tools.drift_check.findings import CheckResult


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (as pre-commit passes them). Default: all."),
    ] = None,
    registry: RegistryOption = None,
    root: RootOption = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.text,
    fix: Annotated[bool, typer.Option("--fix", help="Rewrite what can be fixed safely.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes as a patch; write nothing.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read and keep nothing in the cache.")
    ] = False,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="CODES",
            help="Rule codes or prefixes to report, comma-separated (replaces tool.fleet.select).",
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            "--ignore",
            metavar="CODES",
            help="Rule codes or prefixes not to report (replaces tool.fleet.ignore).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Report only findings not in this baseline (default: tool.fleet.baseline).",
        ),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline", help="Write every current finding to the baseline; exit 0."
        ),
    ] = False,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules.")] = False,
    explain: Annotated[
        str | None, typer.Option("--explain", metavar="CODE", help="Print a rule's documentation.")
    ] = None,
) -> None:
    """Check tests, scripts, docs, client maps, workflows and apps against the registry.

    When nothing the last check read has changed, its result is replayed; when only some
    files changed, those are checked and the others' findings kept. The cache is in
    $XDG_CACHE_HOME/fleet (FLEET_CACHE_DIR moves it; --no-cache or FLEET_NO_CACHE=1 turns it
    off).

    A baseline (`--update-baseline` writes it) holds the findings accepted for now: each is
    known by rule, file, message and the text of its line, so moved code stays known.

    Exit codes: 0 clean, 1 findings, 2 usage or configuration error.
    """
    if list_rules or explain is not None:
        _catalogue(explain)
        return

    # A check is short and makes no reference cycles worth collecting: the cyclic collector's
    # passes over what its imports build (the registry's pydantic models) cost a tenth of a
    # cold check, measured. The process ends with the command.
    gc.disable()
    from tools.core import cache
    from tools.drift_check.runner import check as run_check

    missing = [Problem("no such file or folder", path) for path in paths or [] if not path.exists()]
    if missing:
        raise FleetError(*missing)
    chosen = {"select": _codes(select), "ignore": _codes(ignore)}
    with cache.turned_off() if no_cache else nullcontext():
        repo = repository(root, registry)
        baseline_path = baseline or (
            repo.root / repo.config.baseline if repo.config.baseline else None
        )
        if update_baseline and baseline_path is None:
            raise FleetError("--update-baseline needs --baseline FILE or tool.fleet.baseline")
        selected = [os.path.abspath(p) for p in paths] if paths else None
        result = run_check(repo, selected, **chosen)
        if fix or diff:
            result = _fix(repo, selected, result, write=fix and not diff, **chosen)
    if baseline_path is not None:
        from tools.drift_check import baseline as baselines

        findings = baselines.outside(repo.root, baseline_path, result.findings)
        result = dataclasses.replace(result, findings=findings)
        if update_baseline:
            baselines.write(repo.root, baseline_path, result.findings)
            count = len(result.findings)
            typer.echo(f"Wrote {count} finding{'s' * (count != 1)} to {baseline_path}.", err=True)
            return
        known = baselines.load(baseline_path)
        result = dataclasses.replace(
            result, findings=baselines.new_findings(repo.root, result.findings, known)
        )
    if selected is not None:
        from tools.fleet.hook_run import unseen

        findings, earlier = unseen(repo.root, result.findings)
        if earlier:
            result = dataclasses.replace(result, findings=findings)
            typer.echo(f"{earlier} more reported by an earlier batch of this run.", err=True)
    _report(result, output_format)
    if result.findings:
        raise typer.Exit(EXIT_FINDINGS)


def _codes(option: str | None) -> list[str] | None:
    """`--select FL003,FL008` as a list; a code that is not one is a FleetError later."""
    if option is None:
        return None
    return [code.strip().upper() for code in option.split(",") if code.strip()]


def _catalogue(explain: str | None) -> None:
    from tools.drift_check.rules import ALL_RULES, RULES_BY_CODE

    if explain is None:
        for rule in ALL_RULES:
            typer.echo(f"{rule.code}  {rule.name:<20} {rule.summary}")
        return
    rule = RULES_BY_CODE.get(explain.upper())
    if rule is None:
        raise FleetError(f"unknown rule {explain!r}; `fleet check --list-rules` lists them")
    typer.echo(rule.documentation.strip())


def _fix(
    repo: Repository,
    selected: list[str] | None,
    result: CheckResult,
    *,
    write: bool,
    select: list[str] | None,
    ignore: list[str] | None,
) -> CheckResult:
    from tools.drift_check.fix import plan_fixes, unified_diff, write_fixes
    from tools.drift_check.runner import check as run_check

    root = repo.root
    fixes = plan_fixes(root, result.findings)
    if not write:
        sys.stdout.write(unified_diff(fixes))
        return result
    if not fixes:
        return result
    write_fixes(root, fixes)
    count = sum(f.edits for f in fixes)
    typer.echo(f"Fixed {count} problem{'s' * (count != 1)} in {len(fixes)} files.", err=True)
    return run_check(repo, selected, select=select, ignore=ignore)


_RENDERERS = {
    OutputFormat.text: "text",
    OutputFormat.json: "json_report",
    OutputFormat.sarif: "sarif",
    OutputFormat.github: "github",
}


def _report(result: CheckResult, output_format: OutputFormat) -> None:
    renderer = importlib.import_module(f"tools.drift_check.report.{_RENDERERS[output_format]}")
    if output_format is OutputFormat.text:
        sys.stdout.write(renderer.render(result, colour=environment.colour(sys.stdout)))
    else:
        sys.stdout.write(renderer.render(result))
    from tools.drift_check.report.github import step_summary

    environment.append_step_summary(lambda: step_summary(result))
