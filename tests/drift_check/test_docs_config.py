"""FL013: a document's section about one app states its GPU, timeout or secret as the registry
does, in code blocks and in tables with a GPU column."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import make_repo, run


def found(root: Path) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in run(root).findings if f.code == "FL013"]


GUIDE = """\
# Deploying

| App | GPU | Notes |
|-----|-----|-------|
| ryla-flux | L40S | images |
| ryla-seedvr2 | ✅ H100 | upscaling |
| ryla-flux and ryla-seedvr2 | T4 | two apps: not one row's |
| flux inference | T4 | a plain-word key is no app's name |

## ryla-flux

```python
@app.cls(gpu="L40S", timeout=300, secrets=[modal.Secret.from_name("hf")])
```

### Config
```python
gpu="T4"            # wrong
timeout=600         # wrong
httpx.post(url, timeout=600)  # a client's timeout, not the app's
```

## Upscaling (seedvr2)

```python
gpu="A100-80GB"     # the registry's A100, written in full
timeout=900
```

### Client
```python
client = httpx.AsyncClient(
    timeout=600.0,      # a client's call: not the app's
)
```

## Troubleshooting

```python
gpu="H100"          # no app named: not judged
```
"""


def test_a_section_about_an_app_states_its_registry_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"docs/deploy.md": GUIDE})
    assert found(root) == [
        (6, "documents ryla-seedvr2 with gpu='H100'; the registry gives it A100"),
        (
            13,
            "documents ryla-flux with the secret 'hf'; the registry's secrets for it: none",
        ),
        (18, "documents ryla-flux with gpu='T4'; the registry gives it L40S"),
        (19, "documents ryla-flux with timeout=600; the registry's timeouts for it: 300 s"),
    ]


def test_a_historical_document_is_not_read_for_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"CHANGELOG.md": GUIDE})
    assert found(root) == []


def test_a_section_whose_headings_name_one_app_is_about_it(tmp_path: Path) -> None:
    doc = (
        "# Setup\n"
        "## Modal\n"
        "### 1. Install\n"
        "### 2. Configure seedvr2\n"
        "```python\n"
        "timeout=900\n"
        "```\n"
        "### 3. Secrets\n"  # a sibling: the enclosing section names only seedvr2
        "```python\n"
        'secrets=[modal.Secret.from_name("hf")]\n'
        "```\n"
        "```bash\n"
        "# Secret Name: hf-token\n"
        "```\n"
        "## The old single app (ryla-comfyui)\n"  # a retired app: not the fleet's to judge
        "```python\n"
        "timeout=60\n"
        "```\n"
        "## Clients\n"
        "### ryla-flux and seedvr2\n"  # two apps: sections under Clients are about neither
        "### Timeouts\n"
        "```python\n"
        "timeout=5\n"
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/setup.md": doc})
    assert found(root) == [
        (10, "documents ryla-seedvr2 with the secret 'hf'; the registry's secrets for it: none"),
        (
            13,
            "documents ryla-seedvr2 with the secret 'hf-token'; the registry's secrets for it: "
            "none",
        ),
    ]


def test_a_guide_that_deploys_one_app_states_what_it_runs_on(tmp_path: Path) -> None:
    doc = (
        "# Deployment guide\n"
        "## Deploy\n"
        "```bash\n"
        "modal deploy apps/seedvr2/app.py\n"
        "```\n"
        "## Health\n"
        "```json\n"
        '{"status": "healthy", "gpu": "A10G"}\n'
        "```\n"
        "```json\n"
        '{"timestamp": "2026-02-02T00:40:32", "gpu": "Tesla T4"}\n'  # a run's record
        "```\n"
        "## Cost\n"
        "- **GPU:** A100 (~$3/hr when running)\n"
        "- GPU: A100 x2\n"
        "## Patterns\n"
        "```python\n"
        '@app.function(gpu="T4", timeout=60)  # a pattern the guide shows: not read\n'
        "```\n"
        "```python\n"
        'app = modal.App("other")\n'
        '@app.function(gpu="T4")\n'
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/deploy.md": doc})
    assert found(root) == [
        (8, "documents ryla-seedvr2 with gpu='A10G'; the registry gives it A100"),
        (15, "documents ryla-seedvr2 with gpu='A100 x2'; the registry gives it A100"),
    ]


def test_a_block_that_defines_another_app_shows_that_app(tmp_path: Path) -> None:
    doc = (
        "## ryla-flux\n"
        "```python\n"
        'app = modal.App("ryla-flux-old")\n'
        '@app.cls(gpu="T4")\n'
        "```\n"
        "```python\n"
        'app = modal.App("ryla-flux")\n'
        '@app.cls(gpu="T4")\n'
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/flux.md": doc})
    assert found(root) == [(8, "documents ryla-flux with gpu='T4'; the registry gives it L40S")]
