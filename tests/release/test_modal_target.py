"""The Modal target against a fake `modal` executable that prints what the real CLI prints."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tools.core.errors import FleetError
from tools.core.registry.load import load_registry
from tools.release.tags import modal_tag
from tools.release.targets.modal import ModalTarget

REGISTRY = load_registry(REPO / "registry" / "fleet.yaml")
FLUX = REGISTRY.apps["flux"]


@pytest.fixture
def fake_modal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATH", f"{FIXTURES / 'fake_modal'}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_MODAL_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setenv("FAKE_MODAL_STATE", str(tmp_path))
    monkeypatch.setenv("MODAL_TOKEN_ID", "ak-SECRETTOKEN123")
    return tmp_path


def calls(state: Path) -> list[list[str]]:
    return [json.loads(line) for line in (state / "calls.jsonl").read_text().splitlines()]


def deploy(scenario: str, monkeypatch: pytest.MonkeyPatch, env: str = "main"):
    monkeypatch.setenv("FAKE_MODAL_SCENARIO", scenario)
    lines: list[str] = []
    result = ModalTarget(REPO, env, os.environ).deploy(
        REGISTRY, FLUX, commit="abc1234", tag="flux-v1.4.0", log=lines.append
    )
    return result, lines


def test_deploy_command_line_and_verified_urls(
    fake_modal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, lines = deploy("ok", monkeypatch)
    assert calls(fake_modal) == [
        [
            "deploy",
            "apps/flux/app.py",
            "--env",
            "main",
            "--tag",
            "flux-v1.4.0",
            "--strategy",
            "rolling",
        ]
    ]
    assert (result.outcome, result.urls) == (
        "deployed",
        {"ComfyUI.fastapi_app": "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"},
    )
    assert lines[0] == "Authenticated with token ***"
    assert all("SECRETTOKEN" not in line for line in lines)


def test_staging_urls_carry_the_suffix(fake_modal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = deploy("ok", monkeypatch, env="staging")
    assert result.outcome == "deployed"
    assert calls(fake_modal)[0][3] == "staging"


@pytest.mark.parametrize(
    ("scenario", "outcome", "detail"),
    [
        ("skip", "unchanged", "no changes detected"),
        ("fail", "failed", "modal deploy exited 1"),
        (
            "wrong-url",
            "failed",  # fleet: ignore[FL004]: the URL Modal must not assign
            "Modal assigned ComfyUI.fastapi_app => https://ryla--ryla-flux-comfyui-web.modal.run; "
            "the registry says https://ryla--ryla-flux-comfyui-fastapi-app.modal.run",
        ),
        (
            "truncated",
            "failed",
            "Modal assigned ComfyUI.fastapi_app => https://ryla--ryla-flux-comfyui-fastapi-app."
            "modal.run (label truncated); the registry says "
            "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run",
        ),
    ],
)
def test_deploy_outcomes(
    fake_modal: Path, monkeypatch: pytest.MonkeyPatch, scenario: str, outcome: str, detail: str
) -> None:
    result, _ = deploy(scenario, monkeypatch)
    assert (result.outcome, result.detail) == (outcome, detail)


@pytest.mark.parametrize("new_keys", [True, False])
def test_live_state_reads_both_app_list_formats(fake_modal: Path, new_keys: bool) -> None:
    def row(name: str, state: str) -> dict[str, str]:
        if new_keys:
            return {"app_id": "ap-1", "description": name, "state": state, "tasks": "0"}
        return {"App ID": "ap-1", "Description": name, "State": state, "Tasks": "0"}

    (fake_modal / "apps.json").write_text(
        json.dumps(
            [
                row("ryla-flux", "deployed"),
                row("ryla-comfyui", "stopped"),  # fleet: ignore[FL003]
                row("scratch", "ephemeral (detached)"),
            ]
        )
    )
    (fake_modal / "history-ryla-flux.json").write_text(
        json.dumps(
            [
                {
                    "version": "v3",
                    "time_deployed": "2026-11-20",
                    "client": "1.6.4",
                    "deployed_by": "ci",
                    "commit": "abc1234",
                    "tag": "flux-v1.4.0",
                },
                {
                    "version": "v2",
                    "time_deployed": "2026-11-01",
                    "client": "1.6.4",
                    "deployed_by": "ci",
                    "commit": "0ff1ce5*",
                    "tag": "flux-v1.3.0",
                },
            ]
        )
    )
    live = ModalTarget(REPO, "main", os.environ).live(REGISTRY)
    assert [(a.name, a.state, a.version, a.tag, a.commit) for a in live] == [
        ("ryla-flux", "deployed", "v3", "flux-v1.4.0", "abc1234"),
        ("ryla-comfyui", "stopped", None, None, None),  # fleet: ignore[FL003]
    ]


def test_rollback_takes_a_v_version(fake_modal: Path) -> None:
    target = ModalTarget(REPO, "main", os.environ)
    with pytest.raises(FleetError):
        target.rollback(REGISTRY, FLUX, "3", log=lambda _: None)
    result = target.rollback(REGISTRY, FLUX, "v2", log=lambda _: None)
    assert result.outcome == "deployed"
    assert calls(fake_modal) == [["app", "rollback", "ryla-flux", "v2", "--env", "main"]]


def test_missing_modal_cli_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FleetError, match="the modal CLI is not installed"):
        ModalTarget(REPO, "main", os.environ)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("flux/v1.4.0", "flux-v1.4.0"),
        ("v2.0.0", "v2.0.0"),
        ("release-2026.11.27.2", "release-2026.11.27.2"),
        ("a b;rm -rf /", "a-b-rm--rf"),
        ("x" * 80, "x" * 50),
    ],
)
def test_modal_tags(text: str, tag: str) -> None:
    assert modal_tag(text) == tag
