"""`fleet check`: fail when the repository disagrees with the registry."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from tools.fleet.errors import EXIT_FINDINGS, FleetError
from tools.fleet.options import RegistryOption


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def check(  # noqa: PLR0917 - one parameter per option, as typer declares them
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (as pre-commit passes them). Default: all."),
    ] = None,
    registry: RegistryOption = None,
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Repository root. Default: the registry's repository."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.text,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules.")] = False,
    explain: Annotated[
        str | None, typer.Option("--explain", metavar="CODE", help="Print a rule's documentation.")
    ] = None,
) -> None:
    """Check tests, scripts, docs, client maps, workflows and apps against the registry.

    Exit codes: 0 clean, 1 findings of error severity, 2 usage or configuration error.
    """
    from tools.drift_check.rules import ALL_RULES, RULES_BY_CODE

    if list_rules:
        for rule in ALL_RULES:
            typer.echo(f"{rule.code}  {rule.name:<22} {rule.summary}")
        return
    if explain is not None:
        rule = RULES_BY_CODE.get(explain.upper())
        if rule is None:
            raise FleetError(f"unknown rule {explain!r}; `fleet check --list-rules` lists them")
        typer.echo(rule.documentation.strip())
        return

    from tools.drift_check.runner import check as run_check

    result = run_check(_root(root, registry), registry, [str(p) for p in paths] if paths else None)
    _report(result, output_format)
    if result.errors:
        raise typer.Exit(EXIT_FINDINGS)


def _root(root: Path | None, registry: Path | None) -> Path:
    if root is not None:
        return root
    if registry is not None:
        return Path.cwd()
    from tools.fleet.registry.load import find_registry

    return find_registry(Path.cwd()).parent.parent


def _report(result: object, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        from tools.drift_check.report import json_report

        sys.stdout.write(json_report.render(result))  # type: ignore[arg-type]
    else:
        from tools.drift_check.report import text

        text.write(result)  # type: ignore[arg-type]
