"""Facts kept between checks: the same findings, without parsing unchanged files again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.drift_check.conftest import DRIFT, make_repo, places, run, run_every_rule
from tools.core import cache, serial
from tools.drift_check.extract import data, python, typescript
from tools.drift_check.extract.base import MapLiteral
from tools.drift_check.extract.python import PythonFacts, python_facts
from tools.drift_check.extract.typescript import TypeScriptMaps
from tools.drift_check.source import SourceFile

STALE_MAP = 'TIMEOUTS_S = {"/flux": 30}\n'


def _folder(tmp_path: Path) -> Path:
    """The repository beside the cache folder, not around it."""
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(python, "_extract", refuse)
    monkeypatch.setattr(typescript, "_maps", refuse)


@pytest.mark.parametrize(
    "path", ["apps/flux/app.py", "tools/drift_check/extract/python.py", "tests/conftest.py"]
)
def test_python_facts_survive_json(path: str) -> None:
    facts = python._extract((REPO / path).read_text())
    encoded = json.loads(json.dumps(serial.encode(facts)))
    assert serial.decode(PythonFacts | None, encoded) == facts


def test_typescript_maps_survive_json() -> None:
    source = SourceFile("endpoints.ts", (REPO / "clients/typescript/endpoints.ts").read_text())
    maps = TypeScriptMaps().maps(source)
    assert len(maps) == 5
    encoded = json.loads(json.dumps(serial.encode(maps)))
    assert serial.decode(list[MapLiteral], encoded) == maps


def test_a_second_check_reads_unchanged_files_from_the_cache(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(_folder(tmp_path), {"client.py": STALE_MAP, "client.ts": "const A = 1;\n"})
    first = places(run_every_rule(root))
    assert first == [("FL002", "client.py", 1, 14), ("FL002", "client.py", 1, 24)]
    assert len(list((cache_dir / "facts").glob("*.json"))) == 1
    with monkeypatch.context() as patched:
        _no_parsing(patched)
        assert places(run_every_rule(root)) == first
    # An edited file is parsed again; the others still come from the cache.
    (root / "client.py").write_text('TIMEOUTS_S = {"/flux": 180}\n')
    parsed: list[str] = []
    real = python._extract

    def counting(text: str) -> PythonFacts | None:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(python, "_extract", counting)
    assert places(run_every_rule(root)) == [("FL002", "client.py", 1, 14)]
    assert parsed == ['TIMEOUTS_S = {"/flux": 180}\n']


def test_entries_another_version_wrote_are_recomputed(tmp_path: Path, cache_dir: Path) -> None:
    root = make_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    expected = places(run_every_rule(root))
    [store] = (cache_dir / "facts").glob("*.json")
    entries = json.loads(store.read_text())
    store.write_text(json.dumps({digest: {"python": [1, 2]} for digest in entries}))
    assert places(run_every_rule(root)) == expected
    store.write_bytes(b"\x00garbage")
    assert places(run_every_rule(root)) == expected


def test_with_the_cache_off_nothing_is_kept(tmp_path: Path, cache_dir: Path) -> None:
    cache.use(None)
    root = make_repo(_folder(tmp_path), {"client.py": STALE_MAP})
    source = SourceFile("client.py", STALE_MAP)
    assert python_facts(source) is not None
    run(root)
    assert not cache_dir.exists()


def test_workflow_documents_come_from_the_cache_and_dated_yaml_is_parsed_each_time(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = (DRIFT / "FL007" / "deploy-modal.yml").read_text()
    dated = "released: 2026-11-27\ntimeouts_s:\n  /flux: 30\n"
    root = make_repo(
        _folder(tmp_path),
        {".github/workflows/deploy-modal.yml": workflow, "notes.yaml": dated},
    )
    first = places(run_every_rule(root))
    assert [p for p in first if p[0] == "FL007"] == [
        ("FL007", ".github/workflows/deploy-modal.yml", 17, 24),
        ("FL007", ".github/workflows/deploy-modal.yml", 18, 30),
        ("FL007", ".github/workflows/deploy-modal.yml", 20, 14),
    ]
    assert [p for p in first if p[1] == "notes.yaml"] == [
        ("FL002", "notes.yaml", 2, 1),
        ("FL002", "notes.yaml", 3, 1),
    ]
    parsed: list[str] = []
    real = data._parse

    def counting(source: SourceFile) -> object:
        parsed.append(source.path)
        return real(source)

    monkeypatch.setattr(data, "_parse", counting)
    assert places(run_every_rule(root)) == first
    assert parsed == ["notes.yaml"]  # a date is not JSON: that file is never kept
