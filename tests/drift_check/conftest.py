from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from tools.core.repository import Repository, open_repository
from tools.drift_check import engine
from tools.drift_check.findings import CheckResult
from tools.drift_check.runner import check

DRIFT = FIXTURES / "drift"
# A clean tree of the fixture registry's two apps: what every test repository starts from.
APP_FILES: dict[str, str | Path] = {
    "apps/flux/app.py": DRIFT / "apps" / "flux" / "app.py",
    "apps/flux/service.py": DRIFT / "apps" / "flux" / "service.py",
    "apps/seedvr2/app.py": DRIFT / "apps" / "seedvr2" / "app.py",
}


def make_repo(tmp_path: Path, files: dict[str, str | Path], *, apps: bool = True) -> Path:
    """A repository folder with the drift fixture registry, its apps, and the given files."""
    (tmp_path / "registry").mkdir(parents=True)
    shutil.copy(DRIFT / "registry" / "fleet.yaml", tmp_path / "registry" / "fleet.yaml")
    for relative, content in ({**APP_FILES, **files} if apps else files).items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    return tmp_path


def places(result: CheckResult) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.path, f.line, f.col) for f in result.findings]


def repo_at(root: Path) -> Repository:
    """The repository at `root`, as `fleet check --root ROOT` opens it."""
    return open_repository(root, root=root)


def run(root: Path, selected: list[str] | None = None) -> CheckResult:
    return check(repo_at(root), selected)


def run_every_rule(root: Path) -> CheckResult:
    """The full check, never a replayed result: what the facts cache is tested through."""
    return engine.check(repo_at(root))
