"""The layers: `tools.core` at the bottom; `tools.drift_check`, `tools.release` and
`tools.client` beside each other on it; the CLI in `tools.fleet` on top, the only layer that
reads the environment or prints."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
BELOW_THE_CLI = ("core", "drift_check", "release", "client", "emulator")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_every_import_points_down() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "imports"),
    [
        ("core/errors.py", "from tools.release import deploy"),
        ("release/deploy.py", "from tools.fleet import cli"),
        ("release/deploy.py", "from tools.client import client"),
        ("drift_check/rules.py", "import typer"),
    ],
)
def test_an_import_that_points_up_or_sideways_breaks_a_contract(
    tmp_path: Path, module: str, imports: str
) -> None:
    """The same contracts over a tree of empty layers, with one import that breaks them."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (tmp_path / "typer").mkdir()
    (tmp_path / "typer" / "__init__.py").write_text("")
    for package in ("tools", *(f"tools/{p}" for p in (*BELOW_THE_CLI, "fleet"))):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name in ("core/errors.py", "release/deploy.py", "client/client.py", "fleet/cli.py"):
        (tmp_path / "tools" / name).write_text("")
    (tmp_path / "tools" / module).write_text(f"{imports}\n")
    (tmp_path / ".importlinter").write_text(_ini(settings))
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "1 kept, 1 broken." in result.stdout


def _ini(settings: dict) -> str:
    lines = ["[importlinter]", f"root_package = {settings['root_package']}"]
    lines.append(f"include_external_packages = {settings['include_external_packages']}")
    for i, contract in enumerate(settings["contracts"]):
        lines += ["", f"[importlinter:contract:{i}]"]
        for key, value in contract.items():
            if isinstance(value, list):
                lines.append(f"{key} =" + "".join(f"\n    {item}" for item in value))
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _environment_or_output(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
            if name in ("os.environ", "os.getenv", "os.putenv", "sys.stdout", "sys.stderr"):
                found.append((node.lineno, name))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("print", "input", "breakpoint")
        ):
            found.append((node.lineno, f"{node.func.id}()"))
    return sorted(found)


def test_only_the_cli_reads_the_environment_or_prints() -> None:
    offences = [
        f"{path.relative_to(REPO)}:{line}: {what}"
        for layer in BELOW_THE_CLI
        for path in sorted((REPO / "tools" / layer).rglob("*.py"))
        for line, what in _environment_or_output(ast.parse(path.read_text()))
    ]
    assert offences == []


def test_the_scan_sees_environment_reads_and_prints() -> None:
    code = "import os, sys\nos.environ['A']\nprint(1)\nsys.stderr.write('x')\nos.getenv('B')\n"
    assert _environment_or_output(ast.parse(code)) == [
        (2, "os.environ"),
        (3, "print()"),
        (4, "sys.stderr"),
        (5, "os.getenv"),
    ]
