"""The repository the audit describes, rebuilt in its own layout under tests/fixtures/audit.

`fleet check` must report every problem the audit lists (sections 2.3, 3, 5, 8, 9 and 14, plus
a server timeout below its client timeout and an httpx call that does not follow Modal's 303),
at the right file, line and rule; nothing in the files the audit calls correct; and nothing
once `--fix` and a few hand fixes have been applied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.drift_check.conftest import repo_at
from tools.drift_check.fix import plan_fixes, write_fixes
from tools.drift_check.runner import check

AUDIT = FIXTURES / "audit"

EXPECTED = [
    # 2.3: the workflow deploys files that no longer exist.
    ("FL003", ".github/workflows/deploy-modal.yml", 14),
    ("FL007", ".github/workflows/deploy-modal.yml", 14),
    ("FL003", ".github/workflows/deploy-modal.yml", 15),
    ("FL007", ".github/workflows/deploy-modal.yml", 15),
    # 5: the API adapter's fallback is the single app.
    ("FL003", "apps/api/src/modules/image/services/modal-job-runner.adapter.ts", 2),
    # 9: the README tells people to deploy the legacy app.
    ("FL003", "apps/modal/README.md", 6),
    ("FL008", "apps/modal/README.md", 6),
    # 2.2: the legacy single app still exists.
    ("FL003", "apps/modal/app.py", 4),
    # 14: a server timeout below its client timeout.
    ("FL001", "apps/modal/apps/z_image/app.py", 25),
    # 2.2: the legacy deploy script.
    ("FL007", "apps/modal/scripts/deploy.sh", 3),
    # 8: tests call the single app, and a removed endpoint.
    ("FL003", "apps/modal/tests/test_flux_dev_success_rate.py", 1),
    ("FL003", "apps/modal/tests/test_instantid_consistency.py", 1),
    ("FL003", "apps/modal/tests/test_instantid_consistency.py", 1),
    ("FL003", "apps/modal/tests/test_performance.py", 1),
    ("FL003", "apps/modal/tests/test_seedvr2.py", 3),
    # 9: the ops docs too.
    ("FL003", "docs/ops/deployment/modal/README.md", 3),
    ("FL008", "docs/ops/deployment/modal/README.md", 3),
    # 14: the client timeout map misses endpoints and disagrees with the registry.
    ("FL002", "libs/business/src/services/modal-client.ts", 29),
    ("FL002", "libs/business/src/services/modal-client.ts", 32),
    # 5: the client's fallback app.
    ("FL003", "libs/business/src/services/modal-client.ts", 49),
    # The 303 bug: a long httpx call that does not follow redirects.
    ("FL009", "scripts/quality-test-matrix.py", 8),
    # 3 and 11: the comprehensive test's APPS lacks qwen-edit.
    ("FL005", "scripts/test-all-endpoints-comprehensive.py", 4),
    # 3: the single BASE_URL.
    ("FL003", "scripts/test-all-endpoints.py", 4),
]

CORRECT = [
    "scripts/test-split-apps.py",
    "scripts/test-sdxl-endpoints.py",
    "scripts/test-endpoints.sh",
    "scripts/benchmark-endpoints.py",
    "apps/modal/apps/README.md",
    "apps/modal/ENDPOINT-APP-MAPPING.md",
    "apps/modal/deploy.sh",
]

HAND_FIXES: dict[str, list[tuple[str, str]]] = {
    ".github/workflows/deploy-modal.yml": [
        (
            "        run: |\n          modal deploy comfyui_danrisi.py\n"
            "          modal deploy comfyui_z_image_turbo.py\n",
            "        run: fleet deploy --all --target modal\n",
        )
    ],
    "apps/api/src/modules/image/services/modal-job-runner.adapter.ts": [
        ("--ryla-comfyui-comfyui", "--ryla-flux-comfyui")
    ],
    "apps/modal/README.md": [("modal deploy apps/modal/app.py", "fleet deploy --all")],
    "docs/ops/deployment/modal/README.md": [
        ("modal deploy apps/modal/app.py", "fleet deploy --all")
    ],
    "apps/modal/tests/test_flux_dev_success_rate.py": [
        ("ryla-comfyui-comfyui", "ryla-flux-comfyui")
    ],
    "apps/modal/tests/test_instantid_consistency.py": [
        ("ryla-comfyui-comfyui", "ryla-instantid-comfyui"),
        ("/flux-instantid", "/sdxl-instantid"),
    ],
    "apps/modal/tests/test_performance.py": [("ryla-comfyui-comfyui", "ryla-flux-comfyui")],
    "apps/modal/tests/test_seedvr2.py": [("ryla-comfyui-comfyui", "ryla-seedvr2-comfyui")],
    "libs/business/src/services/modal-client.ts": [
        (
            "  '/sdxl-instantid': 420_000,\n",
            "  '/sdxl-instantid': 420_000,\n  '/sdxl-turbo': "
            "180_000,\n  '/sdxl-lightning': 180_000,\n",
        ),
        ("?? 'ryla-comfyui'", "?? 'ryla-flux'"),
    ],
    "scripts/quality-test-matrix.py": [("timeout=420)", "timeout=420, follow_redirects=True)")],
    "scripts/test-all-endpoints-comprehensive.py": [
        (
            '    "z-image":',
            '    "qwen-edit": "https://ryla--ryla-qwen-edit-comfyui-fastapi-app.modal.run",\n'
            '    "z-image":',
        )
    ],
    "scripts/test-all-endpoints.py": [("ryla-comfyui-comfyui", "ryla-flux-comfyui")],
}
DELETED = ["apps/modal/app.py", "apps/modal/scripts/deploy.sh"]


@pytest.fixture
def audit_repo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(AUDIT, tmp_path / "audit"))


def test_every_problem_of_the_audit_is_reported(audit_repo: Path) -> None:
    result = check(repo_at(audit_repo))
    assert [(f.code, f.path, f.line) for f in result.findings] == EXPECTED
    assert result.files == 28


def test_files_the_audit_calls_correct_are_clean(audit_repo: Path) -> None:
    flagged = {f.path for f in check(repo_at(audit_repo)).findings}
    assert flagged.isdisjoint(CORRECT)
    for path in CORRECT:
        assert (audit_repo / path).is_file()


def test_fix_then_hand_fixes_leave_a_clean_tree(audit_repo: Path) -> None:
    fixes = plan_fixes(audit_repo, check(repo_at(audit_repo)).findings)
    assert [(f.path, f.edits) for f in fixes] == [
        ("apps/modal/apps/z_image/app.py", 1),
        ("libs/business/src/services/modal-client.ts", 1),
    ]
    write_fixes(audit_repo, fixes)
    assert "timeout=900)" in (audit_repo / "apps/modal/apps/z_image/app.py").read_text()
    assert (
        "'/z-image-lora': 600_000,"
        in (audit_repo / "libs/business/src/services/modal-client.ts").read_text()
    )
    for path, replacements in HAND_FIXES.items():
        target = audit_repo / path
        text = target.read_text()
        for old, new in replacements:
            assert old in text, (path, old)
            text = text.replace(old, new)
        target.write_text(text)
    for path in DELETED:
        (audit_repo / path).unlink()
    assert check(repo_at(audit_repo)).findings == []
