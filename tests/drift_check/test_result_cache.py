"""A check whose inputs have not changed is replayed: same findings, no rule run again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, fleet_env
from tests.drift_check.conftest import make_repo, places, run
from tools.core import cache
from tools.core.repository import Repository
from tools.drift_check import engine
from tools.drift_check.findings import CheckResult

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
STALE_MAP = 'TIMEOUTS_S = {"/flux": 30}\n'
DOC = "Deploy with `modal deploy apps/extra/app.py`.\n"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots the full check ran on; replayed checks add nothing."""
    roots: list[Path] = []
    real = engine.check

    def counting(repo: Repository, *args: object, **options: bool) -> CheckResult:
        roots.append(repo.root)
        return real(repo, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check", counting)
    return roots


def _git_repo(root: Path, files: dict[str, str]) -> Path:
    make_repo(root, files)
    subprocess.run(["git", "init", "-q", str(root)], check=True, env={**os.environ, **GIT_ENV})
    return root


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def test_a_second_check_replays_the_first(
    tmp_path: Path, cache_dir: Path, counted: list[Path]
) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    first = run(root)
    assert places(first) == [("FL002", "client.py", 1, 14), ("FL002", "client.py", 1, 24)]
    second = run(root)
    assert counted == [root]
    assert second == first
    assert len(list((cache_dir / "checks").glob("*.json"))) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda root: (root / "client.py").write_text('TIMEOUTS_S = {"/flux": 180}\n'),
            [("FL002", "client.py", 1, 14)],
        ),
        (
            lambda root: (root / "more.py").write_text(STALE_MAP),
            [
                ("FL002", "client.py", 1, 14),
                ("FL002", "client.py", 1, 24),
                ("FL002", "more.py", 1, 14),
                ("FL002", "more.py", 1, 24),
            ],
        ),
        (
            lambda root: (root / "client.py").unlink(),
            [],
        ),
        (
            lambda root: (root / "pyproject.toml").write_text(
                '[tool.fleet]\nexclude = ["client.py"]\n'
            ),
            [],
        ),
        (
            lambda root: (root / "registry" / "fleet.yaml").write_text(
                (root / "registry" / "fleet.yaml")
                .read_text()
                .replace("client_timeout_s: 180", "client_timeout_s: 30", 1)
            ),
            [("FL002", "client.py", 1, 14)],  # 30 s is now right; /flux-dev is still missing
        ),
    ],
    ids=["edited", "added", "deleted", "config", "registry"],
)
def test_any_changed_input_runs_the_check_again(
    tmp_path: Path,
    cache_dir: Path,
    counted: list[Path],
    change: Callable[[Path], object],
    expected: list[tuple[str, str, int, int]],
) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    run(root)
    change(root)
    assert places(run(root)) == expected
    assert counted == [root, root]
    assert places(run(root)) == expected
    assert counted == [root, root]


def test_a_file_git_ignores_that_a_rule_looked_for_runs_the_check_again(
    tmp_path: Path, cache_dir: Path, counted: list[Path]
) -> None:
    root = _git_repo(_folder(tmp_path), {"docs/deploy.md": DOC, ".gitignore": "apps/extra/\n"})
    [finding] = run(root).findings
    assert finding.message == "`modal deploy apps/extra/app.py`: apps/extra/app.py does not exist"
    (root / "apps" / "extra").mkdir()
    (root / "apps" / "extra" / "app.py").write_text("")  # not listed by git: only the probe knows
    [finding] = run(root).findings
    assert finding.message.endswith("apps/extra/app.py is not a registry app")
    assert counted == [root, root]


def test_each_selection_of_files_is_kept_apart(
    tmp_path: Path, cache_dir: Path, counted: list[Path]
) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP, "docs/deploy.md": DOC})
    everything = places(run(root))
    assert places(run(root, ["client.py"])) == [f for f in everything if f[1] == "client.py"]
    assert places(run(root)) == everything
    assert places(run(root, ["client.py"])) == [f for f in everything if f[1] == "client.py"]
    assert counted == [root, root]


def test_a_damaged_entry_is_recomputed(
    tmp_path: Path, cache_dir: Path, counted: list[Path]
) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    expected = places(run(root))
    [entry] = (cache_dir / "checks").glob("*.json")
    stored = json.loads(entry.read_text())
    listing, inputs, result = stored
    result[0][0][2] = "a line"  # a finding's line
    entry.write_text(json.dumps(stored))
    assert places(run(root)) == expected
    stored = [listing, [inputs[0], {str(root / "client.py"): [1]}, *inputs[2:]], result]
    entry.write_text(json.dumps(stored))
    assert places(run(root)) == expected
    entry.write_bytes(b"\x00")
    assert places(run(root)) == expected
    assert counted == [root] * 4


def test_with_the_cache_off_every_check_runs(
    tmp_path: Path, cache_dir: Path, counted: list[Path]
) -> None:
    cache.use(None)
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    assert run(root) == run(root)
    assert counted == [root, root]
    assert not cache_dir.exists()


PROBE = """
import sys
sys.argv = ["fleet", "check", "--root", sys.argv[1], "--format", sys.argv[2]]
from tools.fleet.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
print(sorted({name.split(".")[0] for name in sys.modules} & {"pydantic", "yaml", "yaml_rs"}), code,
      file=sys.stderr)
"""


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_a_replayed_check_prints_the_same_report_without_loading_the_registry_model(
    tmp_path: Path, output_format: str
) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP, "docs/deploy.md": DOC})
    env = fleet_env(FLEET_CACHE_DIR=str(tmp_path / "cache"))

    def check() -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(root), output_format],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return done.stdout, done.stderr.splitlines()[-1]

    first, loaded_first = check()
    second, loaded_second = check()
    assert second == first
    assert loaded_first == "['pydantic', 'yaml_rs'] 1"
    assert loaded_second == "[] 1"


def test_no_cache_reads_and_keeps_nothing(tmp_path: Path) -> None:
    root = _git_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    cache = tmp_path / "cache"

    def fleet_check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tools.fleet", "check", "--root", str(root), *extra],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=fleet_env(FLEET_CACHE_DIR=str(cache)),
            check=False,
        )

    plain = fleet_check()
    assert sorted(p.name for p in cache.iterdir()) == ["checks", "facts"]
    shutil.rmtree(cache)
    uncached = fleet_check("--no-cache")
    assert (uncached.returncode, uncached.stdout) == (plain.returncode, plain.stdout)
    assert plain.returncode == 1
    assert not cache.exists()
