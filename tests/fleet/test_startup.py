"""`fleet --help` and `fleet registry validate` stay light: no network, git or GPU libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ("httpx", "git", "modal", "fastapi", "torch", "diffusers", "uvicorn", "rich")

PROBE = """
import json, sys
sys.argv = ["fleet", *json.loads(sys.argv[1])]
from tools.fleet.cli import main
try:
    main()
except SystemExit:
    pass
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy}))
print(json.dumps(loaded), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["registry", "validate"], ["registry", "show", "--json"], ["check"]],
)
def test_start_up_imports_no_heavy_library(args: list[str]) -> None:
    said = _probe([PROBE.format(heavy=list(HEAVY)), json.dumps(args)], dict(os.environ))
    assert json.loads(said) == []


PLUGINS = """
import os, sys
sys.argv = ["fleet", "registry", "validate"]
from tools.fleet.cli import main
import pydantic.plugin._loader as loader
looked = []
loader.entry_points = lambda **kw: looked.append(kw) or []
try:
    main()
except SystemExit:
    pass
print(os.environ.get("PYDANTIC_DISABLE_PLUGINS"), len(looked), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("user", "expected"), [(None, "__all__ 0"), ("__all__", "__all__ 0"), ("x", "x 1")]
)
def test_the_registry_is_read_without_pydantic_plugins_unless_asked(
    user: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    said = _probe([PLUGINS], env if user is None else {**env, "PYDANTIC_DISABLE_PLUGINS": user})
    assert said == expected


def _probe(arguments: list[str], env: dict[str, str]) -> str:
    """The last line a Python program started in the repository writes to stderr."""
    result = subprocess.run(
        [sys.executable, "-c", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return result.stderr.splitlines()[-1]
