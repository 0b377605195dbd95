"""The ripgrep pass of a large repository: the same findings as reading every file, and a
file it passed over still counts when it changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.drift_check.conftest import repo_at
from tools.core import cache
from tools.drift_check import prefilter
from tools.drift_check.runner import check


def outcome(root: Path) -> tuple[list[tuple[str, str, int, int, str]], int]:
    result = check(repo_at(root))
    return [(f.code, f.path, f.line, f.col, f.message) for f in result.findings], result.files


def test_the_pass_finds_what_reading_every_file_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    audit = FIXTURES / "audit"
    with cache.turned_off():
        everything = outcome(audit)
        monkeypatch.setattr(prefilter, "MIN_FILES", 0)
        assert prefilter.ripgrep() is not None
        assert outcome(audit) == everything
        assert everything[0]  # the audit's drift: a pass that found nothing would fail here


def test_a_file_passed_over_is_checked_when_it_changes(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prefilter, "MIN_FILES", 0)
    from tests.drift_check.conftest import make_repo

    root = make_repo(tmp_path, {"docs/plain.md": "Nothing to see.\n"})
    assert outcome(root)[0] == []
    (root / "docs/plain.md").write_text("Call /flux-instantid for faces.\n")
    assert [f[:3] for f in outcome(root)[0]] == [("FL003", "docs/plain.md", 1)]


def test_without_ripgrep_every_file_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    audit = FIXTURES / "audit"
    with cache.turned_off():
        everything = outcome(audit)
        monkeypatch.setattr(prefilter, "MIN_FILES", 0)
        monkeypatch.setattr(prefilter, "ripgrep", lambda: None)
        assert outcome(audit) == everything


def test_paths_are_passed_in_runs_a_command_line_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_CHUNK_BYTES", 10)
    assert prefilter._chunks(["abcd", "efgh", "ijkl", "x" * 20]) == [
        ["abcd", "efgh"],
        ["ijkl"],
        ["x" * 20],
    ]
