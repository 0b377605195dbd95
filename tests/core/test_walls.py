"""The repository's edges are walls: fleet never reads or writes through a symlink that leaves
the repository, never replaces a symlink with a file, and keeps a rewritten file's mode and
line endings."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, run_fleet
from tools.core.errors import FleetError
from tools.core.fs import read_in_repository, rewrite_in_repository


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    shutil.copy(REPO / "registry" / "fleet.yaml", root / "registry" / "fleet.yaml")
    (tmp_path / "outside").mkdir()
    return root


def test_a_write_through_a_symlink_out_of_the_repository_is_refused(
    repository: Path, tmp_path: Path
) -> None:
    (repository / "docs").symlink_to(tmp_path / "outside")
    with pytest.raises(FleetError) as refused:
        rewrite_in_repository(repository, "docs/ENDPOINTS.md", "text\n")
    assert str(refused.value) == (
        f"docs/ENDPOINTS.md: leads outside the repository (to {tmp_path}/outside/ENDPOINTS.md); "
        "not written"
    )
    assert list((tmp_path / "outside").iterdir()) == []
    with pytest.raises(FleetError, match=r"not read$"):
        read_in_repository(repository, "docs/ENDPOINTS.md")


def test_fleet_render_stops_at_a_symlink_out_of_the_repository(
    repository: Path, tmp_path: Path
) -> None:
    (repository / "docs").symlink_to(tmp_path / "outside")
    result = run_fleet("render", cwd=repository)
    assert result.returncode == 2
    assert result.stderr.startswith("docs/ENDPOINTS.md: leads outside the repository")
    assert list((tmp_path / "outside").iterdir()) == []


def test_a_symlink_inside_the_repository_is_written_through_and_kept(repository: Path) -> None:
    (repository / "real.md").write_text("old\n")
    (repository / "link.md").symlink_to("real.md")
    rewrite_in_repository(repository, "link.md", "new\n")
    assert (repository / "link.md").is_symlink()
    assert (repository / "real.md").read_text() == "new\n"


def test_a_rewrite_keeps_the_mode_and_crlf(repository: Path) -> None:
    script = repository / "run.sh"
    script.write_bytes(b"#!/bin/sh\r\necho old\r\n")
    script.chmod(0o755)
    rewrite_in_repository(repository, "run.sh", "#!/bin/sh\necho new\n")
    assert script.read_bytes() == b"#!/bin/sh\r\necho new\r\n"
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


def test_a_new_file_gets_the_umask_mode_not_0600(repository: Path) -> None:
    rewrite_in_repository(repository, "new/file.md", "x\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((repository / "new" / "file.md").stat().st_mode) == 0o666 & ~mask


def test_the_drift_check_skips_a_file_that_links_out_and_says_so(
    repository: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "notes.md"
    secret.write_text(
        "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run\n"  # fleet: ignore[FL003]
    )
    (repository / "notes.md").symlink_to(secret)
    result = run_fleet("check", "--format", "json", cwd=repository)
    report = json.loads(result.stdout)
    assert report["skipped_files"] == {"notes.md": "links outside the repository"}
    assert [f for f in report["findings"] if f["path"] == "notes.md"] == []
    text = run_fleet("check", cwd=repository)
    assert "notes.md: not read: links outside the repository\n" in text.stdout


def test_fix_keeps_an_executable_script_executable(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "drift", root)
    app = root / "apps" / "flux" / "app.py"
    app.write_text(
        app.read_text().replace("timeout=5 * MINUTES", "timeout=600").replace("\n", "\r\n")
    )
    app.chmod(0o755)
    result = run_fleet("check", "--fix", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    assert b"timeout=300" in app.read_bytes()
    assert b"\r\n" in app.read_bytes()
    assert b"\n" not in app.read_bytes().replace(b"\r\n", b"")
    assert stat.S_IMODE(app.stat().st_mode) == 0o755


def test_a_registry_that_links_out_of_the_repository_is_read_only_when_named(
    repository: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside" / "fleet.yaml"
    (repository / "registry" / "fleet.yaml").rename(outside)
    (repository / "registry" / "fleet.yaml").symlink_to(outside)
    found = run_fleet("registry", "validate", cwd=repository)
    assert (found.returncode, found.stderr) == (
        2,
        "fleet: registry/fleet.yaml: links outside the repository; pass --registry to read it\n",
    )
    named = run_fleet("registry", "validate", "--registry", "registry/fleet.yaml", cwd=repository)
    assert named.returncode == 0, named.stderr
