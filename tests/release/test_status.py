"""`fleet status` through the fake `modal` executable, in both `app list` key formats."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tools.core import git
from tools.core.repository import open_repository
from tools.release.status import fleet_status
from tools.release.targets.modal import ModalTarget

REPO_AT = open_repository(REPO)


def history(commit: str | None, version: str = "v4") -> str:
    return json.dumps(
        [
            {
                "version": version,
                "time_deployed": "2026-11-27",
                "client": "1.6.4",
                "deployed_by": "ci",
                "commit": commit,
                "tag": "t",
            }
        ]
    )


@pytest.mark.parametrize("new_keys", [True, False])
def test_every_state_through_modal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_keys: bool
) -> None:
    monkeypatch.setenv("PATH", f"{FIXTURES / 'fake_modal'}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_MODAL_STATE", str(tmp_path))
    head = git.resolve(REPO, "HEAD")
    assert head is not None

    def row(name: str, state: str) -> dict[str, str]:
        keys = ("description", "state") if new_keys else ("Description", "State")
        return {keys[0]: name, keys[1]: state}

    rows = [
        row("ryla-flux", "deployed"),
        row("ryla-seedvr2", "deployed"),
        row("ryla-wan26", "initializing..."),
        row("ryla-z-image", "stopped"),
        row("ryla-comfyui", "deployed"),  # fleet: ignore[FL003]
    ]
    (tmp_path / "apps.json").write_text(json.dumps(rows))
    (tmp_path / "history-ryla-flux.json").write_text(history(head[:7]))
    # A commit this clone does not have: the live version cannot be the repository's.
    (tmp_path / "history-ryla-seedvr2.json").write_text(history("deadbee"))
    (tmp_path / "history-ryla-comfyui.json").write_text(history(None, "v9"))
    result = fleet_status(REPO_AT, REPO_AT.revision(head), ModalTarget(REPO, "main", os.environ))
    statuses = {s.app: (s.sync, s.health, s.version, s.detail) for s in result.apps}
    assert statuses == {
        "ryla-flux": ("Synced", "Healthy", "v4", ()),
        "ryla-instantid": ("OutOfSync", "Missing", None, ("not deployed on modal",)),
        "ryla-qwen-image": ("OutOfSync", "Missing", None, ("not deployed on modal",)),
        "ryla-qwen-edit": ("OutOfSync", "Missing", None, ("not deployed on modal",)),
        "ryla-z-image": ("OutOfSync", "Missing", None, ("live state stopped",)),
        "ryla-wan26": (
            "Unknown",
            "Progressing",
            None,
            ("the live version records no commit", "live state initializing..."),
        ),
        "ryla-seedvr2": (
            "Unknown",
            "Healthy",
            "v4",
            ("live commit deadbee is not in this history",),
        ),
    }
    assert [(o.name, o.state, o.version) for o in result.orphaned] == [
        ("ryla-comfyui", "deployed", "v9")  # fleet: ignore[FL003]
    ]
    assert result.ok is False


def test_changed_since_deployed_on_modal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.release.since_deployed import plan_since_deployed

    monkeypatch.setenv("PATH", f"{FIXTURES / 'fake_modal'}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_MODAL_STATE", str(tmp_path))
    head = git.resolve(REPO, "HEAD")
    assert head is not None
    (tmp_path / "apps.json").write_text(
        json.dumps(
            [
                {"description": "ryla-flux", "state": "deployed"},
                {"description": "ryla-wan26", "state": "deployed"},
            ]
        )
    )
    (tmp_path / "history-ryla-flux.json").write_text(history(head[:7]))
    (tmp_path / "history-ryla-wan26.json").write_text(history("0000000*"))
    selection = plan_since_deployed(
        REPO_AT, REPO_AT.revision(head), ModalTarget(REPO, "main", os.environ)
    )
    reasons = {app.name: app.reasons for app in selection.apps}
    assert "ryla-flux" not in reasons
    assert reasons["ryla-wan26"] == ("live commit 0000000* is not in this history",)
    assert reasons["ryla-seedvr2"] == ("not deployed on modal",)
    assert len(reasons) == 6
