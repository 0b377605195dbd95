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


def test_named_files_are_checked_against_every_file_the_pass_ahead_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check of named files looks in every file for settings (FL015) and secrets (FL017):
    the pass started ahead for their strings finds what reading every file finds. Only that
    pass runs beside Python's work and keeps to one thread; the pass for the names of the
    settings found, which Python waits for, takes every core."""
    import subprocess

    from tests.drift_check.conftest import make_repo

    root = make_repo(
        tmp_path,
        {
            ".env.example": "MODAL_WEBRTC_URL=\nMODAL_ENDPOINT_URL=\n",
            "backend/main.py": 'import os\n\nURL = os.environ["MODAL_ENDPOINT_URL"]\n',
            "docs/setup.md": "```bash\nmodal secret create old-redis URL=redis://x\n```\n",
            "tools/batch.py": 'import modal\n\nS = modal.Secret.from_name("hf-token")\n',
            "scripts/setup.sh": "modal secret create hf-token HF_TOKEN=hf_...\n",
        },
    )
    named = [".env.example", "docs/setup.md"]
    threads: list[bool] = []
    run = subprocess.run

    def recorded(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        threads.append("--threads=1" in command)
        return run(command, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(prefilter.subprocess, "run", recorded)
    with cache.turned_off():
        everything = [(f.code, f.path, f.line) for f in check(repo_at(root), named).findings]
        assert threads == []  # a small repository: no pass
        monkeypatch.setattr(prefilter, "MIN_FILES", 0)
        ahead = [(f.code, f.path, f.line) for f in check(repo_at(root), named).findings]
        assert threads == [True, False]
        threads.clear()
        check(repo_at(root))
    # Every file: the registry's pass beside; FL015's names and the secrets code looks up
    # (FL017, for the one created here), waited for.
    assert threads == [True, False, False]
    assert ahead == everything
    assert everything == [("FL015", ".env.example", 1), ("FL017", "docs/setup.md", 2)]


def test_paths_are_passed_in_runs_a_command_line_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_CHUNK_BYTES", 10)
    assert prefilter._chunks(["abcd", "efgh", "ijkl", "x" * 20]) == [
        ["abcd", "efgh"],
        ["ijkl"],
        ["x" * 20],
    ]


@pytest.mark.parametrize(
    "registry",
    [
        FIXTURES / "audit" / "registry" / "fleet.yaml",
        FIXTURES / "drift" / "registry" / "fleet.yaml",
        Path(__file__).parents[2] / "registry" / "fleet.yaml",
    ],
    ids=["audit", "drift", "fleet"],
)
def test_the_strings_read_from_the_registry_as_written_hold_all_the_index_looks_for(
    registry: Path,
) -> None:
    from tools.core.registry.load import load_registry
    from tools.core.registry.parse import registry_data
    from tools.drift_check.index import RegistryIndex

    index = RegistryIndex(load_registry(registry))
    wanted = {key.lstrip("/") for key in index.map_keys if key.strip("/")}
    wanted |= {retired.text.lstrip("/") for retired in index.retired}
    assert index.retired  # the registries retire apps, endpoints and files
    needles = prefilter.needles(registry_data(registry.read_text(), str(registry)))
    assert wanted <= set(needles)
    assert set(prefilter.ALWAYS) <= set(needles)


def test_the_settings_that_hold_a_web_function_s_url_are_looked_for() -> None:
    from tools.core.registry.parse import registry_data

    text = (FIXTURES / "drift" / "registry" / "fleet.yaml").read_text()
    flux = "    web: {class: ComfyUI, method: fastapi_app}\n"
    assert flux in text
    text = text.replace(flux, flux.replace("}", ", settings: [FLUX_API_URL]}"), 1)
    assert "FLUX_API_URL" in prefilter.needles(registry_data(text, "fleet.yaml"))


def test_an_app_at_the_root_is_looked_for_by_its_file_s_stem() -> None:
    from tools.core.registry.parse import registry_data

    text = (
        (FIXTURES / "drift" / "registry" / "fleet.yaml")
        .read_text()
        .replace("    dir: apps/flux\n", "    dir: .\n    entry: flux_app.py\n", 1)
    )
    assert "flux_app.py" in text
    needles = set(prefilter.needles(registry_data(text, "fleet.yaml")))
    assert ("flux_app" in needles, "." in needles) == (True, False)


def test_a_registry_that_does_not_parse_starts_no_pass_and_is_reported_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.drift_check.conftest import make_repo
    from tools.core.errors import FleetError

    monkeypatch.setattr(prefilter, "MIN_FILES", 0)
    root = make_repo(tmp_path, {"docs/plain.md": "Nothing to see.\n"})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text("version: 1\napps: [unclosed\n")
    assert prefilter.Search(root, lambda: ["docs/plain.md"], registry).found() is None
    with cache.turned_off(), pytest.raises(FleetError) as raised:
        check(repo_at(root))
    # The path as said to the user (relative to where fleet runs, when shorter).
    problems = [(Path(p.path).resolve(), p.line) for p in raised.value.problems]
    assert problems == [(registry.resolve(), 3)]


def test_a_pass_is_not_started_for_a_small_repository_or_without_ripgrep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = FIXTURES / "audit" / "registry" / "fleet.yaml"
    (tmp_path / "a.md").write_text("modal.run\n")
    few, enough = ["a.md"] * (prefilter.MIN_FILES - 1), ["a.md"] * prefilter.MIN_FILES
    assert prefilter.Search(tmp_path, lambda: enough, registry).found() == {"a.md"}
    assert prefilter.Search(tmp_path, lambda: few, registry).found() is None
    monkeypatch.setattr(prefilter, "ripgrep", lambda: None)
    assert prefilter.Search(tmp_path, lambda: enough, registry).found() is None
