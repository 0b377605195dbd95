"""`fleet --help` and `fleet registry validate` stay light: no network, git or GPU libraries."""

from __future__ import annotations

import json
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
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=list(HEAVY)), json.dumps(args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stderr.splitlines()[-1]) == []
