"""What rules read through the project: files by folder, read only when asked."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import make_repo, repo_at
from tools.drift_check.engine import build_project


def test_files_under_a_folder_are_that_folder_and_below_only(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "apps/flux/sub/deep.py": "",
            "apps/flux-old/app.py": "",
            "apps/flux2/app.py": "",
            "apps/fluxapp.py": "",
            "apps/flux/logo.png": "\x00binary",
        },
    )
    project = build_project(repo_at(root))
    under = [source.path for source in project.files_under("apps/flux")]
    assert under == ["apps/flux/app.py", "apps/flux/service.py", "apps/flux/sub/deep.py"]
    assert [s.path for s in project.files_under("apps/flux/")] == under
    assert project.files_under("apps/nothing") == []


def test_named_files_read_only_what_is_asked(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": "A = 1\n", "b.py": "B = 2\n", "c.bin": "\x00"})
    project = build_project(repo_at(root), ["a.py"])
    assert [source.path for source in project.scanned()] == ["a.py"]
    assert project.files.skipped == {}  # c.bin not read: nobody asked
    assert project.file("b.py") is not None
    assert project.file("c.bin") is None
    assert project.files.skipped == {"c.bin": "binary"}
    assert project.file("registry/fleet.yaml") is None  # the registry is not a scanned file
