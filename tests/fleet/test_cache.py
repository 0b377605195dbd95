"""The cache of parsed registries: used when the text is the same, never required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.fleet import cache, yaml_lines
from tools.fleet.registry.load import parse_registry
from tools.fleet.yaml_lines import load_yaml


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLEET_CACHE_DIR", str(folder))
    monkeypatch.delenv("FLEET_NO_CACHE", raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "yaml").glob("*.json")) if (folder / "yaml").is_dir() else []


real_load = yaml_lines._load


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, source: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml_lines, "_load", refuse)


def test_a_second_parse_of_the_same_registry_reads_the_cache(
    cache_dir: Path, minimal_registry_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_yaml(minimal_registry_text, "fleet.yaml", cached=True)
    assert len(_entries(cache_dir)) == 1
    _no_parsing(monkeypatch)
    second = load_yaml(minimal_registry_text, "fleet.yaml", cached=True)
    assert second.data == first.data
    assert parse_registry(minimal_registry_text, "fleet.yaml").workspace == "ryla"
    monkeypatch.setattr(yaml_lines, "_load", real_load)
    # Lines, needed only to point at a problem, come from parsing the text when asked for.
    assert second.lines == first.lines
    assert second.line_of(("apps", "flux", "timeout_s")) == 11


def test_another_text_is_parsed_and_kept_beside_the_first(
    cache_dir: Path, minimal_registry_text: str
) -> None:
    load_yaml(minimal_registry_text, "fleet.yaml", cached=True)
    changed = minimal_registry_text.replace("workspace: ryla", "workspace: other")
    assert load_yaml(changed, "fleet.yaml", cached=True).data["workspace"] == "other"
    assert len(_entries(cache_dir)) == 2


def test_a_corrupt_entry_is_parsed_again_and_replaced(
    cache_dir: Path, minimal_registry_text: str
) -> None:
    expected = load_yaml(minimal_registry_text, "fleet.yaml").data
    load_yaml(minimal_registry_text, "fleet.yaml", cached=True)
    [entry] = _entries(cache_dir)
    entry.write_bytes(b"\x00{not json")
    assert load_yaml(minimal_registry_text, "fleet.yaml", cached=True).data == expected
    assert json.loads(entry.read_text())["data"] == expected


def test_data_that_json_would_change_is_not_kept(cache_dir: Path) -> None:
    text = "released: 2026-11-27\n1: one\n"
    located = load_yaml(text, "x.yaml", cached=True)
    assert list(located.data) == ["released", 1]
    assert _entries(cache_dir) == []


def test_errors_are_reported_with_lines_and_never_kept(cache_dir: Path) -> None:
    with pytest.raises(Exception, match="duplicate key 'a' \\(first at line 1\\)"):
        load_yaml("a: 1\na: 2\n", "x.yaml", cached=True)
    assert _entries(cache_dir) == []


def test_turned_off_or_unwritable_it_is_not_used(
    tmp_path: Path, minimal_registry_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FLEET_CACHE_DIR", str(blocked))
    assert load_yaml(minimal_registry_text, "fleet.yaml", cached=True).data["workspace"] == "ryla"
    monkeypatch.setenv("FLEET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FLEET_NO_CACHE", "1")
    load_yaml(minimal_registry_text, "fleet.yaml", cached=True)
    assert not (tmp_path / "cache").exists()


def test_only_the_newest_entries_are_kept(cache_dir: Path) -> None:
    for n in range(cache.KEEP + 3):
        load_yaml(f"n: {n}\n", "x.yaml", cached=True)
    kept = _entries(cache_dir)
    assert len(kept) == cache.KEEP
    assert sorted(json.loads(p.read_text())["data"]["n"] for p in kept) == list(
        range(3, cache.KEEP + 3)
    )
