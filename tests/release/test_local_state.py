"""The local target's state files are read for what they must be: anything else is reported,
and the servers a corrupt one named are still found and stopped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, GIT_ENV, run_fleet
from tools.release.targets import processes
from tools.release.targets.local import CorruptState, _read_state

HOME = Path("/repo/.fleet/local/main/acme-flux")
GOOD = {
    "version": "v1",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "tag": "flux-v1.0.0",
    "folder": str(HOME / "v1"),
    "port": 8000,
    "pid": 4242,
    "state": "live",
    "started": "123456",
}


def state_file(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "acme-flux" / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text)
    return path


def own(version: dict, path: Path) -> dict:
    return {**version, "folder": str(path.parent / version["version"])}


def test_a_state_file_as_the_target_writes_it_is_read(tmp_path: Path) -> None:
    path = state_file(tmp_path, {})
    path.write_text(json.dumps({"live": "v1", "versions": [own(GOOD, path)]}))
    state = _read_state(path)
    assert (state.live, state.versions[0].pid, state.versions[0].started) == ("v1", 4242, "123456")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"folder": "/etc"}, "versions[0]: folder is not its own"),
        ({"port": 99999}, "versions[0]: port is out of range"),
        ({"pid": 0}, "versions[0]: pid is out of range"),
        ({"pid": True}, "versions[0]: pid has the wrong type"),
        ({"pid": "4242"}, "versions[0]: pid has the wrong type"),
        ({"version": "../v1"}, "versions[0]: version is not vN"),
        ({"commit": "HEAD; rm -rf /"}, "versions[0]: commit is not a commit id"),
        ({"state": "dancing"}, "versions[0]: state is unknown"),
        ({"extra": 1}, "versions[0]: not a version"),
    ],
)
def test_a_field_out_of_its_bounds_is_a_corrupt_state(
    tmp_path: Path, change: dict, reason: str
) -> None:
    path = state_file(tmp_path, {})
    path.write_text(json.dumps({"live": None, "versions": [{**own(GOOD, path), **change}]}))
    with pytest.raises(CorruptState) as caught:
        _read_state(path)
    assert str(caught.value) == f"{path}: {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"live": "v1", "versions": [', "cannot be read (JSONDecodeError)"),
        ("[]", "not a state file (keys live and versions)"),
        ('{"live": "v2", "versions": []}', "live 'v2' is none of its versions"),
        ('{"live": null, "versions": {}}', "versions is not a list"),
        # four fields, but not the version and its tag
        (
            '{"live": null, "versions": [{"pid": null, "commit": "", "port": null, "folder": ""}]}',
            "versions[0]: not a version",
        ),
        ("[" * 100_000, "cannot be read (RecursionError)"),
    ],
)
def test_a_truncated_or_misshapen_file_is_a_corrupt_state(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = state_file(tmp_path, text)
    with pytest.raises(CorruptState) as caught:
        _read_state(path)
    assert str(caught.value) == f"{path}: {reason}"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
FIELD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.lists(st.integers())
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.one_of(
        JSON,
        st.fixed_dictionaries({"live": JSON, "versions": st.lists(JSON, max_size=3)}),
        st.fixed_dictionaries(
            {
                "live": st.sampled_from([None, "v1", "v2"]),
                "versions": st.lists(
                    st.dictionaries(st.sampled_from(sorted(GOOD)), FIELD_VALUES), max_size=3
                ),
            }
        ),
    )
)
def test_any_document_is_read_or_is_a_corrupt_state(tmp_path_factory, document: object) -> None:
    path = state_file(tmp_path_factory.mktemp("state"), json.dumps(document))
    try:
        state = _read_state(path)
    except CorruptState as corrupt:
        said = str(corrupt)
    else:
        said = f"{path}: read"
        assert all(v.folder == str(path.parent / v.version) for v in state.versions)
    assert said.startswith(f"{path}: ")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fleet in git, with the local target's folder for acme-flux."""
    root = tmp_path / "clone"
    shutil.copytree(FIXTURES / "changed", root)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fleet"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env={**os.environ, **GIT_ENV})
    (root / ".fleet" / "local" / "main" / "acme-flux").mkdir(parents=True)
    return root


def test_a_corrupt_state_is_reported_and_its_servers_are_still_stopped(clone: Path) -> None:
    root, home = clone, clone / ".fleet" / "local" / "main" / "acme-flux"
    (home / "state.json").write_text('{"live": "v1", "versions": [{"version": "v1", "pi')
    server = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", f"{processes.MARK}{home}/v1"],
        start_new_session=True,
    )
    try:
        status = run_fleet("status", "--target", "local", "--json", cwd=root)
        [app, _] = json.loads(status.stdout)["apps"]
        assert (status.returncode, app["sync"], app["health"]) == (1, "Unknown", "Degraded")
        assert app["detail"] == [
            f"live state degraded: {home}/state.json: cannot be read (JSONDecodeError);"
            " 1 of its servers run (fleet down stops them)"
        ]
        down = run_fleet("down", cwd=root)
        assert down.returncode == 0, down.stderr
        kept = next(home.glob("state.json.corrupt-*"))
        assert f"[flux] {home}/state.json: cannot be read (JSONDecodeError): set aside as " in (
            down.stdout
        )
        assert f"[flux] stopped pid {server.pid}, a server of v1\n" in down.stdout
        assert server.wait(timeout=15) == -15
        assert kept.read_text().startswith('{"live": "v1"')
        assert json.loads((home / "state.json").read_text()) == {"live": None, "versions": []}
    finally:
        server.kill()
        server.wait()


def test_down_never_signals_a_process_it_did_not_start(clone: Path) -> None:
    root, home = clone, clone / ".fleet" / "local" / "main" / "acme-flux"
    # A server died and the system gave its pid to another process: same pid, another start.
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        version = {**GOOD, "folder": str(home / "v1"), "pid": stranger.pid, "started": "1"}
        (home / "state.json").write_text(json.dumps({"live": "v1", "versions": [version]}))
        down = run_fleet("down", cwd=root)
        assert down.returncode == 0, down.stderr
        assert f"stale: acme-flux v1 (pid {stranger.pid} is no longer running)" in down.stdout
        assert stranger.poll() is None  # untouched
    finally:
        stranger.kill()
        stranger.wait()
