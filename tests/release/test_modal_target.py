"""The Modal target running the real `modal` CLI (the pinned client) against `fleet emulate`.

The tests share one seeded emulator and one copy of this repository's fleet in git, and run
in order, each starting from what the one before left (every `modal` call costs about a
second of CPU): flux is deployed, redeployed unchanged, changed, deployed from a worktree,
refused for drift and for a broken image, rolled back and stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo
from tests.modal_emulator import MODAL, Emulator, fleet_copy, running_emulator
from tools.core.errors import FleetError
from tools.core.registry.load import load_registry
from tools.core.registry.model import Registry
from tools.release.tags import modal_tag
from tools.release.targets.base import DeployResult, LiveApp
from tools.release.targets.modal import ModalTarget
from tools.release.targets.modal_cli import ModalCli
from tools.release.targets.modal_output import WebUrl, web_urls

pytestmark = pytest.mark.slow

FLUX_URL = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"
IMAGE_STEP = '.env({"HF_HOME": deploy.HF_HOME})'
FLUX_WEB = "web: {class: ComfyUI, method: fastapi_app}"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """Seeded: the registry's environments, each with the apps' secret and volume."""
    yield from running_emulator(tmp_path_factory.mktemp("emulator"), "--seed")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return fleet_copy(tmp_path_factory.mktemp("fleet"))


@pytest.fixture(scope="module")
def modal(emulator: Emulator, fleet: Repo) -> ModalTarget:
    # FORCE_COLOR would put colour codes into `--json`: the target takes it away.
    return ModalTarget(fleet.root, "main", {**emulator.as_user("ci"), "FORCE_COLOR": "1"})


def registry(fleet: Repo) -> Registry:
    return load_registry(fleet.root / "registry" / "fleet.yaml")


def deploy(
    modal: ModalTarget, fleet: Repo, tag: str, commit: str = ""
) -> tuple[DeployResult, list[str]]:
    lines: list[str] = []
    loaded = registry(fleet)
    result = modal.deploy(
        loaded,
        loaded.apps["flux"],
        commit=commit or fleet.git("rev-parse", "HEAD"),
        tag=tag,
        log=lines.append,
    )
    return result, lines


def history(emulator: Emulator) -> list[tuple[str, str, str, str]]:
    rows = emulator.history("ryla-flux")
    return [(r["version"], r["tag"] or "", r["commit"], r["deployed_by"]) for r in rows]


def change_flux(fleet: Repo, old: str, new: str) -> str:
    """Commit a change to flux's app file; the new commit."""
    source = (fleet.root / "apps/flux/app.py").read_text()
    assert old in source
    return fleet.commit("flux", {"apps/flux/app.py": source.replace(old, new, 1)})


def test_a_first_deploy_then_an_unchanged_one(modal: ModalTarget, fleet: Repo) -> None:
    first, lines = deploy(modal, fleet, "flux-v1.4.0")
    assert first == DeployResult(
        "ryla-flux", "deployed", "v1", "tag flux-v1.4.0", {"ComfyUI.fastapi_app": FLUX_URL}
    )
    assert f"│   └── ComfyUI.fastapi_app -> {FLUX_URL} (unauthenticated)" in lines
    assert not any("as-emulator-ci" in line for line in lines)  # the token is masked
    again, _ = deploy(modal, fleet, "flux-v1.4.0-again")
    assert (again.outcome, again.version, again.detail) == ("unchanged", "v1", "no changes")


def test_a_change_is_a_new_version(modal: ModalTarget, emulator: Emulator, fleet: Repo) -> None:
    head = change_flux(fleet, "    timeout=300,\n", "    timeout=300,  # v2\n")
    second, _ = deploy(modal, fleet, "flux-v1.5.0")
    assert (second.outcome, second.version) == ("deployed", "v2")
    assert history(emulator)[0] == ("v2", "flux-v1.5.0", head[:7], "ci")


def test_another_commit_deploys_from_a_clean_worktree(
    modal: ModalTarget, emulator: Emulator, fleet: Repo
) -> None:
    wanted = change_flux(fleet, "# v2\n", "# v3\n")
    fleet.commit("later", {"apps/flux/README.md": "later\n"})
    (fleet.root / "apps/flux/app.py").write_text("uncommitted, and not Python")
    try:
        result, lines = deploy(modal, fleet, "v3", commit=wanted)
    finally:
        fleet.git("checkout", "--", "apps/flux/app.py")
    assert (result.outcome, result.version) == ("deployed", "v3")
    assert lines[0] == (
        f"deploying {wanted[:12]} from a worktree: the checkout is not that commit, clean"
    )
    assert history(emulator)[0] == ("v3", "v3", wanted[:7], "ci")  # no `*`
    assert len(fleet.git("worktree", "list").splitlines()) == 1


def test_a_deploy_modal_serves_otherwise_than_the_registry_says_fails(
    modal: ModalTarget, fleet: Repo
) -> None:
    cases = [
        (
            "web: {class: ComfyUI, method: fastapi_app, label: flux}",
            f"Modal assigned {FLUX_URL} to ComfyUI.fastapi_app; "
            "the registry says https://ryla--flux.modal.run",
        ),
        (
            "web: {class: ComfyUI, method: fastapi_app, requires_proxy_auth: true}",
            "Modal serves ComfyUI.fastapi_app without proxy auth; the registry says "
            "requires_proxy_auth: true",
        ),
    ]
    text = (fleet.root / "registry/fleet.yaml").read_text()
    assert text.index(FLUX_WEB) < text.index("\n  instantid:")  # the first is flux's
    for written, detail in cases:
        fleet.commit("registry", {"registry/fleet.yaml": text.replace(FLUX_WEB, written, 1)})
        result, _ = deploy(modal, fleet, "drift")
        assert (result.outcome, result.detail) == ("failed", detail)
    fleet.commit("registry", {"registry/fleet.yaml": text})


def test_a_build_error_fails_and_leaves_the_live_version(
    modal: ModalTarget, emulator: Emulator, fleet: Repo
) -> None:
    change_flux(fleet, IMAGE_STEP, f'{IMAGE_STEP}.run_commands("false")')
    result, _ = deploy(modal, fleet, "broken")
    assert result.outcome == "failed"
    assert result.detail.startswith("Image build for im-")
    assert result.detail.endswith(
        "failed with the exception: RUN false: the command returned a non-zero code"
    )
    assert history(emulator)[0][0] == "v3"
    change_flux(fleet, f'{IMAGE_STEP}.run_commands("false")', IMAGE_STEP)


def test_live_state_rollback_and_stop(modal: ModalTarget, emulator: Emulator, fleet: Repo) -> None:
    loaded = registry(fleet)
    flux = loaded.apps["flux"]
    [live] = modal.live(loaded)
    assert (live.name, live.state, live.version, live.tag, live.deployed_by) == (
        "ryla-flux",
        "deployed",
        "v3",
        "v3",
        "ci",
    )
    assert live.rolled_back_from is None
    log: list[str] = []
    assert modal.rollback(loaded, flux, None, log.append) == DeployResult(
        "ryla-flux", "deployed", "v4", "rolled back to the previous version"
    )
    # The rollback repeats v2's commit: v3's is the one rolled back from.
    [(_, _, v4_commit, _), (_, _, v3_commit, _), (_, _, v2_commit, _)] = history(emulator)[:3]
    assert (v4_commit, v3_commit != v2_commit) == (v2_commit, True)
    assert modal.live(loaded)[0].rolled_back_from == v3_commit
    assert modal.rollback(loaded, flux, "v1", log.append).version == "v5"
    v5, v4 = history(emulator)[:2]
    assert (v5[0], v5[1], v4[0], v4[1]) == ("v5", "flux-v1.4.0", "v4", "flux-v1.5.0")
    with pytest.raises(FleetError, match="rollback version '3': Modal wants the form v3"):
        modal.rollback(loaded, flux, "3", log.append)
    assert modal.rollback(loaded, flux, "v9", log.append) == DeployResult(
        "ryla-flux", "failed", "v9", "Rollback version not found in App history."
    )
    stopped = modal.stop(loaded, flux, log.append)
    assert stopped == DeployResult("ryla-flux", "stopped", detail="stopped")
    assert modal.live(loaded) == [LiveApp("ryla-flux", "stopped")]


def test_a_label_taken_from_another_app_is_noted(
    modal: ModalTarget, emulator: Emulator, fleet: Repo, tmp_path: Path
) -> None:
    holder = tmp_path / "legacy.py"
    holder.write_text(
        "import modal\n\napp = modal.App('ryla-comfyui')\n\n\n"  # fleet: ignore[FL003]
        "@app.function()\n@modal.fastapi_endpoint(label='ryla-flux-comfyui-fastapi-app', "
        "requires_proxy_auth=True)\ndef web():\n    return {}\n"
    )
    # Read from the real CLI at widths that fold the URL, with both notes.
    held = emulator.modal("deploy", str(holder), cwd=tmp_path, columns=60)
    assert web_urls(held.stdout.splitlines()) == [
        WebUrl("web", FLUX_URL, proxy_auth=True, label_stolen=False)
    ]
    result, lines = deploy(modal, fleet, "back")
    assert (result.outcome, result.detail) == (
        "deployed",
        "tag back; took the label from another app",
    )
    assert f"│   └── ComfyUI.fastapi_app -> {FLUX_URL} (unauthenticated) (label stolen)" in lines
    for columns in (60, 80):  # 80: where rich wraps when there is no terminal
        printed = emulator.modal("deploy", "apps/flux/app.py", cwd=fleet.root, columns=columns)
        assert web_urls(printed.stdout.splitlines()) == [
            WebUrl("ComfyUI.fastapi_app", FLUX_URL, proxy_auth=False, label_stolen=False)
        ]


def test_preflight_names_every_missing_secret_and_volume(emulator: Emulator, fleet: Repo) -> None:
    emulator.ok("environment", "create", "bare")
    loaded = registry(fleet)
    with pytest.raises(FleetError) as refused:
        ModalTarget(fleet.root, "bare", emulator.as_user("ci")).preflight(
            loaded, [loaded.apps["flux"], loaded.apps["seedvr2"]]
        )
    assert [str(p) for p in refused.value.problems] == [
        f"{app}: {kind} {name!r} does not exist in Modal environment 'bare'"
        for kind, name in (("secret", "huggingface"), ("volume", "ryla-hf-cache"))
        for app in ("flux", "seedvr2")
    ]


def test_a_missing_token_and_an_unknown_environment_are_refused(
    emulator: Emulator, fleet: Repo
) -> None:
    loaded = registry(fleet)
    environ = emulator.as_user("ci")
    del environ["MODAL_TOKEN_ID"], environ["MODAL_TOKEN_SECRET"]
    environ["MODAL_CONFIG_PATH"] = str(emulator.folder / "no-such.toml")
    with pytest.raises(FleetError, match=r"^modal app list: Token missing\. Could not"):
        ModalTarget(fleet.root, "main", environ).live(loaded)
    with pytest.raises(FleetError) as unknown:
        ModalTarget(fleet.root, "nowhere", emulator.as_user("ci")).live(loaded)
    assert str(unknown.value) == "modal app list: Environment 'nowhere' not found"


def test_an_unreachable_server_is_said_at_once(fleet: Repo) -> None:
    environ = {
        "PATH": "/usr/bin:/bin",
        "MODAL_SERVER_URL": "http://127.0.0.1:9",
        "MODAL_TOKEN_ID": "ak-x",
        "MODAL_TOKEN_SECRET": "as-x",
    }
    modal = ModalTarget(fleet.root, "main", environ, executable=str(MODAL))
    with pytest.raises(FleetError) as refused:
        modal.live(registry(fleet))
    assert str(refused.value) == (
        "Modal's API at http://127.0.0.1:9 cannot be reached: Connection refused"
    )


def test_a_call_past_its_time_limit_is_stopped(modal: ModalTarget) -> None:
    # The CLI takes more than half a second to start: a tenth of one is always too short.
    lines: list[str] = []
    done = modal.cli.stream(["app", "list"], lines.append, timeout=0.1)
    assert (done.code, done.timed_out, lines) == (
        -1,
        True,
        ["modal app: no answer within 0.1 s; stopped"],
    )
    with pytest.raises(FleetError, match=r"^modal app list: no answer within 0.1 s$"):
        modal.cli.json(["app", "list"], timeout=0.1)


def test_a_missing_modal_cli_is_a_clear_error(fleet: Repo) -> None:
    with pytest.raises(FleetError, match="the modal CLI is not installed"):
        ModalTarget(fleet.root, "main", {"PATH": "/nonexistent"})


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


def test_output_that_is_not_utf8_is_read_not_a_crash(
    emulator: Emulator, fleet: Repo, tmp_path: Path
) -> None:
    # A stand-in for the modal executable, the last resort: no real CLI prints invalid UTF-8
    # on demand. It prints what a broken locale or a binary in a log line would.
    script = tmp_path / "modal"
    script.write_text(
        "#!/bin/sh\nprintf 'built \\377\\376 ok\\n'\nprintf 'Error: \\377\\n' >&2\nexit 1\n"
    )
    script.chmod(0o755)
    cli = ModalCli(fleet.root, emulator.as_user("ci"), executable=str(script))
    lines: list[str] = []
    done = cli.stream(["deploy"], lines.append, timeout=30)
    assert (done.code, lines) == (1, ["built \ufffd\ufffd ok", "Error: \ufffd"])
    with pytest.raises(FleetError) as refused:
        cli.json(["app", "list"])
    assert str(refused.value) == "modal app list: \ufffd"


PROBES = """\
import modal

app_a = modal.App("ryla-probe-a")
app_b = modal.App("ryla-probe-b")


@app_a.function(timeout=60)
def ping_a() -> str:
    return "a"


@app_b.function(timeout=60)
def ping_b() -> str:
    return "b"
"""


def test_one_of_several_apps_in_a_file_is_deployed_by_its_variable(
    modal: ModalTarget, emulator: Emulator, fleet: Repo
) -> None:
    text = (fleet.root / "registry/fleet.yaml").read_text()
    probes = "".join(
        f"  probe-{x}:\n    name: ryla-probe-{x}\n    dir: apps/probe\n"
        f"    entry: probes.py::app_{x}\n    functions:\n      ping_{x}: {{timeout_s: 60}}\n"
        for x in "ab"
    )
    fleet.commit(
        "probes",
        {
            "apps/probe/probes.py": PROBES,
            "registry/fleet.yaml": text.replace("\napps:\n", f"\napps:\n{probes}", 1),
        },
    )
    loaded = registry(fleet)
    head = fleet.git("rev-parse", "HEAD")
    result = modal.deploy(loaded, loaded.apps["probe-b"], commit=head, tag="b1", log=print)
    assert (result.app, result.outcome, result.version) == ("ryla-probe-b", "deployed", "v1")
    assert [v["tag"] for v in emulator.history("ryla-probe-b")] == ["b1"]
    assert [a.name for a in modal.live(loaded) if a.name.startswith("ryla-probe")] == [
        "ryla-probe-b"
    ]
    fleet.commit("registry", {"registry/fleet.yaml": text})
