"""FL007 and FL008 read shell as a shell runs it: heredocs are text, a subshell's `cd` stays
in the subshell, and `modal run`/`modal serve` import their target as `modal deploy` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.adversarial import budget
from tests.drift_check.conftest import DRIFT, make_repo, run
from tools.drift_check.extract.commands import (
    MODAL_CLI,
    Folders,
    deploy_commands,
    shell_text,
    unknown_cli_calls,
)


def real_modal(home: Path, cwd: Path, *words: str) -> tuple[int, str]:
    """The installed `modal` CLI run with `words` in `cwd`, with no token (HOME is `home`, no
    ~/.modal.toml): its exit status and what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODAL_")}
    env["HOME"] = str(home)
    modal = Path(sys.executable).parent / "modal"
    done = subprocess.run(
        [str(modal), *words],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def found(root: Path) -> list[tuple[str, str, int, str]]:
    return [(f.code, f.path, f.line, f.message) for f in run(root).findings]


def test_a_heredoc_s_body_is_text_not_commands(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        "usage() {\n"
        "  cat <<EOF\n"
        "Usage: $0 [stack]\n"
        "  cd elsewhere && modal deploy usage.py\n"
        "EOF\n"
        "}\n"
        "cat <<-'END' > notes.txt\n"
        "\tmodal run notes.py\n"
        "\tEND\n"
        "modal deploy after.py\n"
        "bash <<EOF\n"
        "modal deploy fed_to_bash.py\n"
        "EOF\n"
    )
    doc = (
        "```sh\ncat > run.sh <<'EOF'\nmodal serve ops/quoted.py\nEOF\n"
        "modal serve ops/shown.py\n```\n"
    )
    root = make_repo(tmp_path, {"ops/release.sh": script, "docs/ops.md": doc})
    assert found(root) == [
        ("FL008", "docs/ops.md", 5, "`modal serve ops/shown.py`: ops/shown.py does not exist"),
        ("FL007", "ops/release.sh", 11, "modal deploy after.py: ops/after.py does not exist"),
        (
            "FL007",
            "ops/release.sh",
            13,
            "modal deploy fed_to_bash.py: ops/fed_to_bash.py does not exist",
        ),
    ]


def test_a_shift_or_a_heredoc_that_never_ends_hides_nothing() -> None:
    text = "x=$((1 << 2))\nstd::cout << value;\nmodal deploy gone.py\n"
    assert shell_text(text) == text
    fenced = "```sh\ncat <<EOF\n```\nmodal deploy gone.py\n```\nEOF\n```\n"
    assert shell_text(fenced, markdown=True) == fenced
    two = "cat <<A <<'B'\nfirst\nA\nsecond\nB\nlast\n"
    assert shell_text(two) == "cat <<A <<'B'\n     \n \n      \n \nlast\n"
    piped = "cat <<EOF | bash -e\nmodal deploy x.py\nEOF\n"
    assert shell_text(piped) == piped


def test_a_cd_in_a_subshell_moves_only_the_subshell(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        'ROOT_DIR="$(cd "$(dirname "$0")/.." && pwd)"\n'
        "(cd ../apps/flux && modal deploy app.py)\n"
        "DIR=`cd ../apps && pwd`\n"
        "modal deploy gone.py\n"
        "(cd ../apps/flux; modal deploy gone.py)\n"
    )
    root = make_repo(tmp_path, {"scripts/dev.sh": script})
    assert found(root) == [
        ("FL007", "scripts/dev.sh", 5, "modal deploy gone.py: scripts/gone.py does not exist"),
        ("FL007", "scripts/dev.sh", 6, "modal deploy gone.py: apps/flux/gone.py does not exist"),
    ]


def test_a_cd_relative_to_the_script_s_folder(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        'cd "$(dirname "$0")/.."\n'
        "bash scripts/dev.sh stack\n"
        "modal deploy apps/flux/gone.py\n"
        'cd "$(dirname "${BASH_SOURCE[0]}")"/../apps/seedvr2\n'
        "modal deploy app.py\n"
        "cd $(dirname $0)\n"
        "./helper.sh\n"
    )
    root = make_repo(tmp_path, {"scripts/dev.sh": script, "scripts/helper.sh": ""})
    assert found(root) == [
        (
            "FL007",
            "scripts/dev.sh",
            4,
            "modal deploy apps/flux/gone.py: apps/flux/gone.py does not exist",
        ),
    ]


def test_a_cd_to_a_variable_the_script_set_to_a_folder_of_its_own(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"\n'
        'ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"\n'
        'cd "$ROOT"\n'
        "modal deploy apps/flux/app.py\n"
        "modal deploy apps/flux/gone.py\n"
        "cd ${SCRIPT_DIR}\n"
        "./helper.sh\n"
        "./gone.sh\n"
        'if [ -n "$CI" ]; then\n  WORK="$ROOT"\nelse\n  WORK=/tmp/work\nfi\n'
        'cd "$WORK"\n'
        "modal deploy gone.py\n"
    )
    root = make_repo(tmp_path, {"scripts/dev.sh": script, "scripts/helper.sh": ""})
    assert found(root) == [
        (
            "FL007",
            "scripts/dev.sh",
            6,
            "modal deploy apps/flux/gone.py: apps/flux/gone.py does not exist",
        ),
        ("FL007", "scripts/dev.sh", 9, "gone.sh: scripts/gone.sh does not exist"),
    ]


def test_after_a_cd_to_an_absolute_or_a_windows_path_nothing_is_checked(tmp_path: Path) -> None:
    script = (
        "cd C:\\Users\\me\\proj\\qwen3_tts\n"
        "modal deploy app.py\n"
        "cd D:/proj && modal deploy app.py\n"
        "cd /srv/app && modal deploy app.py\n"
    )
    doc = (
        "```powershell\ncd C:\\Users\\me\\proj\\qwen3_tts\nmodal deploy app.py\n```\n\n"
        "```sh\nmodal deploy app.py\n```\n"
    )
    root = make_repo(tmp_path, {"deploy.sh": script, "docs/windows.md": doc})
    assert found(root) == [
        ("FL008", "docs/windows.md", 7, "`modal deploy app.py`: app.py does not exist"),
    ]


def test_an_inline_cd_moves_its_paragraph(tmp_path: Path) -> None:
    doc = (
        "Run `cd apps/flux && modal deploy app.py`, or `cd apps/flux && modal deploy gone.py`.\n"
        "First `cd apps/seedvr2`, then `modal deploy app.py`.\n"
        "\n"
        "```sh\n"
        "cd apps/flux && modal deploy app.py\n"
        "$ cd ../seedvr2\n"
        "$ modal deploy gone.py\n"
        "```\n"
        "\n"
        "Then `modal deploy app.py`.\n"
    )
    # a file of that name here too: the command would be read as this repository's
    files = {"docs/deploy.md": doc, "tools/deploy_groq.py": "print()\n"}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "docs/deploy.md",
            1,
            "`modal deploy gone.py`: apps/flux/gone.py does not exist",
        ),
        (
            "FL008",
            "docs/deploy.md",
            7,
            "`modal deploy gone.py`: apps/seedvr2/gone.py does not exist",
        ),
        ("FL008", "docs/deploy.md", 10, "`modal deploy app.py`: app.py does not exist"),
    ]


APP = 'import modal\n\napp = modal.App("x")\n'


def test_modal_run_and_serve_targets_are_checked(tmp_path: Path) -> None:
    script = (
        "modal run missing.py\n"
        "modal run once.py\n"
        "modal serve apps/modal/app.py\n"
        "modal run --detach apps/flux/app.py --n 3\n"
        "modal serve --timeout 600 \\\n"
        "  apps/flux/gone.py\n"
        "modal run -m src.app\n"
        "modal serve -m src.gone\n"
        "modal serve for hot reload\n"
    )
    root = make_repo(
        tmp_path,
        {
            "ops.sh": script,
            "once.py": APP,
            "apps/modal/app.py": APP.replace('"x"', '"ryla-comfyui"'),
        },
    )
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(APP)
    assert [f for f in found(root) if f[1] == "ops.sh"] == [
        ("FL007", "ops.sh", 1, "modal run missing.py: missing.py does not exist"),
        (
            "FL003",
            "ops.sh",
            3,
            "deleted deploy file 'apps/modal/app.py': split into per-model apps",
        ),
        (
            "FL007",
            "ops.sh",
            3,
            "modal serve apps/modal/app.py: apps/modal/app.py is retired (split into per-model "
            "apps)",
        ),
        ("FL007", "ops.sh", 6, "modal serve apps/flux/gone.py: apps/flux/gone.py does not exist"),
        ("FL007", "ops.sh", 8, "modal serve src.gone: src/gone.py does not exist"),
    ]


def test_a_module_path_needs_dash_m(tmp_path: Path) -> None:
    script = (
        "modal deploy src.app\n"
        "modal serve src.app\n"
        "modal run backend.database::MongoClient.ping\n"
        "modal deploy src.gone\n"
        "modal deploy -m src.app\n"
        "modal deploy -m pkg.mod\n"
        "modal deploy -m apps.flux.app::app\n"
    )
    # `legacy`'s App is a stub: written for a Modal before 1.0, which took module paths.
    doc = "Serve it with `modal serve src.app`, or `modal serve legacy.api`.\n"
    root = make_repo(
        tmp_path,
        {
            "ops.sh": script,
            "docs/dev.md": doc,
            "legacy/api.py": "from .common import stub\n",
            "src/app.py": "import modal\n",
            "backend/database.py": "import modal\n",
            "pkg/mod/__init__.py": "import modal\n",
        },
    )
    assert found(root) == [
        (
            "FL008",
            "docs/dev.md",
            1,
            "`modal serve src.app`: a module path needs -m (modal serve -m src.app)",
        ),
        (
            "FL007",
            "ops.sh",
            1,
            "modal deploy src.app: a module path needs -m (modal deploy -m src.app)",
        ),
        (
            "FL007",
            "ops.sh",
            2,
            "modal serve src.app: a module path needs -m (modal serve -m src.app)",
        ),
        (
            "FL007",
            "ops.sh",
            3,
            "modal run backend.database::MongoClient.ping: a module path needs -m "
            "(modal run -m backend.database::MongoClient.ping)",
        ),
        ("FL007", "ops.sh", 4, "modal deploy src.gone: src.gone does not exist"),
        (
            "FL007",
            "ops.sh",
            5,
            "modal deploy src.app: src/app.py is not the entry file of a registry app",
        ),
        (
            "FL007",
            "ops.sh",
            6,
            "modal deploy pkg.mod: pkg/mod/__init__.py is not the entry file of a registry app",
        ),
    ]


def test_an_object_after_the_file_is_read_past(tmp_path: Path) -> None:
    script = (
        "modal deploy apps/flux/app.py::app\n"
        "modal run apps/flux/gone.py::main\n"
        "modal deploy 'apps/seedvr2/app.py::app' --env staging\n"
        "modal run apps/flux/app.py::ComfyUI.load\n"
        "modal deploy apps/flux/app.py::web\n"
    )
    root = make_repo(tmp_path, {"ops.sh": script})
    assert found(root) == [
        (
            "FL007",
            "ops.sh",
            2,
            "modal run apps/flux/gone.py::main: apps/flux/gone.py does not exist",
        ),
        (
            "FL007",
            "ops.sh",
            5,
            "modal deploy apps/flux/app.py::web: apps/flux/app.py defines no 'web'",
        ),
    ]


def test_folders_of_each_command() -> None:
    text = shell_text(
        "cd apps; (cd flux; modal deploy one.py); modal deploy two.py\n"
        'cd "$(dirname "$(realpath "$0")")/../lib"\n'
        "modal deploy three.py\n"
        'cd "$(dirname "$CONFIG")"\n'
        "modal deploy four.py\n"
    )
    folders = Folders(text, ["scripts/ops", ""], "scripts/ops")
    assert [(c.target, folders.at(c.offset)) for c in deploy_commands(text)] == [
        ("one.py", ["scripts/ops/apps/flux", "apps/flux"]),
        ("two.py", ["scripts/ops/apps", "apps"]),
        ("three.py", ["scripts/lib"]),
        ("four.py", None),
    ]


LONG = {
    "a cd and a deploy a line": "cd a && modal deploy x.py\n" * 5_000,
    "a subshell a line": "(cd a && modal deploy x.py)\n" * 5_000,
    "nested subshells": "(cd a; " * 20_000 + "modal deploy x.py" + ")" * 20_000,
    "heredoc operators on one line": "cat <<A " * 20_000 + "\nA\nmodal deploy x.py\n",
    "heredocs never closed": "cat <<EOF\nmodal deploy x.py\n" * 5_000,
    "inline cds in one paragraph": "`cd a` `modal deploy x.py` " * 5_000,
    "folder variables a line": 'A="$(cd "$(dirname "$0")/.." && pwd)"\ncd "$A"\n' * 5_000,
    "one assignment of open substitutions": "A=" + "$(" * 50_000 + "\ncd $A\n",
}


def test_long_shell_is_read_in_bounded_time() -> None:
    # Each `cd` once moved every later command again: 2,000 lines of `cd a` took 27 s.
    for markdown in (False, True):
        for text in LONG.values():
            with budget(2.0):
                shell = shell_text(text, markdown=markdown)
                folders = Folders(shell, ["", "docs"], "docs", markdown=markdown)
                for command in deploy_commands(shell):
                    folders.at(command.offset)


def test_a_deploy_of_a_file_that_defines_a_retired_app_brings_it_back(tmp_path: Path) -> None:
    # The code is kept (its folder is shared), the app is stopped: deploying it is drift.
    files = {
        "services/comfy.py": 'import modal\n\napp = modal.App("ryla-comfyui")\n',
        "docs/deploy.md": "```bash\nmodal deploy services/comfy.py\n```\n",
    }
    found = [(f.code, f.path, f.line, f.message) for f in run(make_repo(tmp_path, files)).findings]
    assert [f for f in found if f[1] == "docs/deploy.md"] == [
        (
            "FL008",
            "docs/deploy.md",
            2,
            "`modal deploy services/comfy.py`: services/comfy.py is retired (it deploys the "
            "retired app 'ryla-comfyui': split into per-model apps)",
        )
    ]


def test_a_python_file_s_docstrings_and_header_comments_are_its_docs(tmp_path: Path) -> None:
    module = (
        '"""The flux worker.\n\nDeploy: modal deploy apps/flux/app.py::web\n"""\n'
        "# or: modal run apps/flux/gone.py\n"
        'COMMAND = "modal deploy apps/flux/gone.py"  # code: what it runs is not a doc\n'
        "def main():\n"
        "    # an example below the header of a module that is no app: `modal run x.py`\n"
        "    pass\n"
        "def check():\n"
        '    """Run with: modal run apps/flux/worker.py::check"""\n'
    )
    job = (  # a Modal app file's comments and docstrings all tell how to run it
        'import modal\napp = modal.App("ryla-job")\n'
        "@app.local_entrypoint()\n"
        "def main():\n"
        '    """Run it with `modal run apps/job/main.py`."""\n'
        "    # then: modal serve apps/job/also.py\n"
        '    return "# modal run apps/job/quoted.py"  # a string, not a comment\n'
        "# Or with:\n#   python apps/job/run.py\n"  # its own file, which has no __main__ block
    )
    itself = '"""A one-off app.\n\nDeploy: modal deploy tools/oneoff.py\n"""\n'
    files = {"apps/flux/worker.py": module, "tools/oneoff.py": itself, "apps/job/run.py": job}
    found = [(f.code, f.path, f.line, f.message) for f in run(make_repo(tmp_path, files)).findings]
    assert [f for f in found if f[0] == "FL008"] == [
        (
            "FL008",
            "apps/flux/worker.py",
            3,
            "`modal deploy apps/flux/app.py::web`: apps/flux/app.py defines no 'web'",
        ),
        (
            "FL008",
            "apps/flux/worker.py",
            5,
            "`modal run apps/flux/gone.py`: apps/flux/gone.py does not exist",
        ),
        (  # a function's docstring tells how to run it, wherever it is
            "FL008",
            "apps/flux/worker.py",
            11,
            "`modal run apps/flux/worker.py::check`: apps/flux/worker.py defines no Modal App",
        ),
        (
            "FL008",
            "apps/job/run.py",
            5,
            "`modal run apps/job/main.py`: apps/job/main.py does not exist",
        ),
        (
            "FL008",
            "apps/job/run.py",
            6,
            "`modal serve apps/job/also.py`: apps/job/also.py does not exist",
        ),
        (
            "FL008",
            "apps/job/run.py",
            9,
            "`python apps/job/run.py`: apps/job/run.py is a Modal app with no `__main__` "
            "block; python runs nothing of it",
        ),
    ]


ENRICH = (
    "import argparse\n"
    "import modal\n"
    'app = modal.App("job")\n'
    "@app.function(timeout=60)\n"
    "def enrich(client_id: str, dry_run: bool = False): ...\n"
    "@app.local_entrypoint()\n"
    "def main():\n"
    "    args = argparse.ArgumentParser().parse_args()  # modal run never passes them\n"
)
BATCH = 'import modal\napp = modal.App("batch")\n@app.function()\ndef go(n: int = 1): ...\n'
RUNS = (
    "modal run jobs/enrich.py --client acme\n"
    "modal run jobs/enrich.py::enrich --client-id acme --no-dry-run\n"
    "modal run jobs/enrich.py::enrich --dry-run --n=3  # one wrong\n"
    "modal run jobs/enrich.py --help\n"
    "modal run --detach jobs/batch.py --n 3; modal run jobs/batch.py --steps 3\n"
)


def test_modal_run_s_options_are_the_parameters_of_what_it_runs(tmp_path: Path) -> None:
    job, batch, script = ENRICH, BATCH, RUNS
    files = {"jobs/enrich.py": job, "jobs/batch.py": batch, "ops.sh": script}
    assert found(make_repo(tmp_path, files)) == [
        ("FL007", "ops.sh", 1, "modal run jobs/enrich.py: main() takes no --client (no options)"),
        (
            "FL007",
            "ops.sh",
            3,
            "modal run jobs/enrich.py::enrich: enrich() takes no --n (--client-id, --dry-run, "
            "--no-dry-run)",
        ),
        ("FL007", "ops.sh", 5, "modal run jobs/batch.py: go() takes no --steps (--n)"),
    ]


def test_an_option_past_what_is_read_of_a_long_command_is_not_judged(tmp_path: Path) -> None:
    # The first 512 characters after the target end in `--d`, the start of `--dry-run`.
    value = "a" * (512 - len(" --client-id ") - len(" --d"))
    script = f"modal run jobs/enrich.py::enrich --client-id {value} --dry-run --n 3\n"
    files = {"jobs/enrich.py": ENRICH, "ops.sh": script}
    assert found(make_repo(tmp_path, files)) == []


@pytest.mark.slow
def test_the_real_modal_cli_refuses_the_options_fleet_reports(tmp_path: Path) -> None:
    # The real `modal` CLI parses `modal run`'s options before it needs a token: each
    # command FL007 reports is refused there ("No such option"), and each it accepts gets
    # past the options to the missing token.
    files = {"jobs/enrich.py": ENRICH, "jobs/batch.py": BATCH, "ops.sh": RUNS}
    root = make_repo(tmp_path / "repo", files)
    reported = {line for code, _, line, _ in found(root) if code == "FL007"}
    said, refused = {}, set()
    for number, line in enumerate(RUNS.splitlines(), start=1):
        for command in line.split("#", 1)[0].split(";"):
            words = command.split()[2:]  # after `modal run`
            output = real_modal(tmp_path, root, "run", *words)[1]
            marks = ("No such option", "Token missing", "Usage:")
            said[" ".join(words)] = next((m for m in marks if m in output), output[-200:])
            if "No such option" in output:
                refused.add(number)
    assert said == {
        "jobs/enrich.py --client acme": "No such option",
        "jobs/enrich.py::enrich --client-id acme --no-dry-run": "Token missing",
        "jobs/enrich.py::enrich --dry-run --n=3": "No such option",
        "jobs/enrich.py --help": "Usage:",
        "--detach jobs/batch.py --n 3": "Token missing",
        "jobs/batch.py --steps 3": "No such option",
    }
    assert refused == reported == {1, 3, 5}


def test_what_modal_run_names_must_be_a_modal_app_or_function(tmp_path: Path) -> None:
    image = "import modal\n\nimage = modal.Image.debian_slim()\n\n\ndef test_image():\n    pass\n"
    job = APP + "\n\n@app.function()\ndef work(): ...\n\n\ndef helper(): ...\n"
    imported = "from .common import app\n\n\ndef plain(): ...\n"  # its App may be imported
    # Names from a module that builds Modal objects, or from a library: which may be an App
    helpers = "from jobs.job import work\n"
    library = "import os\nfrom pathlib import Path\n\nprint(Path(os.getcwd()))\n"
    script = (
        "modal run infra/image.py::test_image\n"
        "modal run jobs/job.py::work\n"
        "modal run jobs/job.py::helper\n"
        "modal run jobs/job.py::app\n"
        "modal deploy jobs/other.py\n"
        "modal run jobs/helpers.py\n"
        "modal run jobs/download.py\n"
    )
    files = {
        "infra/image.py": image,
        "jobs/job.py": job,
        "jobs/other.py": imported,
        "jobs/helpers.py": helpers,
        "jobs/download.py": library,
        "ops.sh": script,
    }
    assert [f for f in found(make_repo(tmp_path, files)) if f[1] == "ops.sh"] == [
        (
            "FL007",
            "ops.sh",
            1,
            "modal run infra/image.py::test_image: infra/image.py defines no Modal App",
        ),
        (
            "FL007",
            "ops.sh",
            3,
            "modal run jobs/job.py::helper: jobs/job.py defines 'helper', but not as a Modal "
            "App, function or class",
        ),
        (
            "FL007",
            "ops.sh",
            5,
            "modal deploy jobs/other.py: jobs/other.py is not the entry file of a registry app",
        ),
        ("FL007", "ops.sh", 7, "modal run jobs/download.py: jobs/download.py defines no Modal App"),
    ]


def test_a_document_s_line_that_starts_with_cd_may_be_run_alone(tmp_path: Path) -> None:
    block = (
        "cd apps/flux && modal deploy app.py    # the flux app\n"
        "cd apps/flux && modal deploy app.py    # again, copied alone\n"
    )
    files = {"docs/deploy.md": f"```bash\n{block}```\n", "ops/deploy.sh": block}
    # A script runs its lines in sequence: its second `cd` leads to apps/flux/apps/flux.
    assert [f[:3] for f in found(make_repo(tmp_path, files))] == [("FL007", "ops/deploy.sh", 2)]


def test_a_command_a_python_script_runs_as_a_list_is_checked(tmp_path: Path) -> None:
    script = (
        "import subprocess\n"
        "subprocess.run(['modal', 'deploy', 'apps/flux/app.py'], check=True)\n"
        "subprocess.run(['modal', 'deploy', 'modal_app.py'], check=True)\n"
        "subprocess.run(('modal', 'serve', str(ROOT / 'app.py')))  # computed: not judged\n"
        'cmd = ["modal", "run", "jobs/job.py::gone"]\n'
        'other = ["docker", "run", "gone.py"]\n'
    )
    job = APP + "\n\n@app.function()\ndef work(): ...\n"
    files = {"scripts/deploy.py": script, "jobs/job.py": job}
    assert [f for f in found(make_repo(tmp_path, files)) if f[1] == "scripts/deploy.py"] == [
        (
            "FL007",
            "scripts/deploy.py",
            3,
            "modal deploy modal_app.py: scripts/modal_app.py does not exist",
        ),
        (
            "FL007",
            "scripts/deploy.py",
            5,
            "modal run jobs/job.py::gone: jobs/job.py defines no 'gone'",
        ),
    ]


CLI_GUIDE = """\
# Operations

The modal logs show what ran (prose, not a command).

```bash
pip install modal fastapi
modal logs voice-stack
uv run modal app show voice-stack
modal app logs ryla-flux
modal token new
modal secret set hf HF_TOKEN=x
--target local|modal    fleet release
```

Tail them with `modal function logs`, or `modal container list`.
"""
CLI_SCRIPT = (
    "#!/bin/sh\nset -e\nmodal volume list && modal volume show models\n"
    "if ! modal token verify; then exit 1; fi\n"  # run by `if`: the script stops here
)


def test_a_command_the_modal_cli_does_not_have_is_reported(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"docs/ops.md": CLI_GUIDE, "ops.sh": CLI_SCRIPT})
    assert found(root) == [
        ("FL008", "docs/ops.md", 7, "`modal logs`: the modal CLI has no such command"),
        ("FL008", "docs/ops.md", 8, "`modal app show`: `modal app` has no such command"),
        ("FL008", "docs/ops.md", 11, "`modal secret set`: `modal secret` has no such command"),
        ("FL007", "ops.sh", 3, "`modal volume show`: `modal volume` has no such command"),
        ("FL007", "ops.sh", 4, "`modal token verify`: `modal token` has no such command"),
    ]


def test_a_package_s_scripts_are_commands_run_from_its_folder(tmp_path: Path) -> None:
    package = (
        "{\n"
        '  "name": "web",\n'
        '  "scripts": {\n'
        '    "modal:deploy": "modal deploy ../apps/flux/app.py",\n'
        '    "modal:status": "modal app show ryla-flux",\n'
        '    "modal:old": "cd .. && modal deploy apps/gone/app.py",\n'
        # each script runs in a shell of its own, from the package's folder: no `cd ..`
        '    "modal:again": "modal deploy ../apps/flux/app.py",\n'
        '    "modal:usage": "echo \'Usage: cd services && modal run gone.py\'",\n'
        '    "build": "next build"\n'
        "  }\n"
        "}\n"
    )
    root = make_repo(tmp_path, {"web/package.json": package})
    assert found(root) == [
        ("FL007", "web/package.json", 5, "`modal app show`: `modal app` has no such command"),
        (
            "FL007",
            "web/package.json",
            6,
            "modal deploy apps/gone/app.py: apps/gone/app.py does not exist",
        ),
    ]


def test_fleet_knows_the_commands_of_the_installed_modal_cli() -> None:
    from modal.cli.entry_point import entrypoint_cli

    installed = {
        # `modal run` is a group of what its target defines: no fixed subcommand
        name: frozenset(getattr(command, "commands", ())) or None
        for name, command in entrypoint_cli.commands.items()
    }
    assert installed == MODAL_CLI


@pytest.mark.slow
def test_the_real_modal_cli_has_no_command_fleet_reports(tmp_path: Path) -> None:
    said = {}
    for words in (["logs"], ["app", "show"], ["secret", "set"], ["app", "logs"], ["token", "new"]):
        returncode, output = real_modal(tmp_path, tmp_path, *words, "--help")
        kind = "No such command" if "No such command" in output else "Usage:"
        said[" ".join(words)] = (kind, returncode)
    assert said == {
        "logs": ("No such command", 2),
        "app show": ("No such command", 2),
        "secret set": ("No such command", 2),
        "app logs": ("Usage:", 0),
        "token new": ("Usage:", 0),
    }
    reported = unknown_cli_calls("\n".join(f"modal {words}" for words in said))
    assert [call.written for call in reported] == [
        "modal logs",
        "modal app show",
        "modal secret set",
    ]


def test_a_python_script_run_by_a_path_it_has_moved_from_is_reported(tmp_path: Path) -> None:
    header = (
        '"""Transcribe a file.\n\n'
        "Usage:\n"
        "    python src/transcribe.py --file a.wav\n"  # moved to src/tools/
        "    python src/tools/transcribe.py --health\n"
        "    python transcribe.py\n"  # no folder: run where the reader has gone
        '"""\n'
    )
    guide = (
        "# Tools\n\n"
        "```bash\n"
        "uv run python src/transcribe.py\n"
        "python scripts/make_report.py\n"  # no such file anywhere: one the reader makes
        "python tools/transcribe.py\n"  # from src/, the folder above this document
        "```\n\n"
        "Run python src/transcribe.py in prose: not a command.\n"
    )
    files = {"src/tools/transcribe.py": header, "src/docs/tools.md": guide}
    root = make_repo(tmp_path, files)
    moved = "src/transcribe.py does not exist; transcribe.py is at src/tools/transcribe.py"
    assert found(root) == [
        ("FL008", "src/docs/tools.md", 4, f"`python src/transcribe.py`: {moved}"),
        ("FL008", "src/tools/transcribe.py", 4, f"`python src/transcribe.py`: {moved}"),
    ]


def test_a_script_s_bare_name_is_judged_in_its_project_when_it_is_one_of_a_kind(
    tmp_path: Path,
) -> None:
    guide = (
        "```bash\n"
        "python test_wrapper.py\n"  # the one of its name, in vllm/tests/
        "python wrapper.py\n"  # a name of one word: the reader's own file
        "python test_twice.py\n"  # two of that name: which one is not said
        "python run_all.py\n"  # only in another project of the repository
        "```\n"
    )
    ok = "print('ok')\n"
    files = {
        "vllm/docs/guide.md": guide,
        "vllm/tests/test_wrapper.py": ok,
        "vllm/tools/wrapper.py": ok,
        "vllm/tests/test_twice.py": ok,
        "vllm/old/test_twice.py": ok,
        "other/run_all.py": ok,
    }
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "vllm/docs/guide.md",
            2,
            "`python test_wrapper.py`: test_wrapper.py does not exist; test_wrapper.py is at "
            "vllm/tests/test_wrapper.py",
        )
    ]


def test_a_script_runs_python_by_a_path_it_has_moved_from(tmp_path: Path) -> None:
    script = "#!/bin/sh\npython3 -u jobs/nightly.py\npython3 ops/jobs/nightly.py\n"
    files = {"ops/jobs/nightly.py": "print('ok')\n", "run.sh": script}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL007",
            "run.sh",
            2,
            "`python jobs/nightly.py`: jobs/nightly.py does not exist; nightly.py is at "
            "ops/jobs/nightly.py",
        )
    ]


def test_cd_into_a_clone_is_the_repository_s_root(tmp_path: Path) -> None:
    cloned = (
        "```bash\n"
        "git clone --depth 1 https://github.com/acme/studio.git\n"
        "cd studio\n"
        "modal deploy apps/flux/app.py\n"
        "```\n"
    )
    # no clone before it: `cd studio` is to a folder of the repository
    moved = "```bash\ncd studio\nmodal deploy apps/flux/app.py\n```\n"
    root = make_repo(tmp_path, {"docs/setup.md": cloned, "docs/moved.md": moved})
    assert [(code, path, line) for code, path, line, _ in found(root)] == [
        ("FL008", "docs/moved.md", 3)
    ]


def test_an_example_s_command_is_its_own_unless_its_file_is_nowhere(tmp_path: Path) -> None:
    app = 'import modal\n\napp = modal.App("hello")\n\n\n@app.function()\ndef hi():\n    pass\n'
    readme = (
        "```bash\n"
        "modal deploy app.py\n"  # its own app, outside the fleet
        "modal run examples/hello/app.py\n"
        "modal run examples/helo/app.py\n"  # from no folder is there such a file
        "modal run hello_world.py\n"  # no folder: a name for the reader's file
        "modal run app.py --name you\n"  # what Modal makes of its own file: hi() takes none
        "```\n"
    )
    script = "modal deploy app.py\nmodal run app.py --name you\n"
    files = {
        "examples/hello/app.py": app,
        "examples/hello/README.md": readme,
        "examples/hello/run.sh": script,
    }
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "examples/hello/README.md",
            4,
            "`modal run examples/helo/app.py`: examples/helo/app.py does not exist",
        ),
        (
            "FL008",
            "examples/hello/README.md",
            6,
            "`modal run app.py`: hi() takes no --name (no options)",
        ),
        (
            "FL007",
            "examples/hello/run.sh",
            2,
            "modal run app.py: hi() takes no --name (no options)",
        ),
    ]


JOBS = (
    "import modal\n\napp = modal.App('jobs')\n\n\n"
    "@app.function()\ndef prepare():\n    pass\n\n\n"
    "@app.function()\ndef train():\n    pass\n\n\n"
    "@app.function()\n@modal.fastapi_endpoint()\ndef status():\n    pass\n"
)
ONE = "import modal\n\napp = modal.App('one')\n\n\n@app.function()\ndef only():\n    pass\n"


def test_modal_needs_one_file_and_one_function_to_run(tmp_path: Path) -> None:
    guide = (
        "```bash\n"
        "modal run jobs/train.py\n"  # two functions, no local entrypoint
        "modal run jobs/train.py::train\n"
        "modal run jobs/one.py\n"  # one function: it runs
        "modal run jobs/*.py\n"  # the shell passes two files
        "```\n"
    )
    two = ONE.replace("@app.function()", "@app.local_entrypoint()") + (
        "\n\n@app.local_entrypoint()\ndef other():\n    pass\n"
    )
    guide += "```bash\nmodal run jobs/two.py\n```\n"  # two local entrypoints
    files = {"jobs/train.py": JOBS, "jobs/one.py": ONE, "jobs/two.py": two, "docs/jobs.md": guide}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "docs/jobs.md",
            2,
            "`modal run jobs/train.py`: jobs/train.py has no local entrypoint and 2 functions "
            "(prepare, train): modal run needs FILE::NAME",
        ),
        (
            "FL008",
            "docs/jobs.md",
            5,
            "`modal run jobs/*.py`: the shell expands jobs/*.py to 3 files (jobs/one.py, "
            "jobs/train.py, jobs/two.py); modal run takes one",
        ),
        (
            "FL008",
            "docs/jobs.md",
            8,
            "`modal run jobs/two.py`: jobs/two.py has 2 local entrypoints (only, other): "
            "modal run needs FILE::NAME",
        ),
    ]


@pytest.mark.slow
def test_the_real_modal_cli_refuses_what_fleet_says_is_ambiguous(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"jobs/train.py": JOBS, "jobs/one.py": ONE})
    said = {}
    for words in (["jobs/train.py"], ["jobs/one.py"], ["jobs/one.py", "jobs/train.py"]):
        output = real_modal(tmp_path, root, "run", *words)[1]
        marks = ("Specify the entrypoint", "Token missing", "unexpected extra argument")
        said[" ".join(words)] = next((m for m in marks if m in output), output[-200:])
    assert said == {
        "jobs/train.py": "Specify the entrypoint",
        "jobs/one.py": "Token missing",
        "jobs/one.py jobs/train.py": "unexpected extra argument",
    }


MULTI = (
    "import modal\n\napp_gpu0 = modal.App('ocr-gpu0')\napp_gpu1 = modal.App('ocr-gpu1')\n\n\n"
    "@app_gpu0.function()\ndef one():\n    pass\n"
)
MINE = "import modal\n\nmy_app = modal.App('mine')\n\n\n@my_app.function()\ndef f():\n    pass\n"


def test_modal_deploys_the_app_a_file_names_app(tmp_path: Path) -> None:
    guide = (
        "```bash\n"
        "modal deploy jobs/multi.py\n"  # two Apps, neither named `app`
        "modal deploy jobs/multi.py::app_gpu1\n"
        "modal serve jobs/mine.py\n"  # one App, named my_app
        "modal run jobs/mine.py\n"  # `modal run` finds the function
        "modal deploy jobs/old.py\n"  # a Stub: written for a Modal before 1.0
        "```\n"
    )
    old = "import modal\n\nmy_stub = modal.Stub('old')\n"
    files = {
        "jobs/multi.py": MULTI,
        "jobs/mine.py": MINE,
        "jobs/old.py": old,
        "docs/jobs.md": guide,
    }
    root = make_repo(tmp_path, files)
    assert [f for f in found(root) if "named `app`" in f[3]] == [
        (
            "FL008",
            "docs/jobs.md",
            2,
            "`modal deploy jobs/multi.py`: jobs/multi.py has no App named `app` (its Apps: "
            "app_gpu0, app_gpu1): modal deploy needs FILE::APP",
        ),
        (
            "FL008",
            "docs/jobs.md",
            4,
            "`modal serve jobs/mine.py`: jobs/mine.py has no App named `app` (its Apps: "
            "my_app): modal serve needs FILE::APP",
        ),
    ]


@pytest.mark.slow
def test_the_real_modal_cli_deploys_only_an_app_named_app(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"jobs/multi.py": MULTI, "jobs/mine.py": MINE})
    said = {}
    for target in ("jobs/multi.py", "jobs/mine.py", "jobs/mine.py::my_app"):
        output = real_modal(tmp_path, root, "deploy", target)[1]
        marks = ("has no attribute 'app'", "Token missing")
        said[target] = next((m for m in marks if m in output), output[-200:])
    assert said == {
        "jobs/multi.py": "has no attribute 'app'",
        "jobs/mine.py": "has no attribute 'app'",
        "jobs/mine.py::my_app": "Token missing",
    }


def test_uvicorn_serves_an_asgi_app_the_module_defines(tmp_path: Path) -> None:
    service = "import modal\n\napp = modal.App('inference')\n"  # was a FastAPI app
    api = "from fastapi import FastAPI\n\napi = FastAPI()\n"
    readme = (
        "Run it locally with uvicorn modal_service:app.\n"  # prose, not a command
        "```bash\n"
        "uvicorn modal_service:app --reload --port 9000\n"
        "cd ../server\n"
        "python -m uvicorn main:api\n"
        "uvicorn main:app\n"  # main.py defines no `app`
        "```\n"
    )
    files = {
        "service/modal_service.py": service,
        "service/README.md": readme,
        "service/Makefile": "dev:\n\tuvicorn modal_service:app --reload\n",
        "service/Dockerfile": 'CMD ["uvicorn", "modal_service:app", "--host", "0.0.0.0"]\n',
        # A container's working folder: the one modal_service.py of the repository.
        ".devcontainer/compose.yml": "services:\n  api:\n    command: uvicorn modal_service:app\n",
        "server/main.py": api,
        "docs/run.md": "```bash\nuvicorn --app-dir server main:api\nuvicorn main:api\n```\n",
    }
    root = make_repo(tmp_path, files)
    served = "service/modal_service.py's `app` is a Modal App, not an ASGI app"
    assert found(root) == [
        ("FL014", ".devcontainer/compose.yml", 3, f"`uvicorn modal_service:app`: {served}"),
        ("FL014", "service/Dockerfile", 1, f"`uvicorn modal_service:app`: {served}"),
        ("FL014", "service/Makefile", 2, f"`uvicorn modal_service:app`: {served}"),
        ("FL014", "service/README.md", 3, f"`uvicorn modal_service:app`: {served}"),
        ("FL014", "service/README.md", 6, "`uvicorn main:app`: server/main.py defines no `app`"),
    ]


def test_a_command_after_a_link_to_another_repository_runs_its_files(tmp_path: Path) -> None:
    flux = (DRIFT / "apps" / "flux" / "app.py").read_text() + (
        "\n\n# A load test, `load_test.py`, is\n"
        "# [here](https://github.com/modal-labs/modal-examples/tree/main/06_gpu/openai):\n"
        "#\n"
        "# ```bash\n"
        "# modal run openai/load_test.py\n"
        "# ```\n"
        "#\n"
        "# Ours: modal run tests/load_test.py\n"
    )
    root = make_repo(tmp_path, {"apps/flux/app.py": flux})
    lines = flux.count("\n")
    assert found(root) == [
        (
            "FL008",
            "apps/flux/app.py",
            lines,
            "`modal run tests/load_test.py`: tests/load_test.py does not exist",
        )
    ]


def test_python_of_a_modal_app_with_no_main_block_runs_nothing(tmp_path: Path) -> None:
    manager = (
        '"""Usage:\n\n    python manager.py upload model.bin\n"""\n\n'
        "import modal\n\napp = modal.App('manager')\n\n\n"
        "@app.local_entrypoint()\ndef upload(path: str) -> None:\n    pass\n"
    )
    tool = manager.replace("manager", "tool") + '\n\nif __name__ == "__main__":\n    upload("x")\n'
    guide = (
        "```bash\n"
        "cd jobs\n"
        "python manager.py list\n"
        "python tool.py upload model.bin\n"  # it has a __main__ block
        "python plain.py\n"  # no Modal app: a script of its own
        "```\n"
    )
    files = {
        "jobs/manager.py": manager,
        "jobs/tool.py": tool,
        "jobs/plain.py": "print('hi')\n",
        "docs/jobs.md": guide,
    }
    root = make_repo(tmp_path, files)
    inert = "jobs/manager.py is a Modal app with no `__main__` block; python runs nothing of it"
    assert found(root) == [
        ("FL008", "docs/jobs.md", 3, f"`python manager.py`: {inert}"),
        ("FL008", "jobs/manager.py", 3, f"`python manager.py`: {inert}"),
    ]


def test_a_command_in_a_clone_of_another_repository_runs_its_files(tmp_path: Path) -> None:
    guide = (
        "```bash\n"
        "git clone https://github.com/modal-labs/modal-examples\n"
        "cd modal-examples/06_gpu_and_ml/openai_whisper\n"
        "modal run fine_tune_asr.py\n"
        "```\n"
    )
    assert found(make_repo(tmp_path, {"docs/train.md": guide})) == []


def test_python_of_a_script_renamed_with_a_word_more_names_it(tmp_path: Path) -> None:
    guide = (
        "```bash\n"
        "python client.py --prompt hi\n"  # renamed example_client.py
        "python script.py\n"  # a guide's name for the reader's file
        "```\n"
    )
    files = {"server/example_client.py": "print('hi')\n", "server/README.md": guide}
    assert found(make_repo(tmp_path, files)) == [
        (
            "FL008",
            "server/README.md",
            2,
            "`python client.py`: there is no client.py; server/example_client.py is the "
            "script by a name like it",
        )
    ]


def test_a_command_the_text_says_not_to_run_or_a_placeholder_is_no_command(tmp_path: Path) -> None:
    guide = (
        "Switch with `modal profile activate`, not `modal workspace activate`.\n"
        "Or `modal workspace activate`.\n"  # no such command
        "```bash\n"
        "uv run python .../spike.py --limit 3\n"  # the reader's path, elided
        "# API: modal serve (infra/modal/README.md)\n"  # a reference in parentheses
        "```\n"
    )
    assert found(make_repo(tmp_path, {"docs/ops.md": guide})) == [
        (
            "FL008",
            "docs/ops.md",
            2,
            "`modal workspace activate`: `modal workspace` has no such command",
        )
    ]


def test_an_option_printed_in_a_string_ends_where_the_string_does(tmp_path: Path) -> None:
    cli = (
        "import modal\n\napp = modal.App('cli')\n\n\n"
        "@app.local_entrypoint()\ndef main(test: bool = False):\n    pass\n"
    )
    helper = 'print("  modal run jobs/cli.py --test")\nprint("  modal run jobs/cli.py --nope")\n'
    root = make_repo(tmp_path, {"jobs/cli.py": cli, "scripts/help.py": helper})
    assert found(root) == [
        (
            "FL008",
            "scripts/help.py",
            2,
            "`modal run jobs/cli.py`: main() takes no --nope (--test, --no-test)",
        )
    ]


def test_a_command_s_options_go_on_where_a_backslash_ends_its_line(tmp_path: Path) -> None:
    register = (
        "\n\n@app.function()\ndef register(audio_bytes: bytes, preset_id: str):\n    pass\n\n\n"
        "# Usage:\n"
        "#   modal run apps/flux/app.py::register \\\n"  # in a comment: the next line's `#` too
        "#       --audio-path /tmp/a.wav --preset-id Aiko\n"
        "#\n"
        "#   modal run apps/flux/app.py::register --preset-id Aiko \\\n"
        "#       --audio-bytes x\n"
    )
    guide = "```sh\nmodal run apps/flux/app.py::register \\\n  --preset-id Aiko --nope 1\n```\n"
    root = make_repo(tmp_path, {"docs/cli.md": guide})
    app = root / "apps" / "flux" / "app.py"
    usage = app.read_text().count("\n") + 9
    app.write_text(app.read_text() + register)
    command = "`modal run apps/flux/app.py::register`: register() takes no {} (--audio-bytes, "
    assert [(f.path, f.line, f.message) for f in run(root).findings if f.code == "FL008"] == [
        ("apps/flux/app.py", usage, command.format("--audio-path") + "--preset-id)"),
        ("docs/cli.md", 2, command.format("--nope") + "--preset-id)"),
    ]


def test_modal_run_takes_no_word_that_is_no_option(tmp_path: Path) -> None:
    cli = (
        "import modal\n\napp = modal.App('cli')\n\n\n"
        "@app.local_entrypoint()\ndef main(prompt: str, n: int = 1, dry_run: bool = False):\n"
        "    pass\n"
    )
    raw = (
        "import sys\n\nimport modal\n\napp = modal.App('raw')\n\n\n"
        "@app.local_entrypoint()\ndef main(*arglist):\n    pass\n"
    )
    helper = (
        "print(\"  modal run jobs/cli.py --prompt 'a fox' --n 2\")\n"
        'print("  modal run jobs/cli.py <image_path> [x1,y1 ...]")\n'
    )
    guide = (
        "```sh\n"
        "modal run jobs/cli.py --prompt 'a fox' --dry-run --n 3 > out.txt\n"
        'modal run jobs/cli.py --prompt="a fox" --no-dry-run "$EXTRA"\n'
        "modal run jobs/cli.py assets/fox.png\n"  # Modal makes options only: refused
        "modal run jobs/raw.py assets/fox.png --anything\n"  # *arglist takes every word
        "```\n"
    )
    files = {
        "jobs/cli.py": cli,
        "jobs/raw.py": raw,
        "scripts/help.py": helper,
        "docs/run.md": guide,
    }
    takes = (
        "modal run passes only options, one per parameter (--prompt, --n, --dry-run, --no-dry-run)"
    )
    assert found(make_repo(tmp_path, files)) == [
        (
            "FL008",
            "docs/run.md",
            4,
            f"`modal run jobs/cli.py`: main() takes no argument assets/fox.png: {takes}",
        ),
        (
            "FL008",
            "scripts/help.py",
            2,
            f"`modal run jobs/cli.py`: main() takes no argument <image_path>: {takes}",
        ),
    ]


def test_a_command_runs_where_the_image_s_local_files_are(tmp_path: Path) -> None:
    app = (
        "import modal\n\n"
        "image = (\n"
        "    modal.Image.debian_slim()\n"
        '    .add_local_file("../pyproject.toml", "/root/pyproject.toml")\n'  # from services/
        '    .add_local_dir("assets", remote_path="/assets")\n'
        '    # .add_local_file("../old.toml", "/root/old.toml")\n'  # a comment
        '    .add_local_dir("build", "/build")\n'  # made when the app is built: nowhere yet
        ")\n"
        "app = modal.App('tool', image=image)\n\n\n"
        "@app.function()\ndef main():\n    pass\n"
    )
    guide = (
        "```sh\n"
        "modal run services/tool.py\n"  # from the root: ../pyproject.toml is outside
        "cd services && modal run tool.py\n"
        "```\n"
    )
    files = {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "services/tool.py": app,
        "services/assets/logo.png": "png",
        "README.md": guide,
    }
    assert found(make_repo(tmp_path, files)) == [
        (
            "FL008",
            "README.md",
            2,
            "`modal run services/tool.py`: run from the repository root, the image's "
            "add_local_file('../pyproject.toml') names no file there: Modal reads an image's "
            "relative local paths from the folder the command runs in",
        )
    ]


def test_a_settings_template_s_comments_tell_what_to_run(tmp_path: Path) -> None:
    template = (
        "# The image endpoint. Deploy it first:\n"
        "#   modal deploy apps/image/app.py\n"  # no such file
        "#   modal deploy apps/flux/app.py\n"
        "IMAGE_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"
        'DEPLOY_HINT="modal deploy apps/old/app.py"  # a setting\'s value: no command\n'
    )
    root = make_repo(tmp_path, {".env.example": template})
    assert [
        (f.code, f.path, f.line, f.message) for f in run(root).findings if f.code != "FL015"
    ] == [
        (
            "FL008",
            ".env.example",
            2,
            "`modal deploy apps/image/app.py`: apps/image/app.py does not exist",
        )
    ]


def test_a_cd_to_the_writer_s_checkout_is_to_the_repository_s_folder(tmp_path: Path) -> None:
    doc = (
        "```bash\n"
        "cd /Users/me/My\\ Project/apps/flux\n"
        "modal deploy app.py\n"
        "```\n\n"
        "```bash\n"
        "modal deploy app.py\n"  # the reader still stands in apps/flux
        "```\n\n"
        "```bash\n"
        "cd /home/me/checkout/apps/flux && modal deploy gone.py\n"
        "cd /app && modal deploy anything.py\n"  # a container's folder: not the repository's
        "```\n"
    )
    # a file of that name here too: the command would be read as this repository's
    files = {"docs/deploy.md": doc, "tools/deploy_groq.py": "print()\n"}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        ("FL008", "docs/deploy.md", 11, "`modal deploy gone.py`: apps/flux/gone.py does not exist"),
    ]


def test_a_word_of_prose_after_modal_run_is_no_target(tmp_path: Path) -> None:
    flux = (DRIFT / "apps" / "flux" / "app.py").read_text()
    flux += "\n\n# -- Legacy functions (for modal run / local testing) --\n"
    files = {"apps/flux/app.py": flux, "docs/a.md": "Kept for modal run / local testing.\n"}
    assert found(make_repo(tmp_path, files)) == []


def test_a_command_a_script_prints_for_its_reader_is_read_as_docs(tmp_path: Path) -> None:
    script = (
        "import logging\n\n"
        "log = logging.getLogger(__name__)\n"
        'print("Deploy: modal deploy apps/flux/app.py")\n'
        'log.info("Then: modal deploy apps/flux/api.py")\n'  # no such file
        'command = "modal deploy apps/gone.py"  # a string that is not printed\n'
    )
    root = make_repo(tmp_path, {"scripts/setup.py": script})
    assert found(root) == [
        (
            "FL008",
            "scripts/setup.py",
            5,
            "`modal deploy apps/flux/api.py`: apps/flux/api.py does not exist",
        )
    ]


def test_make_runs_a_target_its_makefile_defines(tmp_path: Path) -> None:
    makefile = ".PHONY: deploy\ndeploy: check\n\tfleet deploy --all\ncheck:\n\tfleet check\n"
    guide = (
        "```bash\n"
        "make deploy\n"
        "make -j2 check && make modal-health\n"  # no such target
        "make -C tools build\n"  # another Makefile
        "```\n"
        "Run `make status` first.\n"  # no such target
        "We make sure it works.\n"  # prose
    )
    script = "#!/bin/sh\nmake deploy\nmake smoke\n"
    files = {"Makefile": makefile, "docs/ops.md": guide, "ops.sh": script}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        ("FL008", "docs/ops.md", 3, "`make modal-health`: Makefile has no target 'modal-health'"),
        ("FL008", "docs/ops.md", 6, "`make status`: Makefile has no target 'status'"),
        ("FL007", "ops.sh", 3, "`make smoke`: Makefile has no target 'smoke'"),
    ]


def test_a_guide_beside_its_own_makefile_may_mean_that_one(tmp_path: Path) -> None:
    root_makefile = "deploy:\n\tfleet deploy --all\n"
    api_makefile = "run:\n\tgo run ./cmd/api\ntidy:\n\tgo mod tidy\n"
    guide = "```bash\n# from this directory\nmake run\nmake tidy\nmake deploy\nmake lint\n```\n"
    files = {"Makefile": root_makefile, "api/Makefile": api_makefile, "api/README.md": guide}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        ("FL008", "api/README.md", 6, "`make lint`: Makefile has no target 'lint'"),
    ]


def test_a_deploy_under_a_name_meant_for_the_registry_s_makes_a_second_app(
    tmp_path: Path,
) -> None:
    guide = (
        "```bash\n"
        "modal deploy apps/flux/app.py --name ryla-flux\n"
        "modal deploy apps/flux/app.py --name rylla-flux-main\n"  # a typo of it, then more
        "modal deploy --name staging apps/flux/app.py\n"  # a copy of its own, meant
        "modal app logs rylla-flux-main\n"  # no app of that name
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/deploy.md": guide})
    assert [(code, line, message) for code, _, line, message in found(root)] == [
        (
            "FL008",
            3,
            "`modal deploy apps/flux/app.py`: --name rylla-flux-main deploys apps/flux/app.py as "
            "a second app beside 'ryla-flux'",
        ),
        (
            "FL005",
            5,
            "`modal app logs rylla-flux-main`: no app of the registry or the repository is "
            "named so",
        ),
    ]


def test_a_document_runs_a_script_that_moved(tmp_path: Path) -> None:
    guide = (
        "```bash\n"
        "git clone https://github.com/acme/studio.git\n"
        "cd studio/ops\n"
        "./deploy.sh\n"  # from the clone's ops/: there
        "```\n"
        "Or again:\n"
        "```bash\n"
        "./deploy.sh --again\n"  # where the reader stands after the block above
        "```\n"
        "```bash\n"
        "./start.sh\n"  # moved to ops/setup/
        "./new-script.sh\n"  # nowhere: one the reader makes
        "```\n"
    )
    files = {
        "ops/deploy.sh": "#!/bin/sh\n",
        "ops/setup/start.sh": "#!/bin/sh\n",
        "docs/guide.md": guide,
    }
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "docs/guide.md",
            11,
            "`./start.sh`: start.sh does not exist; start.sh is at ops/setup/start.sh",
        )
    ]


def test_a_block_run_in_another_checkout_runs_its_files(tmp_path: Path) -> None:
    doc = (
        "## Fast brain\n\n"
        "**Deployment from `D:\\APP_CENTRAL\\fast_brain`:**\n\n"
        "```powershell\nmodal deploy deploy_groq.py\n```\n\n"
        "## Ours\n\n"
        "Deployment from `/Users/me/checkout/apps/flux`:\n\n"  # this repository's folder
        "```bash\nmodal deploy apps/flux/gone.py\n```\n"
    )
    # a file of that name here too: the command would be read as this repository's
    files = {"docs/deploy.md": doc, "tools/deploy_groq.py": "print()\n"}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "docs/deploy.md",
            14,
            "`modal deploy apps/flux/gone.py`: apps/flux/gone.py does not exist",
        )
    ]


def test_a_section_that_names_another_checkout_runs_its_files(tmp_path: Path) -> None:
    steps = "".join(f"{n}. Step {n}\n" for n in range(1, 9))
    doc = (
        "## Fast brain\n\n"
        "**Deployment Location:** `D:\\APP_CENTRAL\\fast_brain`\n\n"
        f"{steps}\n"  # further than a few lines: the section's heading still holds it
        "```powershell\nmodal deploy deploy_groq.py\n```\n\n"
        "## Ours\n\n"
        f"{steps}\n"
        "```bash\nmodal deploy deploy_groq.py\n```\n"  # after the next heading: ours
    )
    files = {"docs/deploy.md": doc, "tools/deploy_groq.py": "print()\n"}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "docs/deploy.md",
            30,
            "`modal deploy deploy_groq.py`: deploy_groq.py does not exist",
        )
    ]


SAMPLE = '```python\n# modal_app.py\nimport modal\n\napp = modal.App("{name}")\n```\n\n'


def test_a_guide_s_sample_app_is_the_file_it_deploys(tmp_path: Path) -> None:
    doc = (
        "## Option 3: Modal\n\n"
        + SAMPLE.format(name="sdxl-turbo")  # a sample: the reader saves it as modal_app.py
        + "Deploy: `modal deploy modal_app.py`\n\n"
        "## Flux\n\n"
        + SAMPLE.format(name="ryla-flux")  # an excerpt of the fleet's app: judged
        + "Deploy: `modal deploy modal_app.py`\n\n"
        "## Later\n\n"
        "Deploy: `modal deploy modal_app.py`\n"  # no sample in this section
    )
    files = {"docs/options.md": doc, "tools/modal_app.py": "print()\n"}
    root = make_repo(tmp_path, files)
    missing = "`modal deploy modal_app.py`: modal_app.py does not exist"
    assert found(root) == [
        ("FL008", "docs/options.md", 21, missing),
        ("FL008", "docs/options.md", 25, missing),
    ]


def test_a_sample_of_a_fleet_app_deployed_by_its_entry_file_s_name(tmp_path: Path) -> None:
    doc = (
        "## Flux\n\n```python\nimport modal\n\n"
        'app = modal.App("ryla-flux")\n\n'
        "# deploy from its folder:\n# modal deploy app.py\n```\n"
    )
    root = make_repo(tmp_path, {"docs/flux.md": doc, "apps/other/app.py": "print()\n"})
    assert found(root) == []


def test_a_cd_into_the_checkout_s_own_folder_starts_above_it(tmp_path: Path) -> None:
    root = tmp_path / "studio"
    guide = "```bash\ncd studio/apps/flux\nmodal deploy app.py\nmodal deploy gone.py\n```\n"
    make_repo(root, {"apps/flux/README.md": guide})
    assert found(root) == [
        (
            "FL008",
            "apps/flux/README.md",
            4,
            "`modal deploy gone.py`: apps/flux/gone.py does not exist",
        )
    ]


def test_a_printed_usage_line_runs_python_on_a_modal_app(tmp_path: Path) -> None:
    train = (
        "import modal\n\napp = modal.App('train')\n\n\n"
        "@app.local_entrypoint()\ndef main(style: str = '') -> None:\n"
        "    if not style:\n"
        '        print("Usage:")\n'
        '        print("  python jobs/train.py --style noir --epochs 10")\n'
        "        print('  python jobs/train.py --style glow')\n"
        '        print("  see python docs for jobs/train.py")\n'  # prose, not a command
    )
    root = make_repo(tmp_path, {"jobs/train.py": train})
    inert = "jobs/train.py is a Modal app with no `__main__` block; python runs nothing of it"
    assert found(root) == [
        ("FL008", "jobs/train.py", 10, f"`python jobs/train.py`: {inert}"),
        ("FL008", "jobs/train.py", 11, f"`python jobs/train.py`: {inert}"),
    ]
