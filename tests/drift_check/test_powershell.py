"""A PowerShell script is read as a shell script: its folder moves, its own folder and the
variables it sets to folders, and what it prints for its reader."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import make_repo, run
from tools.drift_check.extract.commands import LoopDeploy
from tools.drift_check.extract.powershell import as_shell, loop_deploys
from tools.drift_check.extract.script_folders import folder_variables

REGISTRY = """\
version: 1
workspace: ws
environments:
  main: {web_suffix: ""}
apps:
  trainer:
    name: trainer
    dir: ai/training
    entry: train.py
"""
TRAINER = """\
import modal

app = modal.App("trainer")


@app.function(gpu="A10G", timeout=3600)
def train(style: str) -> None:
    print(style)
"""

SCRIPT = """\
<# Usage:
   modal deploy gone_in_a_comment.py #>
param([switch]$Upload)
$ScriptDir = Split-Path -Parent $MyInvocation.MyCommand.Path
$AiDir = Resolve-Path (Join-Path $ScriptDir "..")
$Root = Split-Path $PSScriptRoot -Parent
$Training = Join-Path $AiDir "training"
$Mode = if ($Upload) { "upload" } else { "" }
Push-Location $Training
modal deploy train.py
modal deploy missing.py
Pop-Location
Set-Location -Path "$PSScriptRoot\\.."
python training/train.py --style skin
modal token show
Write-Host "Next:" -ForegroundColor Cyan
Write-Host "  cd ai/training" -ForegroundColor Gray
Write-Host "  modal deploy train.py" -ForegroundColor Gray
"""


def test_a_powershell_script_in_a_shell_s_words() -> None:
    shell = as_shell(SCRIPT)
    assert [len(line) for line in shell.split("\n")] == [len(line) for line in SCRIPT.split("\n")]
    assert [line.rstrip() for line in shell.split("\n")] == [
        "",
        "",
        "param([switch]$Upload)",
        'ScriptDir="$(dirname $0)"',
        'AiDir="$ScriptDir/.."',
        'Root="$(dirname $0)/.."',
        'Training="$AiDir/training"',
        '$Mode = if ($Upload) { "upload" } else { "" }',
        "cd            $Training",
        "modal deploy train.py",
        "modal deploy missing.py",
        "cd -",
        'cd                 "$(dirname $0)/.."',
        "python training/train.py --style skin",
        "modal token show",
        'echo       "Next:" -ForegroundColor Cyan',
        'echo       "  cd ai/training" -ForegroundColor Gray',
        'echo       "  modal deploy train.py" -ForegroundColor Gray',
        "",
    ]
    assert folder_variables(shell, "ai/scripts") == {
        "ScriptDir": "ai/scripts",
        "AiDir": "ai",
        "Root": "ai",
        "Training": "ai/training",
    }


def test_the_commands_of_a_powershell_script(tmp_path: Path) -> None:
    files = {
        "registry/fleet.yaml": REGISTRY,
        "ai/training/train.py": TRAINER,
        "ai/scripts/train_all.ps1": SCRIPT,
    }
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        (
            "FL007",
            "ai/scripts/train_all.ps1",
            11,
            "modal deploy missing.py: ai/training/missing.py does not exist",
        ),
        (
            "FL007",
            "ai/scripts/train_all.ps1",
            14,
            "`python training/train.py`: ai/training/train.py is a Modal app with no "
            "`__main__` block; python runs nothing of it",
        ),
        (
            "FL007",
            "ai/scripts/train_all.ps1",
            15,
            "`modal token show`: `modal token` has no such command",
        ),
    ]


def test_the_commands_a_script_prints_for_its_reader(tmp_path: Path) -> None:
    script = (
        "#!/bin/bash\n"
        'echo "Then deploy it:"\n'
        'echo -e "  cd ai/training"\n'
        'echo "  modal deploy train.py"\n'
        'echo "  modal deploy missing.py"\n'
        "modal deploy ai/training/train.py\n"
        'echo "  modal app show trainer"\n'  # 7: what the reader is told to type
        'echo "Its logs: modal app logs trainer"\n'
    )
    files = {
        "registry/fleet.yaml": REGISTRY,
        "ai/training/train.py": TRAINER,
        "scripts/deploy.sh": script,
    }
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        (
            "FL007",
            "scripts/deploy.sh",
            5,
            "modal deploy missing.py: ai/training/missing.py does not exist",
        ),
        ("FL007", "scripts/deploy.sh", 7, "`modal app show`: `modal app` has no such command"),
    ]


def test_the_files_a_powershell_loop_deploys() -> None:
    text = (
        "$deploys = @(\n"
        '    "modal_app/ct.py",\n'
        "    'modal_app/mri.py'  # the second\n"
        ")\n"
        "$services = @(@{ name = 'Safety'; file = \"services\\safety.py\" }, @{ name = 'X' })\n"
        "foreach ($d in $deploys) {\n"
        '    echo "=== modal deploy $d ==="\n'
        "    modal deploy $d\n"
        "}\n"
        "ForEach ($s in $services) { modal deploy $($s.file) }\n"
        "foreach ($u in $unknown) { modal deploy $u }\n"
    )
    loops = loop_deploys(text)
    assert loops == [
        LoopDeploy(
            text.index("$d\n}"),
            "$d",
            ("modal_app/ct.py", "modal_app/mri.py"),
            text.index("foreach ($d"),
        ),
        LoopDeploy(
            text.index("$($s"), "$($s.file)", ("services/safety.py",), text.index("ForEach")
        ),
    ]
