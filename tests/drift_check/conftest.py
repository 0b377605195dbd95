from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from tools.drift_check.runner import CheckResult, check

DRIFT = FIXTURES / "drift"


def make_repo(tmp_path: Path, files: dict[str, str | Path]) -> Path:
    """A repository folder with the drift fixture registry and the given files."""
    (tmp_path / "registry").mkdir()
    shutil.copy(DRIFT / "registry" / "fleet.yaml", tmp_path / "registry" / "fleet.yaml")
    for relative, content in files.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    return tmp_path


def places(result: CheckResult) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.path, f.line, f.col) for f in result.findings]


def run(root: Path, selected: list[str] | None = None) -> CheckResult:
    return check(root, None, selected)
