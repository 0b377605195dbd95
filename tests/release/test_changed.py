"""`fleet changed`: the mapping from changed files to apps, on real git repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo, fleet_env
from tools.core.errors import FleetError
from tools.release.changed import plan


def selected(repo: Repo, base: str, head: str = "HEAD") -> dict[str, list[str]]:
    result = plan(repo.repository(), repo.git("rev-parse", base), repo.git("rev-parse", head))
    return {app.name: list(app.reasons) for app in result.apps}


def test_shared_code_selects_the_apps_that_import_it(repo: Repo) -> None:
    repo.commit("codec", {"apps/_shared/codec.py": "def encode(data):\n    return 'x'\n"})
    assert selected(repo, "HEAD~1") == {
        "acme-flux": ["imports apps._shared.codec (apps/_shared/codec.py changed)"]
    }


def test_unimported_shared_code_and_docs_select_nothing(repo: Repo) -> None:
    repo.commit("misc", {"apps/_shared/unused.py": "X = 2\n", "docs/README.md": "# Docs 2\n"})
    assert selected(repo, "HEAD~1") == {}


def test_a_change_in_the_app_folder(repo: Repo) -> None:
    repo.commit("svc", {"apps/seedvr2/service.py": "api = 1\n"})
    assert selected(repo, "HEAD~1") == {"acme-seedvr2": ["changed apps/seedvr2/service.py"]}


def test_a_mounted_path(repo: Repo) -> None:
    repo.commit("index", {"vendor/weights-index/list.txt": "seedvr2-7b\n"})
    assert selected(repo, "HEAD~1") == {
        "acme-seedvr2": [
            "mounts add_local_dir('vendor/weights-index') (vendor/weights-index/list.txt changed)"
        ]
    }


def test_registry_change_of_one_app_selects_only_that_app(repo: Repo) -> None:
    text = (repo.root / "registry/fleet.yaml").read_text()
    repo.commit(
        "timeout", {"registry/fleet.yaml": text.replace("timeout_s: 600", "timeout_s: 900")}
    )
    assert selected(repo, "HEAD~1") == {"acme-seedvr2": ["registry entry changed: timeout_s"]}


def test_a_global_trigger_selects_every_app(repo: Repo) -> None:
    repo.commit("deps", {"pyproject.toml": '[project]\nname = "acme2"\n'})
    result = plan(repo.repository(), repo.git("rev-parse", "HEAD~1"), repo.git("rev-parse", "HEAD"))
    assert result.all is True
    assert [a.reasons for a in result.apps] == [
        ("global trigger pyproject.toml: pyproject.toml changed",)
    ] * 2


def test_renames_count_both_sides(repo: Repo) -> None:
    repo.git("mv", "docs/README.md", "apps/flux/README.md")
    repo.commit("move")
    assert selected(repo, "HEAD~1") == {"acme-flux": ["changed apps/flux/README.md"]}
    repo.git("mv", "apps/flux/README.md", "docs/FLUX.md")
    repo.commit("move back")
    assert selected(repo, "HEAD~1") == {"acme-flux": ["changed apps/flux/README.md"]}


def test_a_deleted_app_is_removed_never_deployed(repo: Repo) -> None:
    repo.commit("drop", {"apps/seedvr2": None})
    result = plan(repo.repository(), repo.git("rev-parse", "HEAD~1"), repo.git("rev-parse", "HEAD"))
    assert (result.apps, result.removed) == ((), ("acme-seedvr2",))
    text = (repo.root / "registry/fleet.yaml").read_text()
    repo.commit("unregister", {"registry/fleet.yaml": text.split("  seedvr2:\n")[0]})
    result = plan(repo.repository(), repo.git("rev-parse", "HEAD~2"), repo.git("rev-parse", "HEAD"))
    assert (result.apps, result.removed) == ((), ("acme-seedvr2",))


UPSCALE = """\
  upscale:
    name: acme-upscale
    dir: apps/upscale
    gpu: L4
    timeout_s: 600
    web: {class: Server, method: web}
    endpoints:
      /upscale:
        kind: upscale
        client_timeout_s: 300
        smoke: {request: {width: 64, height: 64}, expect: image}
"""


def test_an_app_whose_file_never_existed_is_missing_not_removed(repo: Repo) -> None:
    text = (repo.root / "registry/fleet.yaml").read_text()
    repo.commit("register", {"registry/fleet.yaml": text + UPSCALE})
    result = plan(repo.repository(), repo.git("rev-parse", "HEAD~1"), repo.git("rev-parse", "HEAD"))
    assert (result.apps, result.removed, result.missing) == ((), (), ("acme-upscale",))


def test_a_commit_whose_objects_are_missing_is_bad_input(repo: Repo) -> None:
    repo.commit("codec", {"apps/_shared/codec.py": "X = 3\n"})
    blob = repo.git("rev-parse", "HEAD:apps/flux/app.py")
    (repo.root / ".git/objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(FleetError, match=r"^git grep in .*: unable to read "):
        plan(repo.repository(), repo.git("rev-parse", "HEAD~1"), repo.git("rev-parse", "HEAD"))


def fleet_changed(
    repo: Repo, event_name: str, event: dict, tmp_path: Path, sha: str = "HEAD"
) -> tuple[dict, str]:
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    output = tmp_path / "github_output"
    output.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "tools.fleet", "changed", "--github", "--json", "--github-output"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(
            GITHUB_EVENT_NAME=event_name,
            GITHUB_EVENT_PATH=str(event_path),
            GITHUB_OUTPUT=str(output),
            GITHUB_SHA=sha,
        ),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), output.read_text()


def test_pull_request_event(repo: Repo, tmp_path: Path) -> None:
    main = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit("svc", {"apps/seedvr2/service.py": "api = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("docs on main", {"docs/README.md": "# main moved on\n"})
    event = {
        "pull_request": {"base": {"sha": repo.git("rev-parse", "main")}, "head": {"sha": head}}
    }
    document, output = fleet_changed(repo, "pull_request", event, tmp_path)
    assert (document["base"], document["head"]) == (main, head)
    assert [a["name"] for a in document["apps"]] == ["acme-seedvr2"]
    assert output == 'apps=[{"name":"acme-seedvr2","dir":"apps/seedvr2"}]\nany=true\n'


def test_push_event_and_doc_only_push(repo: Repo, tmp_path: Path) -> None:
    before = repo.git("rev-parse", "HEAD")
    after = repo.commit("docs", {"docs/README.md": "# more\n"})
    event = {"ref": "refs/heads/main", "before": before, "after": after}
    document, output = fleet_changed(repo, "push", event, tmp_path)
    assert (document["base"], document["apps"], document["all"]) == (before, [], False)
    assert output == "apps=[]\nany=false\n"


def test_first_push_of_a_branch_uses_the_merge_base(repo: Repo, tmp_path: Path) -> None:
    main = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "topic")
    after = repo.commit("codec", {"apps/_shared/codec.py": "X = 1\n"})
    event = {
        "ref": "refs/heads/topic",
        "before": "0" * 40,
        "after": after,
        "repository": {"default_branch": "main"},
    }
    document, _ = fleet_changed(repo, "push", event, tmp_path)
    assert (document["base"], [a["name"] for a in document["apps"]]) == (main, ["acme-flux"])


def test_forced_push_compares_with_the_old_head(repo: Repo, tmp_path: Path) -> None:
    """What the old head deployed is what changes: flux goes back, seedvr2 is new."""
    main = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "topic")
    rewritten = repo.commit("old", {"apps/flux/app.py": "# old\n"})
    repo.git("reset", "-q", "--hard", main)
    after = repo.commit("new", {"apps/seedvr2/service.py": "api = 3\n"})
    event = {
        "ref": "refs/heads/topic",
        "before": rewritten,
        "after": after,
        "forced": True,
        "repository": {"default_branch": "main"},
    }
    document, _ = fleet_changed(repo, "push", event, tmp_path)
    assert (document["base"], [a["name"] for a in document["apps"]]) == (
        rewritten,
        ["acme-flux", "acme-seedvr2"],
    )
    assert main != rewritten


def test_merge_group_event(repo: Repo, tmp_path: Path) -> None:
    base = repo.git("rev-parse", "HEAD")
    head = repo.commit("svc", {"apps/seedvr2/service.py": "api = 4\n"})
    event = {"merge_group": {"base_sha": base, "head_sha": head}}
    document, _ = fleet_changed(repo, "merge_group", event, tmp_path)
    assert [a["name"] for a in document["apps"]] == ["acme-seedvr2"]


def test_tag_push_compares_with_the_previous_tag_of_its_line(repo: Repo, tmp_path: Path) -> None:
    repo.git("tag", "flux/v1.0.0")
    repo.commit("seedvr2", {"apps/seedvr2/service.py": "api = 5\n"})
    repo.git("tag", "seedvr2/v1.0.0")
    head = repo.commit("flux", {"apps/flux/app.py": "# changed\n"})
    repo.git("tag", "flux/v1.1.0")
    event = {"ref": "refs/tags/flux/v1.1.0", "after": head}
    document, _ = fleet_changed(repo, "push", event, tmp_path)
    assert document["base"] == repo.git("rev-parse", "flux/v1.0.0^{commit}")
    assert [a["name"] for a in document["apps"]] == ["acme-flux", "acme-seedvr2"]


def test_a_shallow_clone_is_deepened_to_find_the_base(repo: Repo, tmp_path: Path) -> None:
    base = repo.git("rev-parse", "HEAD")
    for i in range(3):
        repo.commit(f"c{i}", {"docs/README.md": f"# {i}\n"})
    repo.commit("svc", {"apps/seedvr2/service.py": "api = 6\n"})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    shallow = Repo(clone)
    assert shallow.git("rev-parse", "--is-shallow-repository") == "true"
    result = subprocess.run(
        [sys.executable, "-m", "tools.fleet", "changed", "--base", base, "--json"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(),
    )
    assert result.returncode == 0, result.stderr
    assert [a["name"] for a in json.loads(result.stdout)["apps"]] == ["acme-seedvr2"]


@pytest.mark.parametrize("ref", ["no-such-ref", "--output=/tmp/x"])
def test_unknown_refs_exit_2(repo: Repo, ref: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.fleet", "changed", f"--base={ref}"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(),
    )
    assert (result.returncode, result.stderr) == (
        2,
        f"fleet: --base {ref!r} is not a commit in this repository\n",
    )


def test_workflow_dispatch_uses_the_input_base(repo: Repo, tmp_path: Path) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.commit("svc", {"apps/seedvr2/service.py": "api = 7\n"})
    head = repo.commit("docs", {"docs/README.md": "# d\n"})
    event = {"inputs": {"base": base}, "repository": {"default_branch": "main"}}
    document, _ = fleet_changed(repo, "workflow_dispatch", event, tmp_path, sha=head)
    assert (document["base"], document["head"]) == (base, head)
    assert [a["name"] for a in document["apps"]] == ["acme-seedvr2"]


def test_a_submodule_pointer_maps_to_the_app_that_contains_it(repo: Repo, tmp_path: Path) -> None:
    library = Repo(tmp_path / "library")
    library.root.mkdir()
    library.git("init", "-q", "-b", "main")
    library.commit("one", {"lib.py": "X = 1\n"})
    repo.git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(library.root),
        "apps/flux/vendor/lib",
    )
    repo.commit("vendor a library")
    library.commit("two", {"lib.py": "X = 2\n"})
    submodule = Repo(repo.root / "apps" / "flux" / "vendor" / "lib")
    submodule.git("-c", "protocol.file.allow=always", "pull", "-q", "origin", "main")
    repo.commit("bump the library")
    assert selected(repo, "HEAD~1") == {"acme-flux": ["changed apps/flux/vendor/lib"]}


SHARED_FOLDER = """\
  llm:
    name: acme-llm
    dir: services
    entry: llm.py
    gpu: L4
    timeout_s: 300
    web: {function: serve}
    endpoints:
      /: {kind: llm, client_timeout_s: 60}
  ocr:
    name: acme-ocr
    dir: services
    entry: ocr.py
    legacy: true
    gpu: L4
    timeout_s: 300
    web: {function: serve}
    endpoints:
      /: {kind: ocr, client_timeout_s: 60}
  tts:
    name: acme-tts
    dir: services
    entry: tts.py
    gpu: L4
    timeout_s: 300
    web: {function: serve}
    endpoints:
      /: {kind: audio, client_timeout_s: 60}
"""


def test_apps_sharing_a_folder_are_told_apart_by_entry_file(repo: Repo) -> None:
    text = (repo.root / "registry/fleet.yaml").read_text()
    files = {f"services/{name}.py": f"# {name}\n" for name in ("llm", "ocr", "tts")}
    repo.commit("services", {"registry/fleet.yaml": text + SHARED_FOLDER, **files})
    repo.commit("llm", {"services/llm.py": "# llm 2\n"})
    assert selected(repo, "HEAD~1") == {"acme-llm": ["changed services/llm.py"]}
    # Any other file of the folder: each app of it, but never the legacy one.
    repo.commit("notes", {"services/README.md": "notes\n"})
    assert selected(repo, "HEAD~1") == {
        "acme-llm": ["changed services/README.md"],
        "acme-tts": ["changed services/README.md"],
    }
    repo.commit("ocr", {"services/ocr.py": "# ocr 2\n"})
    assert selected(repo, "HEAD~1") == {}


AT_ROOT = """\
  dynamics:
    name: acme-dynamics
    dir: .
    entry: modal_dynamics.py
    timeout_s: 600
    web: {function: api}
    endpoints:
      /: {kind: video, client_timeout_s: 300}
"""


def test_an_app_at_the_root_owns_its_file_and_what_it_imports(repo: Repo) -> None:
    text = (repo.root / "registry/fleet.yaml").read_text()
    repo.commit(
        "dynamics",
        {
            "registry/fleet.yaml": text + AT_ROOT,
            "modal_dynamics.py": "import dynamics_lib\n",
            "dynamics_lib.py": "X = 1\n",
        },
    )
    repo.commit("edit", {"modal_dynamics.py": "import dynamics_lib\n# 2\n"})
    assert selected(repo, "HEAD~1") == {"acme-dynamics": ["changed modal_dynamics.py"]}
    repo.commit("lib", {"dynamics_lib.py": "X = 2\n"})
    assert selected(repo, "HEAD~1") == {
        "acme-dynamics": ["imports dynamics_lib (dynamics_lib.py changed)"]
    }
    # The root is everyone's: a file there that the app does not import is not its.
    repo.commit("readme", {"README.md": "# notes\n", "other.py": "Y = 1\n"})
    assert selected(repo, "HEAD~1") == {}
