"""The pre-commit contract: named files are checked, plus what the whole registry implies."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.drift_check.conftest import make_repo, places, run
from tools.drift_check.report.text import summary


def test_named_files_only_plus_registry_wide_invariants(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {"a.py": 'X = "/flux-instantid"\n', "b.py": 'Y = "/flux-instantid"\n'},
    )
    app = root / "apps" / "seedvr2" / "app.py"
    app.write_text(app.read_text().replace("TIMEOUT_S = 900", "TIMEOUT_S = 1000"))
    assert places(run(root, ["b.py"])) == [
        ("FL001", "apps/seedvr2/app.py", 14, 30),
        ("FL003", "b.py", 1, 6),
    ]


def test_naming_the_registry_or_an_app_file_checks_everything(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": 'X = "/flux-instantid"\n'})
    assert places(run(root, ["registry/fleet.yaml"])) == [("FL003", "a.py", 1, 6)]
    assert places(run(root, ["apps/flux/service.py"])) == [("FL003", "a.py", 1, 6)]


def test_the_published_hook_runs_fleet_check() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["require_serial"]) == (
        "fleet-check",
        "fleet check",
        "python",
        True,
    )
    local = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    ids = [h["id"] for repo in local["repos"] for h in repo["hooks"]]
    assert "fleet-check" in ids


def test_a_suppressed_registry_wide_finding_stays_suppressed_when_its_file_is_not_named(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, {"b.py": 'Y = "/flux-instantid"\n'})
    app = root / "apps" / "seedvr2" / "app.py"
    text = app.read_text().replace("TIMEOUT_S = 900", "TIMEOUT_S = 1000")
    decorator = '@app.cls(gpu="A100", timeout=TIMEOUT_S)'
    app.write_text(text.replace(decorator, f"# fleet: ignore[FL001] until v2\n{decorator}"))
    assert places(run(root)) == [("FL003", "b.py", 1, 6)]
    # Named files only: the app's suppression still applies, and is not reported as unused
    # although the rule it names never ran on that file.
    assert places(run(root, ["b.py"])) == [("FL003", "b.py", 1, 6)]


def test_one_named_file_is_one_file_checked(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"b.py": 'Y = "/flux-instantid"\n'})
    result = run(root, ["b.py"])
    assert summary(result) == "Found 1 problem in 1 file: 1 file checked."
