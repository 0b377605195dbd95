"""Any command line is answered: success, findings, or bad input in one line; never an
internal error, never a hang. Hypothesis draws command lines from the commands that read
(nothing here deploys or serves) with their options, and values good and bad; each runs
through `cli.main`, the one error handler, in a small fleet repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, GIT_ENV, run_main

SHARED = {"--registry": True, "--root": True}  # option -> takes a value
COMMANDS: dict[tuple[str, ...], dict[str, bool]] = {
    ("registry", "validate"): {},
    ("registry", "show"): {"--json": False},
    ("registry", "urls"): {"--env": True},
    ("registry", "schema", "--check"): {},
    ("check",): {
        "--format": True,
        "--no-cache": False,
        "--diff": False,
        "--select": True,
        "--ignore": True,
        "--baseline": True,
    },
    ("render",): {"--check": False},
    ("changed",): {"--base": True, "--head": True, "--since": True, "--json": False},
    ("status",): {"--json": False, "--env": True},
    ("smoke",): {"--only": True, "--json": False, "--env": True},
    ("down",): {"--env": True},
}
VALUES = [
    "",
    "-",
    ".",
    "..",
    "../../..",
    "/",
    "/dev/zero",
    "/dev/null",
    "nowhere",
    "apps",
    "apps/flux",
    "registry/fleet.yaml",
    "pyproject.toml",
    "HEAD",
    "HEAD~1000",
    "main",
    "staging",
    "deployed",
    "json",
    "sarif",
    "FL003,FL0",
    "ALL",
    "flux",
    "/flux",
    "99999999999999999999999",
    "-1",
    "é",
    "a" * 300,
    "%s",
    "a\nb",
]


@st.composite
def lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    options = {**COMMANDS[command], **SHARED}
    argv = list(command)
    for option in draw(st.lists(st.sampled_from(sorted(options)), max_size=4)):
        argv += [option, draw(st.sampled_from(VALUES))] if options[option] else [option]
    if command in (("check",), ("smoke",)):  # paths, or apps
        argv += draw(st.lists(st.sampled_from(VALUES), max_size=2))
    return argv


@pytest.fixture(scope="module")
def fleet_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "repo"
    shutil.copytree(FIXTURES / "changed", root)
    environment = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "fleet"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=environment)
    return root


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=lines())
def test_any_command_line_is_answered(fleet_repo: Path, argv: list[str]) -> None:
    code, _, err = run_main(fleet_repo, argv)
    assert code in (0, 1, 2), f"fleet {argv!r} exit {code}: {err}"
    assert "Traceback" not in err
    if code == 2:
        assert err.strip(), argv  # bad input says what was wrong
