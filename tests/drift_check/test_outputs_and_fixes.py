"""SARIF, GitHub annotations, the step summary, `--fix` and `--diff`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, fleet_env
from tests.drift_check.conftest import DRIFT, make_repo
from tools.drift_check.rules import ALL_RULES


def fleet(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.fleet", "check", "--root", str(root), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env=fleet_env(PATH=os.environ["PATH"], **(env or {})),
    )


def broken_repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path,
        {
            "libs/modal-client.ts": DRIFT / "FL002" / "modal-client.ts",
            "docs/APPS.md": "<!-- fleet:begin apps -->\nold\n<!-- fleet:end apps -->\n",
        },
    )
    app = root / "apps" / "flux" / "app.py"
    app.write_text(app.read_text().replace("timeout=5 * MINUTES", "timeout=600"))
    return root


def test_sarif_has_rules_and_results(tmp_path: Path) -> None:
    result = fleet(broken_repo(tmp_path), "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert (sarif["version"], sarif["$schema"]) == (
        "2.1.0",
        "https://json.schemastore.org/sarif-2.1.0.json",
    )
    [run] = sarif["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in ALL_RULES]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]) for r in run["results"]
    ] == [
        ("FL001", {"startLine": 7, "startColumn": 30}),
        ("FL008", {"startLine": 2, "startColumn": 1}),
        ("FL002", {"startLine": 6, "startColumn": 16}),
        ("FL002", {"startLine": 8, "startColumn": 3}),
    ]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "apps/flux/app.py",
        "uriBaseId": "%SRCROOT%",
    }


def test_sarif_of_a_clean_tree_exits_0(tmp_path: Path) -> None:
    result = fleet(make_repo(tmp_path, {}), "--format", "sarif")
    assert result.returncode == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []


def test_github_annotations_cap_at_ten_and_write_the_step_summary(tmp_path: Path) -> None:
    lines = "".join(f'URL_{i} = "/flux-instantid"\n' for i in range(12))
    root = make_repo(tmp_path, {"many.py": lines})
    summary = tmp_path / "summary.md"
    result = fleet(root, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert out[0] == (
        "::error file=many.py,line=1,col=10,title=FL003::removed endpoint '/flux-instantid': "
        "removed (remove the call)"
    )
    assert sum(line.startswith("::error") for line in out) == 10
    assert out[10] == "::notice::2 more problems are listed in the step summary"
    text = summary.read_text()
    assert text.startswith("## fleet check\n\nFound 12 problems in 1 file")
    assert text.count("| `many.py` |") == 12


def test_fix_rewrites_literals_and_blocks_and_is_idempotent(tmp_path: Path) -> None:
    root = broken_repo(tmp_path)
    first = fleet(root, "--fix")
    assert first.stderr == "Fixed 3 problems in 3 files.\n"
    assert first.returncode == 1  # the unknown key cannot be fixed safely
    assert [line for line in first.stdout.splitlines() if ": FL" in line] == [
        "libs/modal-client.ts:8:3: FL002 ENDPOINT_TIMEOUT_MS['/upscale']: /upscale is not an "
        "endpoint in the registry"
    ]
    assert "timeout=300)" in (root / "apps" / "flux" / "app.py").read_text()
    assert '"/flux-dev": 240_000,' in (root / "libs" / "modal-client.ts").read_text()
    assert (
        "| ryla-seedvr2 | `apps/seedvr2` | A100 | 900 s | `/seedvr2` |"
        in (root / "docs" / "APPS.md").read_text()
    )
    snapshot = {p: p.read_text() for p in root.rglob("*") if p.is_file()}
    second = fleet(root, "--fix")
    assert second.stderr == ""
    assert {p: p.read_text() for p in root.rglob("*") if p.is_file()} == snapshot


def test_diff_prints_the_patch_and_writes_nothing(tmp_path: Path) -> None:
    root = broken_repo(tmp_path)
    before = (root / "apps" / "flux" / "app.py").read_text()
    result = fleet(root, "--diff")
    assert result.returncode == 1
    assert "--- a/apps/flux/app.py\n+++ b/apps/flux/app.py\n" in result.stdout
    assert (
        '-@app.cls(gpu="L40S", timeout=600)\n+@app.cls(gpu="L40S", timeout=300)\n' in result.stdout
    )
    assert (root / "apps" / "flux" / "app.py").read_text() == before
