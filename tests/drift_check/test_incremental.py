"""After an edit, a check redoes only the changed files, and finds exactly what a full one does.

Each case edits the audit's repository (tests/fixtures/audit, every rule firing somewhere),
checks it twice over, once as a developer would (the kept check brought up to date) and once
from scratch, and compares findings, files checked and files skipped; the last test does so
after every step of random sequences of edits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.drift_check.conftest import make_repo, repo_at
from tools.core import cache
from tools.core.repository import Repository
from tools.drift_check import engine
from tools.drift_check.findings import CheckResult
from tools.drift_check.runner import check

AUDIT = FIXTURES / "audit"
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
DOC = "docs/ops/deployment/modal/README.md"
SCRIPT = "scripts/test-all-endpoints.py"
CLIENT = "libs/business/src/services/modal-client.ts"
WORKFLOW = ".github/workflows/deploy-modal.yml"
APP = "apps/modal/apps/flux/app.py"


def _append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return edit


def _replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        text = (root / path).read_text()
        assert old in text
        (root / path).write_text(text.replace(old, new))

    return edit


def _write_bytes(path: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / path).write_bytes(data)


# Edits that only change files' bytes, and the files checked again after each.
FILE_EDITS = {
    "deploy line for a missing file": (
        _append(DOC, "- Also: `modal deploy apps/nope/app.py`\n"),
        [DOC],
    ),
    "retired URL removed": (
        _replace(
            SCRIPT,
            "ryla--ryla-comfyui-comfyui-fastapi-app",
            "ryla--ryla-flux-comfyui-fastapi-app",
        ),
        [SCRIPT],
    ),
    "suppression added": (
        _replace(SCRIPT, 'BASE_URL = "', '# fleet: ignore[FL003, FL004]\nBASE_URL = "'),
        [SCRIPT],
    ),
    "unused suppression": (_append(SCRIPT, "# fleet: ignore[FL002]\n"), [SCRIPT]),
    "client map emptied": (_write_bytes(CLIENT, b""), [CLIENT]),
    "turned binary": (_write_bytes(SCRIPT, b"\x00\x01binary"), [SCRIPT]),
    "workflow deploys an app": (
        _replace(WORKFLOW, "modal deploy comfyui_danrisi.py", "modal deploy apps/flux/app.py"),
        [WORKFLOW],
    ),
    "a secret created that no code looks up": (
        _append(DOC, "\n```bash\nmodal secret create cache-redis REDIS_URL=x\n```\n"),
        [DOC],
    ),
    "two files at once": (
        lambda root: (
            _append(DOC, "`modal deploy apps/modal/apps/flux/app.py`\n")(root),
            _write_bytes(CLIENT, b"export const X = 1;\n")(root),
        ),
        [DOC, CLIENT],
    ),
}
# Edits after which every file is checked again, and what the rules were asked to look at:
# an app's file is checked as a named file would be, which means every file.
WHOLE_EDITS = {
    "app file": (_replace(APP, "timeout=300", "timeout=3000"), [APP]),
    "registry": (_append("registry/fleet.yaml", "# a comment\n"), None),
    "pyproject": (lambda root: (root / "pyproject.toml").write_text("[tool.fleet]\n"), None),
    "new file": (
        lambda root: (root / "scripts" / "new.py").write_text('U = "/flux-instantid"\n'),
        None,
    ),
}


@pytest.fixture
def audit(tmp_path: Path, cache_dir: Path) -> Path:
    root = tmp_path / "audit"
    shutil.copytree(AUDIT, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=GIT_ENV)
    return root


@pytest.fixture
def selections(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """What each run of the rules was asked to look at: None for every file."""
    asked: list[list[str] | None] = []
    real = engine.check

    def recording(repo: Repository, selected=None, paths=None, **options) -> CheckResult:
        asked.append(selected)
        return real(repo, selected, paths, **options)

    monkeypatch.setattr(engine, "check", recording)
    return asked


def _outcome(result: CheckResult) -> tuple[object, ...]:
    return (result.findings, result.files, result.skipped_files)


def _from_scratch(root: Path) -> CheckResult:
    with cache.turned_off():
        return check(repo_at(root))


@pytest.mark.parametrize("name", list(FILE_EDITS))
def test_a_file_edit_checks_that_file_and_finds_what_a_full_check_finds(
    audit: Path,
    selections: list[list[str] | None],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    edit, changed = FILE_EDITS[name]
    before = check(repo_at(audit))
    edit(audit)
    after = check(repo_at(audit))
    expected = _from_scratch(audit)
    assert _outcome(after) == _outcome(expected)
    assert _outcome(after) != _outcome(before)
    assert selections[:2] == [None, sorted(changed)]
    # And the result brought up to date is kept: the next check replays it.
    assert _outcome(check(repo_at(audit))) == _outcome(expected)
    assert len(selections) == 3  # the two checks above and the one from scratch


@pytest.mark.parametrize("name", list(WHOLE_EDITS))
def test_a_wide_edit_checks_every_file(
    audit: Path,
    selections: list[list[str] | None],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    edit, asked = WHOLE_EDITS[name]
    check(repo_at(audit))
    edit(audit)
    after = check(repo_at(audit))
    assert _outcome(after) == _outcome(_from_scratch(audit))
    assert (selections[1], after.selection) == (asked, None)


def test_edits_in_a_row_stay_equal_to_a_full_check(
    audit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(repo_at(audit))
    for name, (edit, _) in FILE_EDITS.items():
        edit(audit)
        updated, expected = check(repo_at(audit)), _from_scratch(audit)
        extra = set(updated.findings) - set(expected.findings)
        missing = set(expected.findings) - set(updated.findings)
        assert (name, extra, missing) == (name, set(), set())
        assert (name, *_outcome(updated)) == (name, *_outcome(expected))


# Lines that make rules fire, or stop them firing, in any file they land in.
LINES = [
    "Deploy: `modal deploy apps/nope/app.py`\n",
    "Deploy: `modal deploy apps/modal/apps/flux/app.py`\n",
    'URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run/flux"\n',
    'URL = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/seedvr2"\n',
    'TIMEOUTS_S = {"/flux": 30, "/flux-instantid": 60}\n',
    "export const T_MS = { '/flux': 300_000 } as const;\n",
    "modal secret create cache-redis REDIS_URL=redis://cache\n",
    'REDIS = modal.Secret.from_name("cache-redis")\n',
    "# fleet: ignore[FL003]\n",
    "<!-- fleet: ignore[FL004] -->\n",
    "plain text\n",
]
TARGETS = [DOC, SCRIPT, CLIENT, WORKFLOW, "apps/modal/README.md", "scripts/test-endpoints.sh"]
step = st.one_of(
    st.tuples(st.just("append"), st.sampled_from(TARGETS), st.sampled_from(LINES)),
    st.tuples(st.just("write"), st.sampled_from(TARGETS), st.sampled_from(["", "\x00", *LINES])),
    st.tuples(st.just("delete"), st.sampled_from(TARGETS), st.just("")),
    st.tuples(st.just("create"), st.just("scripts/added.py"), st.sampled_from(LINES)),
    st.tuples(st.just("append"), st.just(APP), st.just("# edited\n")),
)


def _apply(root: Path, action: str, path: str, text: str) -> None:
    target = root / path
    if action == "delete":
        target.unlink(missing_ok=True)
    elif action == "append" and target.exists():
        with target.open("a", encoding="utf-8") as stream:
            stream.write(text)
    else:
        target.write_text(text)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=5))
def test_any_sequence_of_edits_ends_where_a_full_check_does(
    steps: list[tuple[str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        cache.use(Path(folder) / "cache")
        try:
            root = Path(folder) / "audit"
            shutil.copytree(AUDIT, root)
            subprocess.run(["git", "init", "-q", str(root)], check=True, env=GIT_ENV)
            check(repo_at(root))
            for action, path, text in steps:
                _apply(root, action, path, text)
                updated = check(repo_at(root))
                assert _outcome(updated) == _outcome(_from_scratch(root))
        finally:
            cache.use(None)


def test_a_constant_an_app_imports_from_elsewhere_is_read_again(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = make_repo(tmp_path, {"common/names.py": 'HF = "hf"\n'})
    app = root / "apps/flux/app.py"
    app.write_text(
        app.read_text().replace(
            "import modal\n",
            "import modal\n\nfrom common import names\n\nhf = modal.Secret.from_name(names.HF)\n",
        )
    )
    fleet = root / "registry/fleet.yaml"
    fleet.write_text(
        fleet.read_text().replace("    gpu: L40S\n", "    gpu: L40S\n    secrets: [hf]\n")
    )
    assert check(repo_at(root)).findings == []
    (root / "common/names.py").write_text('HF = "hf-token"\n')
    drifted = check(repo_at(root))
    assert [(f.code, f.path) for f in drifted.findings] == [
        ("FL012", "apps/flux/app.py"),
        ("FL012", "registry/fleet.yaml"),
    ]
    assert _outcome(drifted) == _outcome(_from_scratch(root))
    (root / "common/names.py").write_text('HF = "hf"\n')
    assert check(repo_at(root)).findings == []


def test_a_document_that_keeps_a_file_for_reference_is_read_again(
    tmp_path: Path, cache_dir: Path
) -> None:
    called = 'URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run/flux-dev"\n'
    files = {"bench/README.md": "- `old.py` (legacy)\n", "bench/old.py": called}
    root = make_repo(tmp_path / "repo", files)
    assert check(repo_at(root)).findings == []
    (root / "bench/README.md").write_text("- `old.py`\n")
    unmarked = check(repo_at(root))
    assert [(f.code, f.path) for f in unmarked.findings] == [("FL003", "bench/old.py")]
    assert _outcome(unmarked) == _outcome(_from_scratch(root))


def test_an_app_renamed_in_code_is_read_again_by_commands_that_name_it(
    tmp_path: Path, cache_dir: Path
) -> None:
    files = {
        "docs/ops.md": "Run `modal app logs tools-worker`.\n",
        "tools/worker.py": 'import modal\napp = modal.App("tools-worker")\n',
    }
    root = make_repo(tmp_path / "repo", files)
    assert check(repo_at(root)).findings == []
    (root / "tools/worker.py").write_text('import modal\napp = modal.App("tools-wrker")\n')
    renamed = check(repo_at(root))
    assert [(f.code, f.path) for f in renamed.findings] == [("FL005", "docs/ops.md")]
    assert _outcome(renamed) == _outcome(_from_scratch(root))
    (root / "tools/worker.py").write_text('import modal\napp = modal.App(f"{X}-worker")\n')
    assert check(repo_at(root)).findings == []  # a name the code does not say: not judged
