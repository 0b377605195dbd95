"""FL007: deploy commands in workflows and shell scripts must name registry app files."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import DRIFT, make_repo, run


def test_workflow_deploy_steps(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path, {".github/workflows/deploy-modal.yml": DRIFT / "FL007" / "deploy-modal.yml"}
    )
    found = [(f.line, f.col, f.message) for f in run(root).findings]
    assert found == [
        (
            17,
            24,
            "modal deploy comfyui_z_image_turbo_v2.py: apps/comfyui_z_image_turbo_v2.py "
            "does not exist",
        ),
        (
            18,
            30,
            "modal deploy apps.flux.service: apps/flux/service.py is not the entry file of "
            "a registry app",
        ),
        (20, 14, "scripts/deploy-all.sh: apps/scripts/deploy-all.sh does not exist"),
    ]


def test_shell_script_paths_resolve_from_the_script(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"scripts/deploy.sh": DRIFT / "FL007" / "deploy.sh"})
    found = [(f.code, f.line, f.col, f.message) for f in run(root).findings]
    assert found == [
        (
            "FL007",
            5,
            23,
            "modal deploy ../apps/flux/missing.py: apps/flux/missing.py does not exist",
        ),
    ]
