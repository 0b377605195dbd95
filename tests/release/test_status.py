"""Live drift from what a target reports: sync, health, provenance, orphans.

The target here is a `Listed` one that reports the live apps it is given: the status logic
alone, on a real git repository. `test_modal_fleet.py` runs the same logic through the real
`modal` CLI against the emulator; the states the emulator never leaves an app in
(`initializing...` for long, `disabled`) and a commit from another history are only here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.modal_emulator import fleet_copy
from tools.core.registry.model import App, Registry
from tools.release.status import fleet_status
from tools.release.targets.base import DeployResult, LiveApp, Log
from tools.release.targets.modal import rolled_back_from


@dataclass
class Listed:
    """A target that runs the apps it lists, and does nothing else."""

    apps: list[LiveApp]
    name: str = "listed"
    env: str = "main"

    def preflight(self, registry: Registry, apps: list[App]) -> None:
        raise AssertionError("status never deploys")

    def base_url(self, registry: Registry, app: App) -> str | None:
        return None

    def deploy(
        self, registry: Registry, app: App, *, commit: str, tag: str, log: Log
    ) -> DeployResult:
        raise AssertionError("status never deploys")

    def live(self, registry: Registry, only: Collection[str] | None = None) -> list[LiveApp]:
        return [app for app in self.apps if only is None or app.name in only]

    def rollback(self, registry: Registry, app: App, version: str | None, log: Log) -> DeployResult:
        raise AssertionError("status never rolls back")

    def stop(self, registry: Registry, app: App, log: Log) -> DeployResult:
        raise AssertionError("status never stops")

    def cancel(self) -> None:
        raise AssertionError("status never deploys")


@pytest.fixture
def fleet(tmp_path: Path) -> Repo:
    (tmp_path / "fleet").mkdir()
    repo = fleet_copy(tmp_path / "fleet")
    text = (repo.root / "registry/fleet.yaml").read_text()
    repo.commit(
        "policy: ci deploys",
        {"registry/fleet.yaml": text.replace("  # deployers: [ryla-ci]", "  deployers: [ci]")},
    )
    return repo


def status_of(fleet: Repo, *apps: LiveApp) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    repository = fleet.repository()
    head = fleet.git("rev-parse", "HEAD")
    result = fleet_status(repository, repository.revision(head), Listed(list(apps)))
    return {s.app: (s.sync, s.health, s.detail) for s in result.apps if s.app in _names(apps)}


def _names(apps: tuple[LiveApp, ...]) -> set[str]:
    return {app.name for app in apps}


def test_a_fleet_deploy_at_head_is_synced(fleet: Repo) -> None:
    head = fleet.git("rev-parse", "HEAD")
    live = LiveApp("ryla-flux", "deployed", "v1", head[:12], head[:7], "ci")
    assert status_of(fleet, live) == {"ryla-flux": ("Synced", "Healthy", ())}


def test_a_release_tag_names_its_commit(fleet: Repo) -> None:
    head = fleet.git("rev-parse", "HEAD")
    fleet.git("tag", "flux/v1.4.0")
    later = fleet.commit("docs", {"apps/flux/README.md": "more\n"})
    tagged = LiveApp("ryla-flux", "deployed", "v3", "flux-v1.4.0", head[:7], "ci")
    assert status_of(fleet, tagged)["ryla-flux"][0] == "OutOfSync"  # the README changed since
    wrong = LiveApp("ryla-flux", "deployed", "v3", "flux-v1.4.0", later[:7], "ci")
    assert status_of(fleet, wrong)["ryla-flux"] == (
        "OutOfSync",
        "Healthy",
        (f"tag flux-v1.4.0 is commit {head[:12]} in git, not {later[:7]}",),
    )


def test_what_people_do_by_hand_is_out_of_sync(fleet: Repo) -> None:
    head = fleet.git("rev-parse", "HEAD")
    by_hand = LiveApp("ryla-flux", "deployed", "v2", None, f"{head[:7]}*", "alice")
    odd_tag = LiveApp("ryla-wan26", "deployed", "v4", "friday-fix", head[:7], "ci")
    assert status_of(fleet, by_hand, odd_tag) == {
        "ryla-flux": (
            "OutOfSync",
            "Healthy",
            (
                f"deployed from a dirty tree (commit {head[:7]}*)",
                "deployed by alice, not by ci",
                "deployed without fleet's tag",
            ),
        ),
        "ryla-wan26": (
            "OutOfSync",
            "Healthy",
            ("tag friday-fix is not fleet's: it names no commit or release tag",),
        ),
    }


def test_states_and_commits_that_cannot_be_compared(fleet: Repo) -> None:
    head = fleet.git("rev-parse", "HEAD")
    assert status_of(
        fleet,
        LiveApp("ryla-flux", "deployed", "v4", head[:12], head[:7], "ci"),
        LiveApp("ryla-seedvr2", "deployed", "v4", "deadbee", "deadbee", "ci"),
        LiveApp("ryla-wan26", "initializing...", None),
        LiveApp("ryla-z-image", "stopped"),
        LiveApp("ryla-qwen-edit", "disabled", "v2", head[:12], head[:7], "ci"),
    ) == {
        "ryla-flux": ("Synced", "Healthy", ()),
        "ryla-seedvr2": (
            "OutOfSync",
            "Healthy",
            (
                "tag deadbee is not fleet's: it names no commit or release tag",
                "live commit deadbee is not in this history",
            ),
        ),
        # No version yet: which one will serve cannot be told.
        "ryla-wan26": ("Unknown", "Progressing", ("live state initializing...",)),
        "ryla-z-image": ("OutOfSync", "Missing", ("live state stopped",)),
        "ryla-qwen-edit": ("Synced", "Suspended", ("live state disabled",)),
    }


def test_a_version_without_a_commit_is_unknown(fleet: Repo) -> None:
    # A target that records neither tag problems nor commits: only the commit is missing.
    head = fleet.git("rev-parse", "HEAD")
    live = LiveApp("ryla-flux", "deployed", "v1", head[:12], None, None)
    assert status_of(fleet, live) == {
        "ryla-flux": ("Unknown", "Healthy", ("the live version records no commit",))
    }


def test_orphans_and_the_summary(fleet: Repo) -> None:
    repository = fleet.repository()
    head = fleet.git("rev-parse", "HEAD")
    apps = [
        LiveApp(app.name, "deployed", "v1", head[:12], head[:7], "ci")
        for app in repository.registry.apps.values()
    ]
    orphan = LiveApp("ryla-comfyui", "deployed", "v9", None, None, "alice")  # fleet: ignore[FL003]
    result = fleet_status(repository, repository.revision(head), Listed([*apps, orphan]))
    assert result.orphaned == (orphan,)
    assert result.ok is False
    assert result.markdown().splitlines()[:3] == [
        f"## fleet status: listed/main at {head[:12]}: 1 out of sync",
        "",
        "| app | sync | health | live | why |",
    ]
    assert result.markdown().splitlines()[-1] == (
        "| ryla-comfyui | orphaned | | v9 | deployed, not in the registry |"  # fleet: ignore[FL003]
    )


@pytest.mark.parametrize(
    ("commits", "rolled_back"),
    [
        (["a", "b", "a"], "b"),  # b went live, then a again
        (["a", "b", "c", "a"], "b"),
        (["a", "b", "c"], None),  # a new commit
        (["a", "a", "b"], None),  # a redeploy of the same commit
        (["a", "b"], None),
        ([None, "b", None], None),
        (["a", None, "a"], None),
    ],
)
def test_a_rollback_is_read_from_modal_history(commits: list, rolled_back: str | None) -> None:
    history = [{"version": f"v{len(commits) - n}", "commit": c} for n, c in enumerate(commits)]
    assert rolled_back_from(history) == rolled_back


def test_a_rolled_back_commit_is_held_until_a_commit_changes_the_app(fleet: Repo) -> None:
    good = fleet.git("rev-parse", "HEAD")
    bad = fleet.commit("flux: break", {"apps/flux/README.md": "broken\n"})
    live = LiveApp(
        "ryla-flux", "deployed", "v3", good[:12], good[:7], "ci", rolled_back_from=bad[:7]
    )
    why = f"rolled back from {bad[:12]}: deployed again once a commit changes the app"
    assert status_of(fleet, live)["ryla-flux"][2][-1] == why
    fleet.commit("seedvr2 only", {"apps/seedvr2/README.md": "other\n"})
    assert status_of(fleet, live)["ryla-flux"][2][-1] == why  # still held
    fleet.commit("flux: fix", {"apps/flux/README.md": "fixed\n"})
    assert why not in status_of(fleet, live)["ryla-flux"][2]
