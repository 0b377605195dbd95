"""Validated registries kept between runs: used when text and code are the same, never required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tools.core import cache
from tools.core.errors import FleetError
from tools.core.registry import load, snapshot
from tools.core.registry.load import load_registry_located, parse_registry
from tools.fleet import environment

VALID_REGISTRIES = [
    REPO / "registry" / "fleet.yaml",
    FIXTURES / "registry" / "minimal.yaml",
    *sorted(FIXTURES.glob("*/registry/fleet.yaml")),
]


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "registry").glob("*.json"))


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, source: str) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(load, "_validate", refuse)


@pytest.mark.parametrize("path", VALID_REGISTRIES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_a_restored_registry_equals_the_validated_one(path: Path) -> None:
    validated, _ = load._validate(path.read_text(), "fleet.yaml")
    restored = snapshot.restore(json.loads(json.dumps(snapshot.dump(validated))))
    assert restored == validated
    assert restored.model_dump(exclude_unset=True) == validated.model_dump(exclude_unset=True)
    assert [a.key for a in restored.apps.values()] == list(validated.apps)
    assert [restored.url(a) for a in restored.apps.values()] == [
        validated.url(a) for a in validated.apps.values()
    ]


def test_a_second_load_of_the_same_text_validates_nothing(
    cache_dir: Path, minimal_registry_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = parse_registry(minimal_registry_text, "fleet.yaml")
    assert len(_entries(cache_dir)) == 1
    _no_validation(monkeypatch)
    assert parse_registry(minimal_registry_text, "fleet.yaml") == first


def test_lines_come_from_parsing_the_text_when_asked_for(
    cache_dir: Path, tmp_path: Path, minimal_registry_text: str
) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(minimal_registry_text)
    load_registry_located(path)
    _, located = load_registry_located(path)
    assert located.line_of(("apps", "flux", "timeout_s")) == 11
    assert located.data["workspace"] == "ryla"


def test_another_text_is_validated_and_kept_beside_the_first(
    cache_dir: Path, minimal_registry_text: str
) -> None:
    parse_registry(minimal_registry_text, "fleet.yaml")
    changed = minimal_registry_text.replace("workspace: ryla", "workspace: other")
    assert parse_registry(changed, "fleet.yaml").workspace == "other"
    assert len(_entries(cache_dir)) == 2


def test_a_corrupt_or_foreign_entry_is_validated_again_and_replaced(
    cache_dir: Path, minimal_registry_text: str
) -> None:
    expected = parse_registry(minimal_registry_text, "fleet.yaml")
    [entry] = _entries(cache_dir)
    deep = b"[" * 100_000 + b"]" * 100_000
    for garbage in (b"\x00{not json", b'{"apps": 3}', b"[]", b'{"version": 1}', deep):
        entry.write_bytes(garbage)
        assert parse_registry(minimal_registry_text, "fleet.yaml") == expected
        assert json.loads(entry.read_text()) == snapshot.dump(expected)


def test_an_invalid_registry_is_reported_with_its_line_and_never_kept(cache_dir: Path) -> None:
    with pytest.raises(FleetError, match="duplicate key 'a' \\(first at line 1\\)"):
        parse_registry("a: 1\na: 2\n", "fleet.yaml")
    assert _entries(cache_dir) == []


def test_turned_off_or_unwritable_it_is_not_used(
    tmp_path: Path, minimal_registry_text: str, cache_dir: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cache.use(blocked)
    assert parse_registry(minimal_registry_text, "fleet.yaml").workspace == "ryla"
    cache.use(cache_dir)
    with cache.turned_off():
        parse_registry(minimal_registry_text, "fleet.yaml")
    assert not cache_dir.exists()


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
