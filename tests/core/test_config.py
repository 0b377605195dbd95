"""`[tool.fleet]`: the registry's path, include and exclude globs, named client maps, units."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import run_fleet
from tests.drift_check.conftest import make_repo, places, run
from tools.core.globs import GlobSet

CONFIG = """\
[tool.fleet]
registry = "config/fleet.yaml"
exclude = ["vendor/**"]
client-maps = ["settings/timeouts.conf"]

[tool.fleet.units]
PER_ENDPOINT = "ms"
"""


def configured_repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path,
        {
            "pyproject.toml": CONFIG,
            "vendor/old.py": 'URL = "/flux-instantid"\n',
            "settings/timeouts.conf": "'/flux': 180\n'/flux-dev': 200\n",
            "src/client.py": "PER_ENDPOINT = {'/flux': 180, '/flux-dev': 240000}\n",
        },
    )
    (root / "config").mkdir()
    shutil.move(root / "registry" / "fleet.yaml", root / "config" / "fleet.yaml")
    return root


def test_configuration_is_honoured(tmp_path: Path) -> None:
    result = run(configured_repo(tmp_path))
    assert [(f.code, f.path, f.line, f.message) for f in result.findings] == [
        (
            "FL002",
            "settings/timeouts.conf",
            2,
            "map['/flux-dev'] is 200 (200 s); the registry's client timeout is 240 s",
        ),
        (
            "FL002",
            "src/client.py",
            1,
            "PER_ENDPOINT['/flux'] is 180 (180 ms); the registry's client timeout is 180 s",
        ),
    ]


def test_invalid_configuration_exits_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": "[tool.fleet]\nexclude = 3\n"})
    result = run_fleet("check", "--root", str(root))
    assert (result.returncode, result.stderr) == (
        2,
        "pyproject.toml: tool.fleet.exclude: must be a list of strings\n",
    )


def test_registry_missing_from_root_exits_2(tmp_path: Path) -> None:
    result = run_fleet("check", "--root", str(tmp_path))
    assert (result.returncode, result.stderr) == (
        2,
        f"fleet: no registry/fleet.yaml in {tmp_path.resolve()}; set [tool.fleet] registry "
        "or pass --registry\n",
    )


def test_outside_git_every_file_is_read_and_inside_git_only_known_files(tmp_path: Path) -> None:
    import subprocess

    root = make_repo(tmp_path, {"a.md": "/flux-instantid\n", ".gitignore": "ignored.md\n"})
    (root / "ignored.md").write_text("/flux-instantid\n")
    assert places(run(root)) == [("FL003", "a.md", 1, 1), ("FL003", "ignored.md", 1, 1)]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert places(run(root)) == [("FL003", "a.md", 1, 1)]


def test_globs() -> None:
    globs = GlobSet(["vendor/**", "*.min.js", "docs/*.md", "build/"])
    assert [
        globs.match(p)
        for p in ("vendor/a/b.py", "x/y.min.js", "docs/a.md", "docs/x/a.md", "a/build/c", "src/a")
    ] == [True, True, True, False, True, False]


def test_globs_match_a_list_of_paths_as_they_match_each() -> None:
    globs = GlobSet(["vendor/**", "*.min.js", "docs/*.md", "build/", "a?c"])
    paths = [
        "vendor/a/b.py",
        "x/y.min.js",
        "docs/a.md",
        "docs/x/a.md",
        "a/build/c",
        "src/a",
        "abc",
        "a\nc",  # a newline in a name: neither `?` nor `*` joins two lines
        "docs/\nb.md",
        "y.min.js\nz",
    ]
    assert globs.matching(paths) == {p for p in paths if globs.match(p)}
    assert globs.matching(paths) == {"vendor/a/b.py", "x/y.min.js", "docs/a.md", "a/build/c", "abc"}
    assert GlobSet([]).matching(paths) == set()
