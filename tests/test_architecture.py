"""docs/ARCHITECTURE.md is a true map: every module of `tools/` in its table once, and every
path in the table there."""

from __future__ import annotations

import fnmatch
import re
import subprocess

from tests.conftest import REPO

ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def _table() -> list[str]:
    return ROW.findall((REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8"))


def _tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True, check=True
    )
    return listed.stdout.splitlines()


def _covers(row: str, path: str) -> bool:
    return path.startswith(row) if row.endswith("/") else fnmatch.fnmatchcase(path, row)


def test_every_module_is_in_the_table_once() -> None:
    rows = _table()
    modules = [
        path
        for path in _tracked()
        if path.startswith("tools/") and path.endswith(".py") and not path.endswith("__init__.py")
    ]
    counts = {module: [row for row in rows if _covers(row, module)] for module in modules}
    assert {module: found for module, found in counts.items() if len(found) != 1} == {}


def test_every_path_in_the_table_exists() -> None:
    tracked = _tracked()
    missing = [row for row in _table() if not any(_covers(row, path) for path in tracked)]
    assert missing == []


def test_the_check_sees_a_missing_module() -> None:
    assert _covers("tools/drift_check/rules/fl0*.py", "tools/drift_check/rules/fl003_x.py")
    assert not _covers("tools/core/git.py", "tools/core/globs.py")
    assert _covers("tools/ci/", "tools/ci/actionlint.mjs")
