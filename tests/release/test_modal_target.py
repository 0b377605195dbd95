"""The Modal target running the real `modal` CLI (the pinned client) against `fleet emulate`.

Each test has an emulator of its own and a copy of this repository's fleet in git.
"""

from __future__ import annotations

import json
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
from tools.release.targets.modal_output import WebUrl, web_urls

pytestmark = pytest.mark.slow

FLUX_URL = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"
FAILING_BUILD = '.env({"HF_HOME": deploy.HF_HOME})'


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    """Seeded: the registry's environments, each with the apps' secret and volume."""
    yield from running_emulator(tmp_path / "emulator", "--seed")


@pytest.fixture
def bare_emulator(tmp_path: Path) -> Iterator[Emulator]:
    yield from running_emulator(tmp_path / "bare")


@pytest.fixture
def fleet(tmp_path: Path) -> Repo:
    (tmp_path / "fleet").mkdir()
    return fleet_copy(tmp_path / "fleet")


def target(emulator: Emulator, fleet: Repo, env: str = "main", **extra: str) -> ModalTarget:
    return ModalTarget(fleet.root, env, {**emulator.as_user("ci"), **extra})


def registry(fleet: Repo) -> Registry:
    return load_registry(fleet.root / "registry" / "fleet.yaml")


def deploy(
    modal: ModalTarget, fleet: Repo, app: str = "flux", tag: str = "t1", commit: str = ""
) -> tuple[DeployResult, list[str]]:
    lines: list[str] = []
    loaded = registry(fleet)
    result = modal.deploy(
        loaded,
        loaded.apps[app],
        commit=commit or fleet.git("rev-parse", "HEAD"),
        tag=tag,
        log=lines.append,
    )
    return result, lines


def history(emulator: Emulator, app: str = "ryla-flux") -> list[tuple[str, str, str, str]]:
    rows = json.loads(emulator.ok("app", "history", app, "--json"))
    return [(r["version"], r.get("tag", ""), r["commit"], r["deployed_by"]) for r in rows]


def test_deploy_new_unchanged_and_changed(emulator: Emulator, fleet: Repo) -> None:
    modal = target(emulator, fleet)
    first, lines = deploy(modal, fleet, tag="flux-v1.4.0")
    assert first == DeployResult(
        "ryla-flux",
        "deployed",
        "v1",
        "tag flux-v1.4.0",
        {"ComfyUI.fastapi_app": FLUX_URL},
    )
    assert f"│   └── ComfyUI.fastapi_app -> {FLUX_URL} (unauthenticated)" in lines
    assert not any("as-emulator-ci" in line for line in lines)
    again, _ = deploy(modal, fleet, tag="flux-v1.4.0-again")
    assert (again.outcome, again.version, again.detail) == ("unchanged", "v1", "no changes")
    head = fleet.commit(
        "flux: a longer timeout",
        {"apps/flux/app.py": fleet.root.joinpath("apps/flux/app.py").read_text() + "\n# v2\n"},
    )
    second, _ = deploy(modal, fleet, tag="flux-v1.5.0")
    assert (second.outcome, second.version) == ("deployed", "v2")
    assert history(emulator)[0] == ("v2", "flux-v1.5.0", head[:7], "ci")


def test_a_commit_other_than_the_checkout_deploys_from_a_clean_worktree(
    emulator: Emulator, fleet: Repo
) -> None:
    wanted = fleet.git("rev-parse", "HEAD")
    fleet.commit("later", {"apps/flux/README.md": "later\n"})
    (fleet.root / "apps/flux/app.py").write_text("uncommitted, and not Python")
    result, lines = deploy(target(emulator, fleet), fleet, commit=wanted)
    assert (result.outcome, result.version) == ("deployed", "v1")
    assert lines[0] == (
        f"deploying {wanted[:12]} from a worktree: the checkout is not that commit, clean"
    )
    assert history(emulator) == [("v1", "t1", wanted[:7], "ci")]
    assert len(fleet.git("worktree", "list").splitlines()) == 1


def test_an_environment_web_suffix_is_in_the_url(emulator: Emulator, fleet: Repo) -> None:
    result, _ = deploy(target(emulator, fleet, env="staging"), fleet)
    assert result.urls == {
        "ComfyUI.fastapi_app": "https://ryla-staging--ryla-flux-comfyui-fastapi-app.modal.run"
    }


def test_a_label_taken_from_another_app_is_a_deploy_with_a_note(
    emulator: Emulator, fleet: Repo, tmp_path: Path
) -> None:
    holder = tmp_path / "legacy.py"
    holder.write_text(
        "import modal\n\napp = modal.App('ryla-comfyui')\n\n\n"  # fleet: ignore[FL003]
        "@app.function()\n@modal.fastapi_endpoint(label='ryla-flux-comfyui-fastapi-app')\n"
        "def web():\n    return {}\n"
    )
    emulator.ok("deploy", str(holder), cwd=tmp_path)
    result, lines = deploy(target(emulator, fleet), fleet)
    assert (result.outcome, result.detail) == (
        "deployed",
        "tag t1; took the label from another app",
    )
    assert f"│   └── ComfyUI.fastapi_app -> {FLUX_URL} (unauthenticated) (label stolen)" in lines


def test_a_deploy_modal_serves_otherwise_than_the_registry_says_fails(
    emulator: Emulator, fleet: Repo
) -> None:
    flux_web = "web: {class: ComfyUI, method: fastapi_app}"
    cases = [
        (
            "web: {class: ComfyUI, method: fastapi_app, label: flux}",
            f"Modal assigned {FLUX_URL} to ComfyUI.fastapi_app; "
            "the registry says https://ryla--flux.modal.run",  # fleet: ignore[FL004]
        ),
        (
            "web: {class: ComfyUI, method: fastapi_app, requires_proxy_auth: true}",
            "Modal serves ComfyUI.fastapi_app without proxy auth; the registry says "
            "requires_proxy_auth: true",
        ),
        (
            "web: {class: Flux, method: fastapi_app}",
            "Modal printed no URL for Flux.fastapi_app; the registry says "
            "https://ryla--ryla-flux-flux-fastapi-app.modal.run",  # fleet: ignore[FL004]
        ),
    ]
    text = (fleet.root / "registry/fleet.yaml").read_text()
    assert text.index(flux_web) < text.index("\n  instantid:")  # the first is flux's
    modal = target(emulator, fleet)
    for written, detail in cases:
        fleet.commit("registry", {"registry/fleet.yaml": text.replace(flux_web, written, 1)})
        result, _ = deploy(modal, fleet)
        assert (result.outcome, result.detail) == ("failed", detail)


def test_a_build_error_fails_and_leaves_the_live_version(emulator: Emulator, fleet: Repo) -> None:
    modal = target(emulator, fleet)
    deploy(modal, fleet)
    source = (fleet.root / "apps/flux/app.py").read_text()
    assert FAILING_BUILD in source
    fleet.commit(
        "flux: a broken image",
        {
            "apps/flux/app.py": source.replace(
                FAILING_BUILD, f'{FAILING_BUILD}.run_commands("false")'
            )
        },
    )
    result, _ = deploy(modal, fleet, tag="t2")
    assert result.outcome == "failed"
    assert result.detail.startswith("Image build for im-")
    assert result.detail.endswith(
        "failed with the exception: RUN false: the command returned a non-zero code"
    )
    assert [row[0] for row in history(emulator)] == ["v1"]


def test_preflight_names_every_missing_secret_and_volume(
    bare_emulator: Emulator, fleet: Repo
) -> None:
    emulator = bare_emulator
    emulator.ok("volume", "create", "ryla-hf-cache")
    loaded = registry(fleet)
    apps = [loaded.apps["flux"], loaded.apps["seedvr2"]]
    with pytest.raises(FleetError) as refused:
        target(emulator, fleet).preflight(loaded, apps)
    assert [str(p) for p in refused.value.problems] == [
        "flux: secret 'huggingface' does not exist in Modal environment 'main'",
        "seedvr2: secret 'huggingface' does not exist in Modal environment 'main'",
    ]
    assert emulator.ok("app", "list", "--json").strip() == "[]"


def test_preflight_refuses_a_missing_token_and_an_unknown_environment(
    bare_emulator: Emulator, fleet: Repo
) -> None:
    emulator = bare_emulator
    loaded = registry(fleet)
    environ = emulator.as_user("ci")
    del environ["MODAL_TOKEN_ID"], environ["MODAL_TOKEN_SECRET"]
    environ["MODAL_CONFIG_PATH"] = str(emulator.folder / "no-such.toml")
    with pytest.raises(
        FleetError, match=r"^modal secret list: Token missing\. Could not authenticate client\."
    ):
        ModalTarget(fleet.root, "main", environ).preflight(loaded, [loaded.apps["flux"]])
    with pytest.raises(FleetError) as unknown:
        target(emulator, fleet, env="staging").preflight(loaded, [loaded.apps["flux"]])
    assert str(unknown.value) == "modal secret list: Environment 'staging' not found"


def test_an_unreachable_server_is_said_at_once(fleet: Repo, tmp_path: Path) -> None:
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


def test_live_state_rollback_and_stop(emulator: Emulator, fleet: Repo, tmp_path: Path) -> None:
    modal = target(emulator, fleet, FORCE_COLOR="1")  # no colour reaches the JSON
    loaded = registry(fleet)
    flux = loaded.apps["flux"]
    first = fleet.git("rev-parse", "HEAD")
    deploy(modal, fleet, tag="first")
    source = (fleet.root / "apps/flux/app.py").read_text()
    second = fleet.commit("flux: v2", {"apps/flux/app.py": source + "\n# v2\n"})
    deploy(modal, fleet, tag="second")
    emulator.ok("deploy", str(scratch_app(tmp_path)), cwd=tmp_path, user="alice")
    assert modal.live(loaded) == [
        LiveApp("ryla-flux", "deployed", "v2", "second", second[:7], "ci"),
        LiveApp("scratch", "deployed", "v1", None, None, "alice"),
    ]
    log: list[str] = []
    assert modal.rollback(loaded, flux, None, log.append) == DeployResult(
        "ryla-flux", "deployed", "v3", "rolled back to the previous version"
    )
    assert modal.rollback(loaded, flux, "v2", log.append).version == "v4"
    assert history(emulator)[:2] == [
        ("v4", "second", second[:7], "ci"),
        ("v3", "first", first[:7], "ci"),
    ]
    with pytest.raises(FleetError, match="rollback version '3': Modal wants the form v3"):
        modal.rollback(loaded, flux, "3", log.append)
    assert modal.rollback(loaded, flux, "v9", log.append) == DeployResult(
        "ryla-flux", "failed", "v9", "Rollback version not found in App history."
    )
    assert modal.stop(loaded, flux, log.append) == DeployResult(
        "ryla-flux", "stopped", detail="stopped"
    )
    assert modal.live(loaded)[0] == LiveApp("ryla-flux", "stopped")


def scratch_app(root: Path) -> Path:
    """A Modal app the registry does not know, outside any git repository."""
    path = root / "scratch.py"
    path.write_text(
        "import modal\n\napp = modal.App('scratch')\n\n\n"
        "@app.function()\n@modal.fastapi_endpoint()\ndef web():\n    return {}\n"
    )
    return path


def test_the_tree_is_read_however_it_wraps(emulator: Emulator, fleet: Repo, tmp_path: Path) -> None:
    keyed = tmp_path / "keyed.py"
    keyed.write_text(
        "import modal\n\napp = modal.App('keyed')\n\n\n"
        "@app.function()\n@modal.fastapi_endpoint(requires_proxy_auth=True, "
        "label='ryla-flux-comfyui-fastapi-app')\ndef web():\n    return {}\n"
    )
    # A deploy without changes prints the tree too; from the second round on, each of the
    # two apps takes the label back from the other.
    for columns in (60, 80):  # 80: what rich wraps at with no terminal
        printed = emulator.modal("deploy", "apps/flux/app.py", cwd=fleet.root, columns=columns)
        stolen = emulator.modal("deploy", str(keyed), cwd=tmp_path, columns=columns)
        assert (printed.returncode, stolen.returncode) == (0, 0), printed.stderr + stolen.stderr
        assert web_urls(printed.stdout.splitlines()) == [
            WebUrl("ComfyUI.fastapi_app", FLUX_URL, proxy_auth=False, label_stolen=columns > 60)
        ]
        assert web_urls(stolen.stdout.splitlines()) == [
            WebUrl("web", FLUX_URL, proxy_auth=True, label_stolen=True)
        ]


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
