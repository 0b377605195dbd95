"""`fleet render`: generated files equal a fresh render, change only where the registry does,
and the TypeScript module compiles under --strict and builds the registry's URLs."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, run_fleet
from tools.core.registry.load import load_registry, parse_registry
from tools.core.render.files import GENERATED, registry_json, typescript_module

TS = REPO / "clients" / "typescript"
TSC = TS / "node_modules" / ".bin" / "tsc"


def test_checked_in_files_equal_a_fresh_render() -> None:
    registry = load_registry(REPO / "registry" / "fleet.yaml")
    for generated in GENERATED:
        assert (REPO / generated.path).read_text() == generated.render(registry), generated.path


def test_render_is_byte_identical_run_to_run() -> None:
    registry = load_registry(REPO / "registry" / "fleet.yaml")
    for generated in GENERATED:
        assert generated.render(registry) == generated.render(registry)


def test_a_registry_edit_changes_exactly_the_affected_lines() -> None:
    text = (REPO / "registry" / "fleet.yaml").read_text()
    before = parse_registry(text, "fleet.yaml")
    edited = text.replace(
        "description: Upscale an image to the requested size\n        client_timeout_s: 600",
        "description: Upscale an image to the requested size\n        client_timeout_s: 420",
    )
    after = parse_registry(edited, "fleet.yaml")
    changed = [
        line
        for line in difflib.unified_diff(
            typescript_module(before).splitlines(), typescript_module(after).splitlines(), n=0
        )
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == ['-  "/seedvr2": 600000,', '+  "/seedvr2": 420000,']
    old, new = json.loads(registry_json(before)), json.loads(registry_json(after))
    assert [e for e in old["endpoints"] if e not in new["endpoints"]] == [
        {**new["endpoints"][-1], "client_timeout_s": 600, "client_timeout_ms": 600000}
    ]


def test_the_settings_that_hold_a_web_function_s_url_are_rendered() -> None:
    text = (REPO / "registry" / "fleet.yaml").read_text()
    web = "    volumes: [ryla-hf-cache]\n    web: {class: ComfyUI, method: fastapi_app}\n"
    assert text.count(web) >= 1
    seedvr2 = text.index("  seedvr2:\n")
    edited = text[:seedvr2] + text[seedvr2:].replace(
        web, web.replace("}", ", settings: [SEEDVR2_URL]}"), 1
    )
    registry = parse_registry(edited, "fleet.yaml")
    assert '  "/seedvr2": ["SEEDVR2_URL"],\n' in typescript_module(registry)
    endpoints = json.loads(registry_json(registry))["endpoints"]
    assert [(e["path"], e["url_settings"]) for e in endpoints if e["url_settings"]] == [
        ("/seedvr2", ["SEEDVR2_URL"])
    ]


def _with_the_registry(root: Path) -> Path:
    """A folder holding this repository's registry and nothing generated from it."""
    (root / "registry").mkdir()
    shutil.copy(REPO / "registry" / "fleet.yaml", root / "registry" / "fleet.yaml")
    return root


def test_render_writes_and_checks(tmp_path: Path) -> None:
    _with_the_registry(tmp_path)
    stale = run_fleet("render", "--check", cwd=tmp_path)
    assert (stale.returncode, stale.stdout) == (
        1,
        "docs/ENDPOINTS.md: stale; run `fleet render`\n"
        "clients/typescript/endpoints.ts: stale; run `fleet render`\n"
        "registry/endpoints.json: stale; run `fleet render`\n",
    )
    assert run_fleet("render", cwd=tmp_path).returncode == 0
    for generated in GENERATED:
        assert (tmp_path / generated.path).read_text() == (REPO / generated.path).read_text()
    current = run_fleet("render", "--check", cwd=tmp_path)
    assert (current.returncode, current.stdout) == (0, "generated files are current\n")


def test_typescript_compiles_strict_and_builds_the_registry_urls(tmp_path: Path) -> None:
    assert TSC.exists(), "run `make test` (it installs TypeScript from clients/typescript)"
    subprocess.run([str(TSC), "--noEmit", "--strict", "-p", str(TS)], check=True)
    subprocess.run(
        [
            str(TSC),
            "--strict",
            "--module",
            "commonjs",
            "--target",
            "ES2020",
            "--outDir",
            str(tmp_path),
            str(TS / "endpoints.ts"),
        ],
        check=True,
    )
    script = (
        f"const m = require({json.dumps(str(tmp_path / 'endpoints.js'))});"
        "console.log(JSON.stringify([m.modalEndpointUrl('ryla', '/seedvr2'),"
        " m.modalEndpointUrl('ryla', '/wan2.6', 'staging'), m.ENDPOINT_TIMEOUT_MS['/flux']]));"
    )
    output = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(output.stdout) == [
        "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2",
        "https://ryla-staging--ryla-wan26-comfyui-fastapi-app.modal.run/wan2.6",
        180000,
    ]


def test_strict_typescript_rejects_an_unknown_endpoint(tmp_path: Path) -> None:
    probe = tmp_path / "probe.ts"
    probe.write_text(
        f"import {{ modalEndpointUrl }} from {json.dumps(str(TS / 'endpoints'))};\n"
        "modalEndpointUrl('ryla', '/flux-instantid');\n"  # fleet: ignore[FL003]
    )
    result = subprocess.run(
        [str(TSC), "--noEmit", "--strict", str(probe)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "is not assignable to parameter of type" in result.stdout


def test_a_team_s_own_file_at_a_generated_path_is_left_alone(tmp_path: Path) -> None:
    _with_the_registry(tmp_path)
    (tmp_path / "docs").mkdir()
    guide = "# Endpoints\n\nOur curl examples and troubleshooting, written by hand.\n"
    (tmp_path / "docs" / "ENDPOINTS.md").write_text(guide)
    stale = run_fleet("render", "--check", cwd=tmp_path)
    assert (stale.returncode, stale.stdout) == (
        1,
        "docs/ENDPOINTS.md: not written by `fleet render`; left alone\n"
        "clients/typescript/endpoints.ts: stale; run `fleet render`\n"
        "registry/endpoints.json: stale; run `fleet render`\n",
    )
    assert run_fleet("render", cwd=tmp_path).returncode == 0
    assert (tmp_path / "docs" / "ENDPOINTS.md").read_text() == guide
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    checked = run_fleet("check", "--select", "FL011", cwd=tmp_path)
    assert (checked.returncode, checked.stdout.splitlines()[-1]) == (
        0,
        "No problems found: 3 files checked.",
    )
    (tmp_path / "docs" / "ENDPOINTS.md").write_text(
        (REPO / "docs" / "ENDPOINTS.md").read_text() + "one more line\n"
    )
    checked = run_fleet("check", "--select", "FL011", cwd=tmp_path)
    assert (checked.returncode, checked.stdout.splitlines()[0]) == (
        1,
        "docs/ENDPOINTS.md:1:1: FL011 docs/ENDPOINTS.md is not what the registry gives",
    )
