"""A script's own folder, its repository's top, and the variables it sets to them: the
folders `cd "$ROOT"` moves to."""

from __future__ import annotations

from tools.drift_check.extract.script_folders import folder_variables, resolve
from tools.drift_check.extract.shell_blocks import Branches

SCRIPT = """\
#!/usr/bin/env bash
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRAIN_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"  # the checkout
export HERE=$(dirname "$0")
TOP=$(git rev-parse --show-toplevel)
APPS="$TOP/apps"
QUIET=$(cd "$HERE" >/dev/null 2>&1 && pwd -P)
REAL=$(realpath "${HERE}/..")
OUTPUT="${OUTPUT:-$TRAIN_DIR/models}"
TWICE="$HERE"
TWICE="$TOP"
SAME="$TOP"
SAME=$(git rev-parse --show-toplevel)
ABOVE="$(cd "$ROOT/.." && pwd)"
MODAL_CMD=(uv run modal)
"""


def test_variables_set_to_folders_the_script_can_tell() -> None:
    assert folder_variables(SCRIPT, "ai/scripts") == {
        "SCRIPT_DIR": "ai/scripts",
        "TRAIN_DIR": "ai",
        "ROOT": ".",
        "HERE": "ai/scripts",
        "TOP": ".",
        "APPS": "apps",
        "QUIET": "ai/scripts",
        "REAL": "ai",
        "SAME": ".",
        "ABOVE": "..",
    }


def test_paths_that_start_at_a_folder_the_script_can_tell() -> None:
    variables = {"ROOT": ".", "APPS": "apps"}
    assert [
        resolve(target, "scripts/ops", variables)
        for target in (
            "$ROOT",
            "${APPS}/flux",
            "$APPS/../docs",
            "$(dirname $0)/..",
            "$(git rev-parse --show-toplevel)/apps",
            "$ROOTS",
            "${ROOT}x",
            "$HOME/apps",
            "apps",
        )
    ] == [".", "apps/flux", "docs", "scripts", "apps", None, None, None, None]


def test_the_branch_each_command_of_a_script_is_in() -> None:
    text = (
        "modal deploy a.py\n"
        'if [ -n "$X" ]; then\n'
        "  modal deploy b.py\n"
        "elif true; then modal deploy c.py; else modal deploy d.py; fi\n"
        'case "$1" in\n'
        "  one) modal deploy e.py ;;\n"
        "  two) modal deploy f.py ;;\n"
        "esac\n"
        'echo "modal deploy g.py"  # if only\n'
    )
    branches = Branches(text)
    at = {name: text.index(f"{name}.py") for name in "abcdefg"}
    if_at, case_at = text.index("if ["), text.index("case")
    assert {name: branches.branch(offset) for name, offset in at.items()} == {
        "a": (),
        "b": ((if_at, 0),),
        "c": ((if_at, 1),),
        "d": ((if_at, 2),),
        "e": ((case_at, 0),),
        "f": ((case_at, 1),),
        "g": (),
    }
    assert [name for name, offset in at.items() if branches.printed(offset)] == ["g"]
