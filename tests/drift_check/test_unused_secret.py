"""FL017: a `modal secret create` command creates a secret some code looks up."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import make_repo, run

SECRETS_GUIDE = """\
# Setup

```bash
modal secret create hf-token HF_TOKEN=hf_...
modal secret create old-redis REDIS_URL=redis://cache:6379
modal secret create --force stale-key \\
  API_KEY=...
modal secret create ts-key KEY=1
modal secret create NAME KEY=value
modal secret create "$SECRET" KEY=value
modal secret create name KEY=value
```

Run `modal secret create` with your keys, or use modal secret create to add them.
"""
# A section about one app: FL013 judges its secret as that app's, and FL017 leaves it.
FLUX_SECRETS = "## ryla-flux\n\n```bash\nmodal secret create flux-hf HF_TOKEN=hf_...\n```\n"
LOOKUPS = {
    "tools/batch.py": 'import modal\n\nSECRET = modal.Secret.from_name("hf-token")\n',
    "web/modal.ts": 'const key = await modal.secrets.fromName("ts-key");\n',
}
CODES = ("FL013", "FL017")
UNUSED = "no app uses a secret of that name (the registry's apps use: none)"


def secrets(root: Path, selected: list[str] | None = None) -> list[tuple[str, str, int, int, str]]:
    findings = run(root, selected).findings
    return [(f.code, f.path, f.line, f.col, f.message) for f in findings if f.code in CODES]


def test_a_created_secret_is_one_some_code_looks_up(tmp_path: Path) -> None:
    files = {
        "docs/setup.md": SECRETS_GUIDE,
        "docs/flux.md": FLUX_SECRETS,
        "scripts/setup.sh": "modal secret create legacy-secret --from-dotenv .env\n",
        **LOOKUPS,
    }
    root = make_repo(tmp_path, files)
    assert secrets(root) == [
        (
            "FL013",
            "docs/flux.md",
            4,
            1,
            "documents ryla-flux with the secret 'flux-hf'; the registry's secrets for it: none",
        ),
        ("FL017", "docs/setup.md", 5, 21, f"`modal secret create old-redis`: {UNUSED}"),
        ("FL017", "docs/setup.md", 6, 29, f"`modal secret create stale-key`: {UNUSED}"),
        ("FL017", "scripts/setup.sh", 1, 21, f"`modal secret create legacy-secret`: {UNUSED}"),
    ]


def test_a_named_file_is_judged_against_all_the_code(tmp_path: Path, cache_dir: Path) -> None:
    files = {"docs/setup.md": SECRETS_GUIDE, "tools/util.py": "KEY = None\n", **LOOKUPS}
    root = make_repo(tmp_path / "repo", files)
    assert [(f[1], f[2]) for f in secrets(root, ["docs/setup.md"])] == [
        ("docs/setup.md", 5),
        ("docs/setup.md", 6),
    ]
    (root / "tools/cache.py").write_text(
        'import modal\n\nCACHE = modal.Secret.from_name("old-redis")\n'
    )
    assert [(f[1], f[2]) for f in secrets(root, ["tools/cache.py"])] == []
    assert [(f[1], f[2]) for f in secrets(root)] == [("docs/setup.md", 6)]
    # A kept result brought up to date by checking the edited file: every file's FL017 again.
    (root / "tools/util.py").write_text(
        'import modal\n\nKEY = modal.Secret.from_name("stale-key")\n'
    )
    assert secrets(root) == []


def test_no_created_secret_is_judged_when_code_names_one_at_run_time(tmp_path: Path) -> None:
    files = {
        "docs/setup.md": SECRETS_GUIDE,
        "tools/batch.py": 'import os\nimport modal\n\nmodal.Secret.from_name(os.environ["S"])\n',
    }
    root = make_repo(tmp_path, files)
    assert secrets(root) == []


def test_a_historical_document_may_create_what_is_gone(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"CHANGELOG.md": SECRETS_GUIDE})
    assert secrets(root) == []
