"""One way to open a repository: the root, the registry and `[tool.fleet]`, for every command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, GIT_ENV, REPO, run_fleet
from tools.core.errors import FleetError
from tools.core.repository import display_path, open_repository

CONFIG = '[tool.fleet]\nregistry = "config/fleet.yaml"\n'


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    """A git repository whose registry is where `[tool.fleet] registry` says."""
    root = tmp_path / "configured"
    shutil.copytree(FIXTURES / "changed", root)
    (root / "config").mkdir()
    (root / "registry" / "fleet.yaml").rename(root / "config" / "fleet.yaml")
    (root / "registry").rmdir()
    (root / "pyproject.toml").write_text(CONFIG)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=GIT_ENV)
    return root


def test_the_root_is_found_from_a_subfolder_by_its_fleet_table(configured: Path) -> None:
    repo = open_repository(configured / "apps" / "flux")
    assert (repo.root, repo.registry_path) == (configured, configured / "config" / "fleet.yaml")
    assert repo.relative_registry == "config/fleet.yaml"


def test_a_named_registry_finds_its_own_repository(tmp_path: Path) -> None:
    repo = open_repository(tmp_path, registry=REPO / "registry" / "fleet.yaml")
    assert (repo.root, repo.relative_registry) == (REPO, "registry/fleet.yaml")
    fixture = FIXTURES / "drift" / "registry" / "fleet.yaml"
    assert open_repository(REPO, registry=fixture).root == FIXTURES / "drift"


def test_a_registry_in_no_repository_belongs_to_the_one_it_is_used_in(
    configured: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "fleet.yaml"
    shutil.copy(FIXTURES / "registry" / "minimal.yaml", outside)
    repo = open_repository(configured / "apps", registry=outside)
    assert (repo.root, repo.registry_path) == (configured, outside)
    with pytest.raises(FleetError) as caught:
        repo.revision("HEAD")
    assert str(caught.value) == (
        f"registry {outside} is outside the repository {configured}: plans read it at each "
        "commit, so it must be committed there"
    )


def test_root_and_registry_given_are_taken_as_given(configured: Path) -> None:
    elsewhere = configured / "config" / "fleet.yaml"
    repo = open_repository(REPO, root=configured, registry=elsewhere)
    assert (repo.root, repo.registry_path) == (configured, elsewhere)


def test_a_registry_outside_the_repository_has_no_revision(configured: Path) -> None:
    outside = FIXTURES / "registry" / "minimal.yaml"
    repo = open_repository(configured, root=configured, registry=outside)
    with pytest.raises(FleetError, match="is outside the repository"):
        repo.revision("HEAD")


def test_a_configured_registry_that_is_missing_names_the_setting(configured: Path) -> None:
    (configured / "config" / "fleet.yaml").unlink()
    with pytest.raises(FleetError) as caught:
        open_repository(configured)
    shown = display_path(configured / "config" / "fleet.yaml")
    assert str(caught.value) == f"no registry at {shown} (from [tool.fleet] registry)"


@pytest.mark.parametrize("value", ['"/etc/fleet.yaml"', '"../fleet.yaml"', '"a/../../b.yaml"', "3"])
def test_a_configured_registry_must_stay_inside_the_repository(
    configured: Path, value: str
) -> None:
    (configured / "pyproject.toml").write_text(f"[tool.fleet]\nregistry = {value}\n")
    with pytest.raises(FleetError) as caught:
        open_repository(configured)
    assert str(caught.value) == (
        "pyproject.toml: tool.fleet.registry: must be a relative path inside the repository"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["registry", "validate"], "config/fleet.yaml: ok (2 apps, 2 endpoints, 1 environments)"),
        (["registry", "schema", "--check"], "config/fleet.schema.json: stale"),
        (["check"], "No problems found"),
        (["changed", "--base", "HEAD"], "given: "),
        (["deploy", "--all", "--dry-run"], "  would deploy acme-flux (apps/flux/app.py)"),
        (["status"], "acme-flux"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_every_command_honours_the_configured_registry(
    configured: Path, args: list[str], expected: str
) -> None:
    result = run_fleet(*args, cwd=configured / "apps")
    assert "no registry" not in result.stderr
    assert expected in result.stdout + result.stderr
