"""FL016: Modal SDK names and arguments that the modal a repository installs no longer has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drift_check.conftest import DRIFT, make_repo, run
from tools.drift_check.fix import plan_fixes

OLD_APP = (
    "import modal\n"  # 1
    "from modal import Stub, web_endpoint\n"  # 2
    "from modal import Image as I\n"  # 3
    "\n"  # 4
    'stub = modal.Stub("old")\n'  # 5
    'image = modal.Image.debian_slim().pip_install("x").copy_local_dir("a", "/b")\n'  # 6
    'image = image.copy_local_file("a", "/b")\n'  # 7
    'other = I.debian_slim().add_local_dir("a", "/b")  # modal 1.x: fine\n'  # 8
    'hf = modal.Secret.from_name("hf", required=False)\n'  # 9
    "\n"  # 10
    "\n"  # 11
    "@stub.function(gpu=modal.gpu.A100(count=2), keep_warm=1, timout=5, **EXTRA)\n"  # 12
    "@modal.web_endpoint()\n"  # 13
    "def run():\n"  # 14
    '    return modal.Function.lookup("a", "b")\n'  # 15
    "\n"  # 16
    "\n"  # 17
    "@stub.cls(concurrency_limit=2, min_containers=1)\n"  # 18
    "class Model:\n"  # 19
    "    @modal.method(keep_warm=1)\n"  # 20
    "    def go(self):\n"  # 21
    "        pass\n"  # 22
)


def _found(root: Path) -> list[tuple[str, int, int, str, str]]:
    return [
        (f.path, f.line, f.col, f.message, f.hint) for f in run(root).findings if f.code == "FL016"
    ]


def test_each_removed_name_and_argument_is_reported_where_it_is_written(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"tools/old.py": OLD_APP, "requirements.txt": "modal>=0.63\n"})
    gone = "was removed from modal: with modal 1.6 this line fails"
    typed = "in modal 1.6: this call raises TypeError"
    path = "tools/old.py"
    assert _found(root) == [
        (path, 2, 19, f"modal.Stub {gone}", "use modal.App"),
        (path, 2, 25, f"modal.web_endpoint {gone}", "use @modal.fastapi_endpoint"),
        (path, 5, 14, f"modal.Stub {gone}", "use modal.App"),
        (path, 6, 52, f"Image.copy_local_dir {gone}", "use Image.add_local_dir(..., copy=True)"),
        (path, 7, 15, f"Image.copy_local_file {gone}", "use Image.add_local_file(..., copy=True)"),
        (
            path,
            9,
            35,
            f"modal.Secret.from_name takes no required= {typed}",
            "use a list of secrets= without the one that may not exist",
        ),
        (path, 12, 26, f"modal.gpu {gone}", 'use a string: gpu="A100-80GB:2"'),
        (path, 12, 45, f"@app.function takes no keep_warm= {typed}", "use min_containers="),
        (path, 12, 58, f"@app.function takes no timout= {typed}", "did you mean timeout=?"),
        (path, 13, 8, f"modal.web_endpoint {gone}", "use @modal.fastapi_endpoint"),
        (path, 15, 27, f"modal.Function.lookup {gone}", "use modal.Function.from_name"),
        (path, 18, 11, f"@app.cls takes no concurrency_limit= {typed}", "use max_containers="),
        (
            path,
            20,
            19,
            f"@modal.method takes no keep_warm= {typed}",
            "remove it: min_containers= is set on @app.function or @app.cls",
        ),
    ]


@pytest.mark.parametrize(
    "pin",
    [
        ("requirements.txt", "modal==0.64.2\n"),
        ("requirements-modal.txt", "fastapi\nmodal[cli] <1.0\n"),
        ("pyproject.toml", '[tool.poetry.dependencies]\nmodal = "^0.63"\n'),
        ("pyproject.toml", '[project]\ndependencies = ["modal~=1.0.4"]\n'),
        (".github/workflows/deploy.yml", "steps:\n  - run: pip install modal==1.2.0\n"),
    ],
)
def test_a_repository_that_pins_an_older_modal_is_not_judged_by_the_newer_one(
    tmp_path: Path, pin: tuple[str, str]
) -> None:
    root = make_repo(tmp_path, {"tools/old.py": OLD_APP, pin[0]: pin[1]})
    assert _found(root) == []


@pytest.mark.parametrize(
    "requirement", ["modal>=0.63\n", "modal~=1.0\n", "modal<2\n", "modal==1.6.4\n", "modal\n"]
)
def test_a_requirement_that_allows_modal_1_6_is_judged(tmp_path: Path, requirement: str) -> None:
    root = make_repo(tmp_path, {"tools/old.py": OLD_APP, "requirements.txt": requirement})
    assert len(_found(root)) == 13


def test_a_copy_of_a_fleet_file_is_fixed_in_the_fleet_s_copy(tmp_path: Path) -> None:
    text = (DRIFT / "apps" / "flux" / "app.py").read_text()
    text = text.replace("@app.cls(", "@app.cls(keep_warm=1, ", 1)
    assert "keep_warm" in text
    files = {"apps/flux/app.py": text, "lambda/bundle/app.py": text, "other/app.py": text + "\n"}
    root = make_repo(tmp_path, files)
    message = "@app.cls takes no keep_warm= in modal 1.6: this call raises TypeError"
    assert [(path, said) for path, _, _, said, _ in _found(root)] == [
        ("apps/flux/app.py", message),
        ("other/app.py", message),
    ]


def test_fix_renames_what_is_the_same_thing_under_a_new_name(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"tools/old.py": OLD_APP})
    fixed = {f.path: f.after for f in plan_fixes(root, run(root).findings)}
    after = fixed["tools/old.py"].splitlines()
    before = OLD_APP.splitlines()
    changed = {n + 1: line for n, line in enumerate(after) if line != before[n]}
    assert changed == {
        5: 'stub = modal.App("old")',
        12: "@stub.function(gpu=modal.gpu.A100(count=2), min_containers=1, timout=5, **EXTRA)",
        13: "@modal.fastapi_endpoint()",
        15: '    return modal.Function.from_name("a", "b")',
        18: "@stub.cls(max_containers=2, min_containers=1)",
    }
