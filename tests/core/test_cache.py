"""The cache folder, and registry outlines kept in it by text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tools.core import cache
from tools.core.errors import FleetError
from tools.core.registry import outline as outline_module
from tools.core.registry.load import parse_registry
from tools.core.registry.outline import outline
from tools.fleet import environment

VALID_REGISTRIES = [
    REPO / "registry" / "fleet.yaml",
    FIXTURES / "registry" / "minimal.yaml",
    *sorted(FIXTURES.glob("*/registry/fleet.yaml")),
]


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "outline").glob("*.json"))


@pytest.mark.parametrize("path", VALID_REGISTRIES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_outline_says_what_the_model_says(path: Path) -> None:
    text = path.read_text()
    registry, found = parse_registry(text, "fleet.yaml"), outline(text, "fleet.yaml")
    assert [(a.key, a.name, a.dir, a.entry_path) for a in found.apps.values()] == [
        (a.key, a.name, a.dir, a.entry_path) for a in registry.apps.values()
    ]
    assert found.triggers == tuple(registry.triggers)


def test_a_second_outline_of_a_text_reads_the_kept_one(
    cache_dir: Path, minimal_registry_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = outline(minimal_registry_text, "fleet.yaml")
    assert len(_entries(cache_dir)) == 1

    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(outline_module, "registry_data", refuse)
    assert outline(minimal_registry_text, "fleet.yaml") == first
    with pytest.raises(AssertionError, match="parsed again"):
        outline(minimal_registry_text.replace("ryla", "other"), "fleet.yaml")


@pytest.mark.parametrize(("warm", "loaded"), [(False, "['yaml_rs']"), (True, "[]")])
def test_an_outline_loads_no_pydantic_and_a_kept_one_no_yaml_parser(
    cache_dir: Path, minimal_registry_text: str, warm: bool, loaded: str
) -> None:
    if warm:
        outline(minimal_registry_text, "fleet.yaml")
    probe = (
        "import sys\nfrom pathlib import Path\nfrom tools.core import cache\n"
        "from tools.core.registry.outline import outline\n"
        "cache.use(Path(sys.argv[1]))\n"
        "found = outline(sys.stdin.read(), 'fleet.yaml')\n"
        "print(len(found.apps), sorted({'pydantic', 'yaml', 'yaml_rs'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(cache_dir)],
        input=minimal_registry_text,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert result.stdout == f"1 {loaded}\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("dir: apps/flux", "dir: ../flux"), "fleet.yaml:9: apps.flux.dir: must be a relative"),
        (("name: ryla-flux", "name: 3"), "fleet.yaml:8: apps.flux.name: must be the app's Modal"),
        (("apps:", "triggers: {a: b}\napps:"), "fleet.yaml:6: triggers: must be a list of globs"),
    ],
)
def test_a_field_the_outline_reads_is_checked_at_its_line_and_never_kept(
    cache_dir: Path, minimal_registry_text: str, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(FleetError) as caught:
        outline(minimal_registry_text.replace(*change), "fleet.yaml")
    assert str(caught.value).startswith(expected)
    assert _entries(cache_dir) == []


def test_a_damaged_entry_is_read_again_and_replaced(
    cache_dir: Path, minimal_registry_text: str
) -> None:
    expected = outline(minimal_registry_text, "fleet.yaml")
    [entry] = _entries(cache_dir)
    kept = json.loads(entry.read_text())
    assert kept[0]["flux"][:4] == ["flux", "ryla-flux", "apps/flux", "app.py"]
    garbage = (
        b"\x00{not json",
        b"false",
        b'[{"flux": 3}, [], {}]',
        b"[" * 100_000 + b"]" * 100_000,
    )
    for damaged in garbage:
        entry.write_bytes(damaged)
        assert outline(minimal_registry_text, "fleet.yaml") == expected
        assert json.loads(entry.read_text()) == kept


def test_turned_off_or_unwritable_it_is_not_used(
    tmp_path: Path, minimal_registry_text: str, cache_dir: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cache.use(blocked)
    assert outline(minimal_registry_text, "fleet.yaml").apps["flux"].name == "ryla-flux"
    cache.use(cache_dir)
    with cache.turned_off():
        outline(minimal_registry_text, "fleet.yaml")
    assert not cache_dir.exists()


def test_no_cache_until_the_cli_names_one(tmp_path: Path, minimal_registry_text: str) -> None:
    """Library code, and so every test that calls it, keeps nothing in the user's folder."""
    probe = (
        "import sys\nfrom tools.core import cache\n"
        "from tools.core.registry.outline import outline\n"
        "outline(sys.stdin.read(), 'fleet.yaml')\nprint(cache.folder())\n"
    )
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=minimal_registry_text,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")},
    )
    assert result.stdout == "None\n"
    assert not home.exists()


def test_the_cli_takes_its_folder_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLEET_CACHE_DIR", raising=False)
    monkeypatch.delenv("FLEET_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert environment.cache_folder() == tmp_path / "xdg" / "fleet"
    monkeypatch.setenv("FLEET_CACHE_DIR", str(tmp_path / "mine"))
    assert environment.cache_folder() == tmp_path / "mine"
    monkeypatch.setenv("FLEET_NO_CACHE", "1")
    assert environment.cache_folder() is None


def test_only_the_newest_entries_are_kept(cache_dir: Path) -> None:
    for n in range(cache.KEEP + 3):
        cache.store("numbers", "v1", f"text {n}", {"n": n})
    kept = sorted((cache_dir / "numbers").glob("*.json"))
    assert len(kept) == cache.KEEP
    assert sorted(json.loads(p.read_text())["n"] for p in kept) == list(range(3, cache.KEEP + 3))
    assert cache.load("numbers", "v1", "text 5") == {"n": 5}
    assert cache.load("numbers", "v2", "text 5") is None
