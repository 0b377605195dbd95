"""The real `modal` CLI (pinned in pyproject.toml) against `fleet emulate`: what Modal does,
the emulator does. The tests of this module share one emulator and run in order.

Versions by hand and from dirty trees, rollbacks, stolen labels and stops are tested through
fleet's Modal target (`tests/release/test_modal_target.py`, `test_modal_fleet.py`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.modal_emulator import Emulator, start_emulator

APP = """\
import modal

app = modal.App("{name}")
REVISION = {revision}


@app.function({options})
@modal.fastapi_endpoint({endpoint})
def web():
    return {{"revision": REVISION}}
"""


def app_repo(
    root: Path, name: str, revision: int = 1, options: str = "", endpoint: str = ""
) -> Path:
    """A git repository holding one small Modal app, committed."""
    repo = Repo(root)
    if not root.exists():
        root.mkdir(parents=True)
        repo.git("init", "-q", "-b", "main")
    source = APP.format(name=name, revision=revision, options=options, endpoint=endpoint)
    # modal reads `git status --porcelain`: the __pycache__ its import writes must be ignored
    repo.commit(f"r{revision}", {".gitignore": "__pycache__/\n", "app.py": source})
    return root


def head(root: Path) -> str:
    return Repo(root).git("rev-parse", "HEAD")


def history(emulator: Emulator, app: str, *env: str) -> list[dict[str, str]]:
    result = emulator.modal("app", "history", app, "--json", *env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def listed(emulator: Emulator, *env: str) -> dict[str, str]:
    result = emulator.modal("app", "list", "--json", *env)
    assert result.returncode == 0, result.stderr
    return {row["description"]: row["state"] for row in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probe") / "repo"


def test_a_first_deploy_is_v1_at_modal_shaped_url(emulator: Emulator, probe: Path) -> None:
    app_repo(probe, "probe")
    deployed = emulator.modal("deploy", "app.py", "--tag", "probe-v1", cwd=probe)
    assert deployed.returncode == 0, deployed.stderr
    assert "https://ryla--probe-web.modal.run (unauthenticated)" in deployed.stdout
    assert "App deployed in" in deployed.stdout
    [v1] = history(emulator, "probe")
    assert (v1["version"], v1["tag"], v1["deployed_by"], v1["commit"]) == (
        "v1",
        "probe-v1",
        "ci",
        head(probe)[:7],
    )
    assert v1["client"] == "1.6.4"
    assert listed(emulator) == {"probe": "deployed"}
    # What the tests of fleet's Modal target read from the state file is what the CLI says.
    shown = [{k: row.get(k) for k in ("version", "tag", "commit", "deployed_by")} for row in [v1]]
    assert (shown, emulator.states()) == (emulator.history("probe"), listed(emulator))


def test_an_unchanged_deploy_is_skipped_whatever_its_tag(emulator: Emulator, probe: Path) -> None:
    # Whether Modal skips a deploy that changes only the tag is unconfirmed: the emulator does.
    again = emulator.modal("deploy", "app.py", "--tag", "probe-v1-again", cwd=probe)
    assert again.returncode == 0, again.stderr
    assert "Deployment skipped: no changes detected!" in again.stdout
    assert [v["version"] for v in history(emulator, "probe")] == ["v1"]


def test_a_gpu_modal_does_not_offer_fails_the_deploy(emulator: Emulator, tmp_path: Path) -> None:
    banana = app_repo(tmp_path / "banana", "banana", options='gpu="banana"')
    failed = emulator.modal("deploy", "app.py", cwd=banana)
    assert (failed.returncode, failed.stderr.strip()) == (
        1,
        "Error: GPU type 'BANANA' is not one Modal offers",
    )
    assert "banana" not in listed(emulator)


def test_a_missing_secret_fails_the_deploy_in_that_environment(
    emulator: Emulator, tmp_path: Path
) -> None:
    created = emulator.modal("environment", "create", "staging")
    assert created.returncode == 0, created.stderr
    secretive = app_repo(
        tmp_path / "secretive", "secretive", options='secrets=[modal.Secret.from_name("hf")]'
    )
    failed = emulator.modal("deploy", "app.py", "-e", "staging", cwd=secretive)
    assert (failed.returncode, failed.stderr.strip()) == (
        1,
        "Error: Secret 'hf' not found in environment 'staging'",
    )
    assert emulator.modal("secret", "create", "hf", "TOKEN=x", "-e", "staging").returncode == 0
    deployed = emulator.modal("deploy", "app.py", "-e", "staging", cwd=secretive)
    assert deployed.returncode == 0, deployed.stderr
    assert "https://ryla-staging--secretive-web.modal.run (unauthenticated)" in deployed.stdout


def test_stop_asks_first_and_a_stopped_app_is_listed_stopped(emulator: Emulator) -> None:
    asked = emulator.modal("app", "stop", "probe")
    assert asked.returncode == 1
    assert "no interactive terminal" in asked.stdout + asked.stderr
    assert listed(emulator)["probe"] == "deployed"
    assert emulator.modal("app", "stop", "probe", "--yes").returncode == 0
    assert listed(emulator)["probe"] == "stopped"


def test_an_unknown_token_is_refused(emulator: Emulator) -> None:
    refused = emulator.modal("app", "list", "--json", user="mallory")
    assert refused.returncode == 1
    assert "Invalid token" in refused.stderr


def test_the_state_outlives_the_emulator(emulator: Emulator) -> None:
    # Started again from a shell that holds the first one's variables: its own tokens are
    # what it prints, so they are not masked as the shell's secrets.
    process, environ = start_emulator(
        emulator.folder, "--workspace", "ryla", environ=emulator.environ
    )
    try:
        assert environ["MODAL_TOKEN_SECRET"] == emulator.environ["MODAL_TOKEN_SECRET"]
        assert environ["MODAL_TOKEN_SECRET"].startswith("as-")
        again = Emulator(emulator.folder, environ)
        assert [v["version"] for v in history(again, "probe")] == ["v1"]
        environments = json.loads(again.modal("environment", "list", "--json").stdout)
        assert [(e["name"], e["web_suffix"]) for e in environments] == [
            ("main", ""),
            ("staging", "staging"),
        ]
        assert again.modal("environment", "delete", "staging", "--yes").returncode == 0
        assert listed(again, "-e", "main") == {"probe": "stopped"}
    finally:
        process.terminate()
        process.wait(timeout=10)
