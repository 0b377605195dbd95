"""The CLI as a user meets it: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, REPO, run_fleet


def _copy_registry(tmp_path: Path, text: str | None = None) -> Path:
    folder = tmp_path / "registry"
    folder.mkdir()
    target = folder / "fleet.yaml"
    target.write_text(
        text if text is not None else (FIXTURES / "registry" / "minimal.yaml").read_text()
    )
    return target


def test_version() -> None:
    result = run_fleet("--version")
    assert (result.returncode, result.stdout) == (0, "fleet 0.1.0\n")


def test_help_lists_the_registry_command() -> None:
    result = run_fleet("--help")
    assert result.returncode == 0
    assert "registry" in result.stdout
    assert "Exit codes: 0 success, 1 findings or failed checks, 2 usage" in result.stdout


def test_validate_the_repository_registry() -> None:
    result = run_fleet("registry", "validate")
    assert result.returncode == 0
    assert result.stdout == "registry/fleet.yaml: ok (7 apps, 21 endpoints, 2 environments)\n"


def test_validate_finds_the_registry_from_a_subfolder() -> None:
    result = run_fleet("registry", "validate", cwd=REPO / "tools" / "fleet")
    assert result.returncode == 0
    assert result.stdout == "../../registry/fleet.yaml: ok (7 apps, 21 endpoints, 2 environments)\n"


def test_invalid_registry_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    text = (FIXTURES / "registry" / "minimal.yaml").read_text()
    _copy_registry(tmp_path, text.replace("timeout_s: 300", "timeout_s: 100"))
    result = run_fleet("registry", "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "registry/fleet.yaml:11: apps.flux.timeout_s: server timeout 100 s is below the client "
        "timeout of /flux (180 s) plus the policy margin (0 s): clients would see 408s\n"
    )


def test_missing_registry_exits_2(tmp_path: Path) -> None:
    result = run_fleet("registry", "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"fleet: no registry/fleet.yaml in {tmp_path.resolve()} or its parents; pass --registry\n"
    )


def test_registry_option_names_a_missing_file(tmp_path: Path) -> None:
    result = run_fleet("registry", "validate", "--registry", "nowhere.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "nowhere.yaml: registry file not found\n")


def test_not_utf8_registry_exits_2(tmp_path: Path) -> None:
    path = _copy_registry(tmp_path)
    path.write_bytes(b"version: 1\nworkspace: \xff\n")
    result = run_fleet("registry", "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "registry/fleet.yaml: not UTF-8 text (invalid start byte at byte 22)\n"


def test_unknown_command_and_option_exit_2() -> None:
    assert run_fleet("nonsense").returncode == 2
    assert run_fleet("registry", "show", "--bogus").returncode == 2


def test_unknown_environment_exits_2() -> None:
    result = run_fleet("registry", "urls", "--env", "prod")
    assert (result.returncode, result.stderr) == (
        2,
        "fleet: unknown environment 'prod' (known: main, staging)\n",
    )


def test_urls_for_both_environments() -> None:
    main = run_fleet("registry", "urls").stdout.splitlines()
    staging = run_fleet("registry", "urls", "--env", "staging").stdout.splitlines()
    assert len(main) == len(staging) == 21
    assert main[0].split() == [
        "/flux",
        "ryla-flux",
        "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux",
    ]
    assert staging[-1].split() == [
        "/seedvr2",
        "ryla-seedvr2",
        "https://ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2",
    ]


def test_show_json_shape() -> None:
    result = run_fleet("registry", "show", "--json", "--env", "staging")
    assert result.returncode == 0
    view = json.loads(result.stdout)
    assert list(view) == ["format", "workspace", "environment", "web_suffix", "apps"]
    assert (view["format"], view["workspace"], view["environment"], view["web_suffix"]) == (
        "fleet-registry/1",
        "ryla",
        "staging",
        "staging",
    )
    assert [a["key"] for a in view["apps"]] == [
        "flux",
        "instantid",
        "qwen-image",
        "qwen-edit",
        "z-image",
        "wan26",
        "seedvr2",
    ]
    seedvr2 = view["apps"][-1]
    assert seedvr2 == {
        "key": "seedvr2",
        "name": "ryla-seedvr2",
        "dir": "apps/seedvr2",
        "entry": "apps/seedvr2/app.py",
        "gpu": "A100-80GB",
        "label": "ryla-seedvr2-comfyui-fastapi-app",
        "url": "https://ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run",
        "server_timeout_s": 900,
        "legacy": False,
        "endpoints": [
            {
                "path": "/seedvr2",
                "kind": "upscale",
                "url": "https://ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2",
                "client_timeout_s": 600,
                "client_timeout_ms": 600000,
                "server_timeout_s": 900,
                "idempotent": True,
                "method": "POST",
                "auxiliary": False,
                "web": "ComfyUI.fastapi_app",
                "label": "ryla-seedvr2-comfyui-fastapi-app",
                "gpu": "A100-80GB",
            }
        ],
    }
    assert sum(len(a["endpoints"]) for a in view["apps"]) == 21


def test_show_text_lists_each_app_and_endpoint() -> None:
    lines = run_fleet("registry", "show").stdout.splitlines()
    assert lines[0] == "workspace ryla, environment main"
    assert lines[2] == "ryla-flux (flux)  apps/flux/app.py  gpu H100  server timeout 300 s"
    assert lines[3].split() == [
        "/flux",
        "text-to-image",
        "180",
        "s",
        "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux",
    ]


def test_schema_check_and_write(tmp_path: Path) -> None:
    _copy_registry(tmp_path)
    schema = tmp_path / "registry" / "fleet.schema.json"

    stale = run_fleet("registry", "schema", "--check", cwd=tmp_path)
    assert (stale.returncode, stale.stderr) == (
        1,
        "registry/fleet.schema.json: stale; run `fleet registry schema`\n",
    )
    assert not schema.exists()

    written = run_fleet("registry", "schema", cwd=tmp_path)
    assert (written.returncode, written.stdout) == (0, "registry/fleet.schema.json: written\n")
    assert schema.read_text() == (REPO / "registry" / "fleet.schema.json").read_text()
    assert {p.name for p in schema.parent.iterdir()} == {"fleet.yaml", "fleet.schema.json"}

    current = run_fleet("registry", "schema", "--check", cwd=tmp_path)
    assert (current.returncode, current.stdout) == (0, "registry/fleet.schema.json: up to date\n")


def test_registry_env_variable(tmp_path: Path) -> None:
    path = _copy_registry(tmp_path)
    shutil.move(path, tmp_path / "elsewhere.yaml")
    result = run_fleet("registry", "validate", "--registry", str(tmp_path / "elsewhere.yaml"))
    assert result.returncode == 0
    assert result.stdout.endswith("elsewhere.yaml: ok (1 apps, 1 endpoints, 2 environments)\n")
