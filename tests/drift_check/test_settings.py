"""FL015: settings for the fleet that templates and guides set and no code reads."""

from __future__ import annotations

import re
from pathlib import Path

from tests.drift_check.conftest import make_repo, run
from tools.drift_check.extract.settings import MODAL_OWN

ENV_EXAMPLE = (
    "# Modal endpoints\n"
    "MODAL_ENDPOINT_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run\n"
    "MODAL_WEBRTC_URL=\n"  # the backend stopped reading it
    "FLUX_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"  # no code reads it
    "MODAL_TOKEN_ID=ak-...\n"  # the Modal client reads it
    "DATABASE_URL=postgres://\n"  # not about the fleet
    "MODAL_SEEDVR2_ENDPOINT=https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run\n"  # built
    "APP_MODAL_TIMEOUT=600\n"  # a settings class's field after its prefix
)
BACKEND = (
    "import os\n\n"
    'URL = os.environ["MODAL_ENDPOINT_URL"]\n'
    'print("Set MODAL_WEBRTC_URL=<url> too")  # tells how to set it: not a read\n\n\n'
    "def url(app):\n"
    '    return os.getenv(f"MODAL_{app.upper()}_ENDPOINT")\n\n\n'
    "class Settings:\n"
    '    model_config = {"env_prefix": "APP_"}\n'
    "    modal_timeout: int = 300\n"
)
GUIDE = (
    "Set these:\n\n"
    "```bash\n"
    "export MODAL_BASE_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run\n"
    "MODAL_ENDPOINT_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run\n"
    "```\n\n"
    "MODAL_PROSE_URL=https://x.modal.run is prose, not a setting to copy.\n"
)


def test_a_setting_no_code_reads_is_reported_where_it_is_set(tmp_path: Path) -> None:
    files = {".env.example": ENV_EXAMPLE, "backend/settings.py": BACKEND, "docs/setup.md": GUIDE}
    root = make_repo(tmp_path, files)
    found = [(f.code, f.path, f.line, f.message) for f in run(root).findings]
    unread = "is set here, but no code of the repository reads it"
    assert found == [
        ("FL015", ".env.example", 3, f"MODAL_WEBRTC_URL {unread}"),
        ("FL015", ".env.example", 4, f"FLUX_URL {unread}"),
        ("FL015", "docs/setup.md", 4, f"MODAL_BASE_URL {unread}"),
    ]


def test_a_modal_app_s_docstring_tells_its_reader_what_to_set(tmp_path: Path) -> None:
    app = (
        '"""Deploy, then point the backend at it:\n\n'
        "    QWEN_STREAM_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"
        '"""\n\nimport modal\n\napp = modal.App("other")\n'
        'URL = "MODAL_LOCAL=1"  # a string of its code, not its docs\n'
    )
    root = make_repo(tmp_path, {"svc/app.py": app})
    findings = [(f.code, f.path, f.line) for f in run(root).findings]
    assert [f for f in findings if f[0] == "FL015"] == [("FL015", "svc/app.py", 3)]


def test_a_workflow_or_script_that_uses_a_setting_reads_it(tmp_path: Path) -> None:
    files = {
        ".env.example": "MODAL_WEBRTC_URL=\nFLUX_URL=https://x--y.modal.run\n",
        "deploy.sh": 'curl "$MODAL_WEBRTC_URL/health"\n',
        ".github/workflows/smoke.yml": "env:\n  URL: ${{ vars.FLUX_URL }}\n",
    }
    assert [f for f in run(make_repo(tmp_path, files)).findings if f.code == "FL015"] == []


def test_fleet_knows_the_variables_the_installed_modal_client_reads() -> None:
    import modal
    from modal.config import _SETTINGS

    package = Path(modal.__file__).parent
    named = {
        name
        for path in package.rglob("*.py")
        for name in re.findall(r"\"(MODAL_[A-Z0-9_]+)\"", path.read_text())
    }
    assert named | {f"MODAL_{key.upper()}" for key in _SETTINGS} == MODAL_OWN
