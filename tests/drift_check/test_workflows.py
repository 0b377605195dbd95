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


def test_a_script_on_another_machine_is_not_the_repository_s(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        "# Upload remote/ to /root/remote/, then:\n"
        "#   chmod +x /root/remote/setup.sh && bash /root/remote/setup.sh\n"
        "bash ~/bin/tool.sh\n"
        "./remote/gone.sh\n"
    )
    root = make_repo(tmp_path, {"remote/setup.sh": script})
    found = [(f.code, f.line, f.message) for f in run(root).findings]
    assert found == [("FL007", 5, "remote/gone.sh: remote/gone.sh does not exist")]


def test_commands_run_where_a_shell_would_run_them(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "# Usage: ./scripts/ops/release.sh (from the repository root)\n"
        "cd apps/flux && modal deploy app.py\n"
        "cd ../seedvr2\n"
        "modal deploy app.py\n"
        "modal deploy gone.py\n"
        'cd "$(dirname "$0")"\n'
        "./helper.sh\n"
        "cd $WORKDIR && modal deploy anything.py\n"
    )
    doc = (
        "Deploy from the app's folder:\n\n"
        "```sh\ncd apps/flux\nmodal deploy app.py\n```\n\n"
        "```sh\nmodal deploy app.py\n```\n"
    )
    root = make_repo(
        tmp_path,
        {"scripts/ops/release.sh": script, "scripts/ops/helper.sh": "", "docs/deploy.md": doc},
    )
    # The guide's second block runs where its first took the reader: apps/flux.
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        (
            "FL007",
            "scripts/ops/release.sh",
            6,
            "modal deploy gone.py: apps/seedvr2/gone.py does not exist",
        ),
    ]


def test_a_deploy_loop_over_files_is_expanded(tmp_path: Path) -> None:
    script = (
        "for f in apps/*/app.py; do\n"
        '  modal deploy "$f"\n'
        "done\n"
        "for app in flux seedvr2 old; do modal deploy apps/${app}/app.py; done\n"
    )
    root = make_repo(tmp_path, {"scripts/all.sh": script, "apps/old/app.py": "import modal\n"})
    assert [(f.line, f.message) for f in run(root).findings] == [
        (2, "modal deploy $f in a loop deploys apps/old/app.py, which is no registry app"),
        (
            4,
            "modal deploy apps/${app}/app.py in a loop deploys apps/old/app.py, which is no "
            "registry app",
        ),
    ]


def test_a_step_s_heredoc_subshell_and_modal_run(tmp_path: Path) -> None:
    workflow = (
        "name: Dev\n"
        "on: push\n"
        "jobs:\n"
        "  dev:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: |\n"
        "          cat <<EOF >> $GITHUB_STEP_SUMMARY\n"
        "          modal deploy summary_only.py\n"
        "          EOF\n"
        '          FLUX="$(cd apps/flux && pwd)"\n'
        "          modal run apps/flux/app.py\n"
        "          modal serve src.app\n"
        "          modal run smoke/gone.py::main\n"
    )
    root = make_repo(
        tmp_path, {".github/workflows/dev.yml": workflow, "src/app.py": "import modal\n"}
    )
    found = [(f.line, f.col, f.message) for f in run(root).findings]
    assert found == [
        (13, 23, "modal serve src.app: a module path needs -m (modal serve -m src.app)"),
        (14, 21, "modal run smoke/gone.py::main: smoke/gone.py does not exist"),
    ]
