"""The pre-commit contract: named files are checked, and what they affect: the apps they belong
to; everything when the registry is named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import GIT_ENV, REPO, fleet_env
from tests.drift_check.conftest import make_repo, places, run
from tools.drift_check.report.text import summary


def test_named_files_and_what_they_affect(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {"a.py": 'X = "/flux-instantid"\n', "b.py": 'Y = "/flux-instantid"\n'},
    )
    app = root / "apps" / "seedvr2" / "app.py"
    app.write_text(app.read_text().replace("TIMEOUT_S = 900", "TIMEOUT_S = 1000"))
    # Drift of an app no named file belongs to is not this commit's: CI's full check finds it.
    assert places(run(root, ["b.py"])) == [("FL003", "b.py", 1, 6)]
    # A file of the app: the app's findings, wherever they are.
    assert places(run(root, ["apps/seedvr2/other.py", "b.py"])) == [
        ("FL001", "apps/seedvr2/app.py", 14, 30),
        ("FL003", "b.py", 1, 6),
    ]


def test_the_registry_entry_of_an_affected_app_is_reported(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {})
    app = root / "apps" / "flux" / "app.py"
    app.write_text(app.read_text().replace('modal.App("ryla-flux")', 'modal.App("ryla-flux2")'))
    service = root / "apps" / "seedvr2" / "app.py"
    service.write_text(service.read_text() + "\n")
    named = [(f.code, f.path) for f in run(root, ["apps/flux/app.py"]).findings]
    assert ("FL006", "apps/flux/app.py") in named
    assert named == [(f.code, f.path) for f in run(root).findings]
    assert run(root, ["apps/seedvr2/app.py"]).findings == []


def test_naming_the_registry_checks_everything(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": 'X = "/flux-instantid"\n'})
    assert places(run(root, ["registry/fleet.yaml"])) == [("FL003", "a.py", 1, 6)]
    assert places(run(root, ["apps/flux/service.py"])) == []


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


def test_real_pre_commit_batches_print_each_finding_once(tmp_path: Path) -> None:
    """pre-commit itself, with more file names than one command line holds (128 KiB): it
    runs the hook once per batch, and both batches name files of the drifted app."""
    names = {f"apps/seedvr2/notes/{'n' * 180}{i}.md": "notes\n" for i in range(800)}
    root = make_repo(tmp_path / "repo", {**names, "b.md": "/flux-instantid\n"})
    app = root / "apps" / "seedvr2" / "app.py"
    app.write_text(app.read_text().replace("TIMEOUT_S = 900", "TIMEOUT_S = 1000"))
    hook = {
        "id": "fleet-check",
        "name": "fleet check",
        "entry": f"{sys.executable} -m tools.fleet check",
        "language": "unsupported",
        "types": ["text"],
        "require_serial": True,
    }
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    environment = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=environment)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit"), HOME=str(tmp_path), **GIT_ENV),
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    printed = [line for line in done.stdout.splitlines() if ": FL" in line]
    assert [line.split(" ")[:2] for line in printed] == [
        ["apps/seedvr2/app.py:14:30:", "FL001"],
        ["b.md:1:1:", "FL003"],
    ]
    assert "1 more reported by an earlier batch of this run." in done.stdout
