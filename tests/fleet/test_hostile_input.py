"""Input an attacker, a flaky runner or a tired engineer gives fleet: each is exit 2 with one
line naming what is wrong (or a plan with its reason), never a traceback, a hang or a
silent "nothing changed".
"""

from __future__ import annotations

import json
import os
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, Repo, run_fleet
from tools.core.errors import FleetError
from tools.release.ranges import github_range

SHA = "a" * 40


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr.strip()


def changed_with(repo: Repo, tmp_path: Path, name: str, event: bytes | str | Path):
    """`fleet changed --github` for an event file holding `event`."""
    if isinstance(event, Path):
        path = event
    else:
        path = tmp_path / "event.json"
        path.write_bytes(event.encode() if isinstance(event, str) else event)
    return run_fleet(
        "changed",
        "--github",
        "--json",
        cwd=repo.root,
        GITHUB_EVENT_NAME=name,
        GITHUB_EVENT_PATH=str(path),
        GIT_CONFIG_GLOBAL=os.devnull,
    )


@pytest.mark.parametrize(
    ("name", "event", "said"),
    [
        ("push", "{}", "ref is missing"),
        ("push", '{"ref": "refs/heads/main"}', "after is missing"),
        ("push", '{"ref": "refs/heads/main", "after": 5}', "after is not a string (int)"),
        ("push", '{"ref": "refs/heads/main", "after": null}', "after is missing"),
        ("push", '{"ref": "refs/heads/main", "after": "HEAD"}', "after is not a commit SHA"),
        ("push", '{"ref": [], "after": "x"}', "ref is not a string (list)"),
        ("pull_request", '{"pull_request": {"head": 5}}', "pull_request.head is not an object"),
        ("pull_request", '{"pull_request": null}', "pull_request is not an object"),
        ("merge_group", '{"merge_group": {"base_sha": 1}}', "merge_group.base_sha is not a"),
        ("push", "[1, 2]", "not a JSON object"),
        ("push", '{"ref": ' + "1" * 5000 + "}", "not JSON"),
        ("push", "[" * 100_000, "not JSON"),
        ("push", b"\xff\xfe{}", "not UTF-8 text"),
        ("push", "", "not JSON"),
    ],
)
def test_an_event_file_of_the_wrong_shape_is_exit_2_naming_the_field(
    repo: Repo, tmp_path: Path, name: str, event: str | bytes, said: str
) -> None:
    result = changed_with(repo, tmp_path, name, event)
    assert result.returncode == 2
    assert said in one_line(result)


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "folder"])
def test_an_event_path_that_is_not_a_file_is_refused_unread(
    repo: Repo, tmp_path: Path, special: str
) -> None:
    path = tmp_path if special == "folder" else Path(special)
    result = changed_with(repo, tmp_path, "push", path)
    assert (result.returncode, one_line(result)) == (
        2,
        f"GITHUB_EVENT_PATH {path}: not a regular file",
    )


def test_a_forced_push_whose_old_head_is_gone_changes_every_app(repo: Repo, tmp_path: Path) -> None:
    head = repo.git("rev-parse", "HEAD")
    event = {"ref": "refs/heads/main", "before": SHA, "after": head, "forced": True}
    result = changed_with(repo, tmp_path, "push", json.dumps(event))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["all"] is True
    assert {tuple(app["reasons"]) for app in document["apps"]} == {
        (f"forced push: the old head {SHA[:12]} is gone, so what it deployed is unknown",)
    }
    # Not forced, and not in this clone (nor on a remote): unknown too, never "no app".
    del event["forced"]
    document = json.loads(changed_with(repo, tmp_path, "push", json.dumps(event)).stdout)
    assert {tuple(app["reasons"]) for app in document["apps"]} == {
        (f"push: the old head {SHA[:12]} cannot be fetched, so what it deployed is unknown",)
    }


def test_the_first_push_of_the_default_branch_changes_every_app(repo: Repo, tmp_path: Path) -> None:
    head = repo.git("rev-parse", "HEAD")
    event = {"ref": "refs/heads/main", "before": "0" * 40, "after": head, "created": True}
    document = json.loads(changed_with(repo, tmp_path, "push", json.dumps(event)).stdout)
    assert document["all"] is True
    assert {tuple(app["reasons"]) for app in document["apps"]} == {
        ("the first push of main: nothing deployed from it yet",)
    }
    # A new branch at a commit of main changes nothing that main has not deployed.
    event["ref"] = "refs/heads/feature"
    document = json.loads(changed_with(repo, tmp_path, "push", json.dumps(event)).stdout)
    assert (document["all"], document["apps"]) == (False, [])


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
_EVENTS = st.fixed_dictionaries(
    {},
    optional={
        "ref": _JSON | st.sampled_from(["refs/heads/main", "refs/tags/v1.0.0"]),
        "before": _JSON | st.just(SHA) | st.just("0" * 40),
        "after": _JSON | st.just(SHA),
        "pull_request": _JSON,
        "merge_group": _JSON,
        "inputs": _JSON,
        "repository": _JSON,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event=_EVENTS,
    name=st.sampled_from(["push", "pull_request", "merge_group", "workflow_dispatch", "x"]),
)
def test_any_event_is_a_range_or_a_fleet_error(
    tmp_path_factory: pytest.TempPathFactory, event: dict, name: str
) -> None:
    folder = tmp_path_factory.mktemp("event")
    path = folder / "event.json"
    path.write_text(json.dumps(event))
    environ = {"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(path), "GITHUB_SHA": "HEAD"}
    said = ""
    try:
        found = github_range(REPO, environ)
    except FleetError as error:
        said = str(error)
    if said:
        assert "\n" not in said
        assert all(char in string.printable or not char.isascii() for char in said)
    else:
        assert found.base is None or len(found.base) == 40
        assert len(found.head) == 40


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("timeout_s: 300", "timeout_s: " + "9" * 5000), "an integer of 5000 digits"),
        (("width: 64", "width: " + "9" * 30), "an integer of 30 digits"),
        (("version: 1", "version: 1\nx: " + "[" * 100_000), "nesting depth"),
    ],
)
def test_a_registry_with_numbers_or_nesting_out_of_bounds_is_exit_2(
    tmp_path: Path, change: tuple[str, str], said: str
) -> None:
    (tmp_path / "registry").mkdir()
    text = (REPO / "registry" / "fleet.yaml").read_text()
    assert change[0] in text
    (tmp_path / "registry" / "fleet.yaml").write_text(text.replace(*change, 1))
    result = run_fleet("registry", "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert said in one_line(result)


def test_a_registry_that_is_a_device_is_refused_unread(tmp_path: Path) -> None:
    result = run_fleet("registry", "validate", "--registry", "/dev/zero", cwd=tmp_path)
    assert (result.returncode, one_line(result)) == (2, "/dev/zero: not a regular file")


def test_a_named_path_that_does_not_exist_is_exit_2() -> None:
    result = run_fleet("check", "no/such/file.py")
    assert (result.returncode, one_line(result)) == (2, "no/such/file.py: no such file or folder")


@pytest.mark.parametrize("url", ["ryla.example", "ftp://host", "http://", "http://host:99999"])
def test_a_base_url_that_is_not_http_is_exit_2(url: str) -> None:
    result = run_fleet("call", "/flux", "--url", url)
    assert result.returncode == 2
    assert one_line(result).startswith(f"fleet: --url {url!r}: ")


@pytest.mark.parametrize("kind", ["folder", "no-folder"])
def test_an_output_path_that_cannot_be_written_is_a_fleet_error(tmp_path: Path, kind: str) -> None:
    from tools.core.fs import write_output

    out = tmp_path if kind == "folder" else tmp_path / "missing" / "results.json"
    with pytest.raises(FleetError) as refused:
        write_output(out, "{}")
    said = "is a folder, not a file" if kind == "folder" else "cannot write: No such file"
    assert said in str(refused.value)


def test_an_output_path_that_is_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    # As `--report /dev/stdout` is: the device (here a pipe) stays what it is.
    import stat
    import threading

    from tools.core.fs import write_output

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_output(pipe, "report\n")
    reader.join(timeout=10)
    assert (received, stat.S_ISFIFO(pipe.stat().st_mode)) == ([b"report\n"], True)


def test_step_summary_and_github_output_paths_that_are_folders_are_exit_2(
    tmp_path: Path,
) -> None:
    summary = run_fleet("check", GITHUB_STEP_SUMMARY=str(tmp_path))
    assert (summary.returncode, one_line(summary)) == (
        2,
        f"{tmp_path}: GITHUB_STEP_SUMMARY: cannot write: Is a directory",
    )
    output = run_fleet("changed", "--base", "HEAD", "--github-output", GITHUB_OUTPUT=str(tmp_path))
    assert (output.returncode, one_line(output)) == (
        2,
        f"{tmp_path}: GITHUB_OUTPUT: cannot write: Is a directory",
    )
