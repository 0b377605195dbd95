"""fleet's commands on the Modal target, end to end: the CLI runs the real `modal` executable
against one seeded `fleet emulate`, from a copy of this fleet cut to three apps (each
`modal` call costs a second of CPU) whose policy names `ci` as the deployer. The tests run
in order, each starting from what the one before left.

Offline, no request reaches a `*.modal.run` URL (HTTPS_PROXY points at a closed port, so
each smoke test fails at once): a release here always rolls back, and the smoke tests after
a rollback fail too. The local target's tests cover a rollback that passes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, Repo
from tests.modal_emulator import Emulator, fleet_copy, running_emulator

pytestmark = pytest.mark.slow

KEYS = ("flux", "z-image", "wan26")
APPS = ("ryla-flux", "ryla-z-image", "ryla-wan26")  # in the registry's order
CLOSED_PROXY = "http://127.0.0.1:9"


@dataclass
class ModalFleet:
    emulator: Emulator
    repo: Repo

    def fleet(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """This checkout's CLI, in the copy, pointed at the emulator as `ci`."""
        environ = {
            **self.emulator.as_user("ci"),
            "PYTHONPATH": str(REPO),
            "FLEET_NO_CACHE": "1",
            "HTTPS_PROXY": CLOSED_PROXY,
            "HF_HUB_OFFLINE": "1",
            **extra,
        }
        return subprocess.run(
            [sys.executable, "-P", "-m", "tools.fleet", *args],
            cwd=self.repo.root,
            env=environ,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def history(self, app: str) -> list[dict[str, str | None]]:
        return self.emulator.history(app)

    def states(self) -> dict[str, str]:
        return self.emulator.states()


@pytest.fixture(scope="module")
def modal_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModalFleet]:
    root = tmp_path_factory.mktemp("modal-fleet")
    (root / "repo").mkdir()
    repo = fleet_copy(root / "repo", apps=KEYS, deployers=["ci"])
    for emulator in running_emulator(root / "emulator", "--seed"):
        yield ModalFleet(emulator, repo)


def test_deploy_all(modal_fleet: ModalFleet) -> None:
    head = modal_fleet.repo.git("rev-parse", "HEAD")
    done = modal_fleet.fleet("deploy", "--all", "--target", "modal")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"deploying 3 app(s) at {head[:12]} to modal/main as {head[:12]}" in done.stdout
    assert modal_fleet.states() == dict.fromkeys(APPS, "deployed")
    [flux] = modal_fleet.history("ryla-flux")
    assert (flux["version"], flux["tag"], flux["commit"], flux["deployed_by"]) == (
        "v1",
        head[:12],
        head[:7],
        "ci",
    )


def test_status_after_fleet_deploys_is_synced(modal_fleet: ModalFleet) -> None:
    done = modal_fleet.fleet("status", "--target", "modal", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [(a["app"], a["sync"], a["health"], a["version"]) for a in report["apps"]] == [
        (app, "Synced", "Healthy", "v1") for app in APPS
    ]
    assert report["orphaned"] == []


def test_status_sees_what_people_do_by_hand(modal_fleet: ModalFleet, tmp_path: Path) -> None:
    repo, emulator = modal_fleet.repo, modal_fleet.emulator
    before = repo.git("rev-parse", "HEAD")
    z_image = repo.root / "apps/z_image/app.py"
    now = repo.commit("z-image: a note", {"apps/z_image/app.py": z_image.read_text() + "# 2\n"})
    # By hand, as ci but with another commit's tag.
    emulator.ok("deploy", "apps/z_image/app.py", "--tag", before[:12], cwd=repo.root)
    # By hand, as alice, from a dirty tree, without a tag.
    flux = repo.root / "apps/flux/app.py"
    committed = flux.read_text()
    flux.write_text(committed + "# trying something\n")
    try:
        emulator.ok("deploy", "apps/flux/app.py", cwd=repo.root, user="alice")
    finally:
        flux.write_text(committed)
    scratch = tmp_path / "scratch.py"
    scratch.write_text(
        "import modal\n\napp = modal.App('scratch')\n\n\n@app.function()\ndef f():\n    pass\n"
    )
    emulator.ok("deploy", str(scratch), cwd=tmp_path, user="alice")

    summary = tmp_path / "summary.md"
    done = modal_fleet.fleet(
        "status", "--target", "modal", "--json", GITHUB_STEP_SUMMARY=str(summary)
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    drifted = {
        a["app"]: (a["sync"], a["version"], a["detail"])
        for a in report["apps"]
        if a["sync"] != "Synced"
    }
    assert drifted == {
        "ryla-flux": (
            "OutOfSync",
            "v2",
            [
                f"deployed from a dirty tree (commit {now[:7]}*)",
                "deployed by alice, not by ci",
                "deployed without fleet's tag",
            ],
        ),
        "ryla-z-image": (
            "OutOfSync",
            "v2",
            [f"tag {before[:12]} is commit {before[:12]} in git, not {now[:7]}"],
        ),
    }
    assert [(o["name"], o["state"], o["deployed_by"]) for o in report["orphaned"]] == [
        ("scratch", "deployed", "alice")
    ]
    written = summary.read_text()
    assert written.startswith(f"## fleet status: modal/main at {now[:12]}: 3 out of sync\n")
    assert "| ryla-flux | OutOfSync | Healthy | v2 " in written
    assert "| scratch | orphaned | | v1 | deployed, not in the registry |" in written


def test_changed_since_deployed_selects_what_drifted(modal_fleet: ModalFleet) -> None:
    done = modal_fleet.fleet("changed", "--since", "deployed", "--target", "modal", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    selected = {app["name"] for app in json.loads(done.stdout)["apps"]}
    assert selected == {"ryla-flux", "ryla-z-image"}


def test_a_release_whose_smoke_tests_fail_rolls_back(
    modal_fleet: ModalFleet, tmp_path: Path
) -> None:
    repo = modal_fleet.repo
    repo.git("tag", "flux/v1.1.0")
    report = tmp_path / "release.json"
    done = modal_fleet.fleet("release", "flux/v1.1.0", "--target", "modal", "--report", str(report))
    assert done.returncode == 1, done.stdout + done.stderr
    [flux] = json.loads(report.read_text())["apps"]
    assert (flux["deploy"]["outcome"], flux["deploy"]["version"]) == ("deployed", "v3")
    assert {r["status"] for r in flux["smoke"]} == {"connection-error"}
    assert (flux["rolled_back_to"], flux["outcome"]) == ("v2", "rollback-failed")
    newest = modal_fleet.history("ryla-flux")[0]
    assert (newest["version"], newest["deployed_by"]) == ("v4", "ci")


def test_a_first_release_that_fails_is_stopped(modal_fleet: ModalFleet, tmp_path: Path) -> None:
    modal_fleet.emulator.ok("app", "stop", "ryla-wan26", "--yes")
    modal_fleet.repo.git("tag", "wan26/v1.0.0")
    report = tmp_path / "release.json"
    done = modal_fleet.fleet(
        "release", "wan26/v1.0.0", "--target", "modal", "--report", str(report)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    [wan] = json.loads(report.read_text())["apps"]
    assert wan["outcome"] == "stopped"
    assert modal_fleet.states()["ryla-wan26"] == "stopped"


def test_the_pipeline_on_modal(modal_fleet: ModalFleet) -> None:
    done = modal_fleet.fleet("pipeline", "--target", "modal")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    report = lines[lines.index(next(line for line in lines if line.startswith("stage "))) :]
    results = [line.split(None, 2)[2] for line in report[1:-1]]
    assert results[0].startswith("0 problems in ")
    assert results[1:] == [
        # z-image drifted and wan26 is stopped; flux was rolled back from this very commit
        # (the release above), so it is held back rather than deployed again
        "2 of 3 apps to deploy",
        "2 of 2 apps deployed",
        "0 of 9 endpoints ok (slowest cold 0.00 s)",
        # z-image's code is what is live: Modal skips the deploy, and its tag stays wrong;
        # flux, held back, stays out of sync
        "1 of 3 apps Synced and Healthy, 1 orphaned",
    ]
    assert modal_fleet.states()["ryla-wan26"] == "deployed"


def test_a_failed_deploy_is_exit_1_and_leaves_the_live_version(modal_fleet: ModalFleet) -> None:
    repo = modal_fleet.repo
    app = repo.root / "apps/wan26/app.py"
    source = app.read_text()
    image = '.env({"HF_HOME": deploy.HF_HOME})'
    assert image in source
    repo.commit(
        "wan26: a broken image",
        {"apps/wan26/app.py": source.replace(image, f'{image}.run_commands("false")')},
    )
    before = modal_fleet.history("ryla-wan26")[0]["version"]
    done = modal_fleet.fleet("deploy", "wan26", "--target", "modal")
    assert done.returncode == 1, done.stdout + done.stderr
    [result] = [
        line.split() for line in done.stdout.splitlines() if line.startswith("  ryla-wan26")
    ]
    assert result[:3] == ["ryla-wan26", "failed", "Image"]
    assert modal_fleet.history("ryla-wan26")[0]["version"] == before


def test_a_missing_secret_stops_a_deploy_before_it_starts(modal_fleet: ModalFleet) -> None:
    modal_fleet.emulator.ok("secret", "delete", "huggingface", "--yes", "-e", "staging")
    done = modal_fleet.fleet("deploy", "flux", "wan26", "--target", "modal", "--env", "staging")
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (
        2,
        "",
        [
            "fleet: flux: secret 'huggingface' does not exist in Modal environment 'staging'",
            "fleet: wan26: secret 'huggingface' does not exist in Modal environment 'staging'",
        ],
    )
    assert modal_fleet.emulator.states("staging") == {}


def test_an_unreachable_modal_is_one_line_and_exit_2(modal_fleet: ModalFleet) -> None:
    done = modal_fleet.fleet(
        "deploy", "flux", "--target", "modal", MODAL_SERVER_URL="http://127.0.0.1:9"
    )
    assert (done.returncode, done.stderr) == (
        2,
        "fleet: Modal's API at http://127.0.0.1:9 cannot be reached: Connection refused\n",
    )


def test_a_verified_deploy_whose_endpoints_do_not_answer_is_rolled_back(
    modal_fleet: ModalFleet, tmp_path: Path
) -> None:
    # The emulator runs nothing, so no endpoint answers: the gate rolls the deploy back (and
    # the version it restores does not answer either).
    repo = modal_fleet.repo
    z_image = repo.root / "apps/z_image/app.py"
    repo.commit("z-image: verified", {"apps/z_image/app.py": z_image.read_text() + "# 3\n"})
    was = modal_fleet.history("ryla-z-image")[0]
    results = tmp_path / "results.json"
    done = modal_fleet.fleet(
        "deploy", "z-image", "--target", "modal", "--verify", "--results", str(results)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    [result] = json.loads(results.read_text())["results"]
    verify = result["verify"]
    assert (result["outcome"], verify["rolled_back_to"], verify["outcome"]) == (
        "deployed",
        was["version"],
        "rollback-failed",
    )
    assert {s["status"] for s in verify["smoke"] + verify["rollback_smoke"]} == {"connection-error"}
    assert f"  ryla-z-image         0/{len(verify['smoke'])} ok: rollback-failed\n" in done.stdout
    newest = modal_fleet.history("ryla-z-image")[0]
    assert (newest["commit"], newest["deployed_by"]) == (was["commit"], "ci")  # restored


def test_an_app_with_no_web_endpoint_deploys_through_the_real_cli(
    modal_fleet: ModalFleet,
) -> None:
    # A batch job: the real CLI deploys it and prints no web URL, which is what it should.
    repo = modal_fleet.repo
    registry = (repo.root / "registry/fleet.yaml").read_text()
    batch = (
        "  batch:\n    name: ryla-batch\n    dir: apps/batch\n"
        "    functions:\n      run: {timeout_s: 600}\n"
    )
    repo.commit(
        "batch: a job with no web endpoint",
        {
            "registry/fleet.yaml": registry.replace("\napps:\n", f"\napps:\n{batch}", 1),
            "apps/batch/app.py": (
                'import modal\n\napp = modal.App("ryla-batch")\n\n\n'
                "@app.function(timeout=600)\ndef run() -> None:\n    pass\n"
            ),
        },
    )
    done = modal_fleet.fleet("deploy", "batch", "--target", "modal")
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = [
        line.split() for line in done.stdout.splitlines() if line.startswith("  ryla-batch")
    ]
    assert result[:2] == ["ryla-batch", "deployed"]
    assert modal_fleet.states()["ryla-batch"] == "deployed"


def test_each_web_function_s_url_is_checked_through_the_real_cli(
    modal_fleet: ModalFleet,
) -> None:
    # Two web functions, each at a URL of its own: the second one's label is wrong first.
    repo = modal_fleet.repo
    registry = (repo.root / "registry/fleet.yaml").read_text()
    audio = (
        "  audio:\n    name: ryla-audio\n    dir: apps/audio\n    web:\n"
        "      - function: upscale\n        timeout_s: 600\n"
        "        endpoints: {/: {kind: audio, client_timeout_s: 300}}\n"
        "      - function: health\n        timeout_s: 60\n        label: ryla-audio-ping\n"
        "        endpoints: {/: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}}\n"
    )
    source = (
        'import modal\n\napp = modal.App("ryla-audio")\n\n\n'
        '@app.function(timeout=600)\n@modal.fastapi_endpoint(method="POST")\n'
        "def upscale(body: dict) -> dict:\n    return body\n\n\n"
        '@app.function(timeout=60)\n@modal.fastapi_endpoint(method="GET")\n'
        "def health() -> dict:\n    return {}\n"
    )
    repo.commit(
        "audio: two web functions",
        {
            "registry/fleet.yaml": registry.replace("\napps:\n", f"\napps:\n{audio}", 1),
            "apps/audio/app.py": source,
        },
    )
    done = modal_fleet.fleet("deploy", "audio", "--target", "modal")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "Modal assigned https://ryla--ryla-audio-health.modal.run to health; the registry says "
        "https://ryla--ryla-audio-ping.modal.run"
    ) in done.stdout
    fixed = source.replace('method="GET")', 'method="GET", label="ryla-audio-ping")')
    repo.commit("audio: the label the registry names", {"apps/audio/app.py": fixed})
    done = modal_fleet.fleet("deploy", "audio", "--target", "modal")
    assert done.returncode == 0, done.stdout + done.stderr
    assert modal_fleet.states()["ryla-audio"] == "deployed"
