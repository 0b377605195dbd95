"""FL013: a document's section about one app states its GPU, timeout or secret as the registry
does, in code blocks and in tables with a GPU column."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import DRIFT, make_repo, run


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


def test_prose_states_a_gpu_as_a_field_a_gpu_a_count_or_what_it_runs_on(tmp_path: Path) -> None:
    doc = (
        "# Models\n"
        "## ryla-seedvr2\n"
        "- **Resources**: L4 GPU\n"  # a type called a GPU
        "- Runs on T4 in production\n"  # what it runs on
        "- 4x A100: about $12/hour\n"  # a count the registry does not give
        "- Cost: A100 at $3/hour\n"  # a type alone is no statement
        "- (GPU: A100-80GB)\n"  # the registry's A100, as a field
        "- Upgraded from T4 to A100 in March\n"  # two types, a change
        "- Moved off the H100 GPU that was too dear\n"  # a change
        "- 2x faster than on T4\n"  # a comparison
        "### Before the fix\n"  # a section of another day
        "- H100 GPU\n"
        "### Now (on H100)\n"
        "- done\n"
    )
    root = make_repo(tmp_path, {"docs/models.md": doc})
    assert found(root) == [
        (3, "documents ryla-seedvr2 with gpu='L4'; the registry gives it A100"),
        (4, "documents ryla-seedvr2 with gpu='T4'; the registry gives it A100"),
        (5, "documents ryla-seedvr2 with gpu='4x A100'; the registry gives it A100"),
        (13, "documents ryla-seedvr2 with gpu='H100'; the registry gives it A100"),
    ]


VOICE = """\
version: 1
workspace: ryla
environments:
  main: {web_suffix: ""}
retired:
  apps:
    - name: voice-old
      files: [apps/voice/old_tts.py]
      reason: replaced by voice
apps:
  voice:
    name: voice-stack
    dir: apps/voice
    web:
      - class: STTService
        method: web
        gpu: L40S
        timeout_s: 300
        endpoints:
          /ws: {kind: audio, method: WEBSOCKET, client_timeout_s: 150}
      - class: Orchestrator
        method: web
        timeout_s: 600
        endpoints:
          /v1/realtime: {kind: audio, method: WEBSOCKET, client_timeout_s: 300}
"""
VOICE_APP = '''\
"""The voice stack.

Orchestrator:
    - GPU: none
STTService:
    - GPU: L40S x2
"""
import modal

app = modal.App("voice-stack")


@app.cls(gpu="L40S", timeout=300)
class STTService:
    @modal.asgi_app()
    def web(self):
        return {"gpu": "L4"}


@app.cls(timeout=600)
class Orchestrator:
    @modal.asgi_app()
    def web(self):
        return None
'''


def test_a_class_named_by_a_heading_or_a_line_is_judged_by_its_own_gpu(tmp_path: Path) -> None:
    doc = (
        "# Architecture\n"
        "1. **Orchestrator** (CPU)\n"
        "2. **STTService** (GPU: L4)\n"  # the line names the class
        "## STTService\n"
        "- **Resources**: L40S GPU\n"
        "## Orchestrator\n"
        "- **Resources**: L4 GPU\n"  # the orchestrator has no GPU
        "## Old TTS (`old_tts.py`)\n"  # a file retired with an app: not voice-stack's
        "- **Resources**: L4 GPU\n"
    )
    files = {"registry/fleet.yaml": VOICE, "apps/voice/app.py": VOICE_APP, "docs/voice.md": doc}
    root = make_repo(tmp_path, files, apps=False)
    assert found(root) == [
        # the entry file: a docstring's field, what a web function answers
        (6, "documents voice-stack with gpu='L40S x2'; the registry gives it L40S"),
        (17, "documents voice-stack with gpu='L4'; the registry gives it L40S"),
        (3, "documents voice-stack's STTService with gpu='L4'; the registry gives it L40S"),
        (7, "documents voice-stack's Orchestrator with gpu='L4'; the registry gives it no GPU"),
    ]


def test_a_section_whose_own_urls_reach_one_app_is_about_it(tmp_path: Path) -> None:
    doc = (
        "# Live endpoints (GPU)\n"
        "## Images (on L40S)\n"
        "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"
        "## Upscaling (on T4)\n"
        "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2\n"
        "## A run\n"
        "```\n"
        "$ curl https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/health\n"
        '{"gpu": "T4"}\n'  # a shell session's record: what it answered then
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/live.md": doc})
    assert found(root) == [(4, "documents ryla-seedvr2 with gpu='T4'; the registry gives it A100")]


def test_an_app_s_own_prose_states_what_it_runs_on(tmp_path: Path) -> None:
    app = (
        '"""Upscaling. Runs on an H100 GPU.\n\nIts 4K model needs B200.\n"""\n'  # it asks for A100
        "# 2x A100 -> 1x A100 halved the cost\n"  # a change, not what runs
        + (Path(__file__).parent.parent / "fixtures/drift/apps/seedvr2/app.py").read_text()
    )
    root = make_repo(tmp_path, {"apps/seedvr2/app.py": app})
    assert found(root) == [
        (1, "documents ryla-seedvr2 with gpu='H100'; the registry gives it A100"),
        (3, "documents ryla-seedvr2 with gpu='B200'; the registry gives it A100"),
    ]


def test_a_decorator_s_settings_are_of_the_class_it_decorates(tmp_path: Path) -> None:
    doc = (
        "## Orchestrator\n"
        "The Orchestrator calls the engine below.\n"
        "```python\n"
        "@app.cls(\n"
        '    gpu="A100",\n'  # the engine's, which the section shows
        "    timeout=600,\n"
        ")\n"
        "class IdentityEngine:\n"
        "    pass\n"
        "\n"
        '@app.cls(gpu="L4")\n'  # the orchestrator's own: wrong
        "class Orchestrator:\n"
        "    pass\n"
        "```\n"
    )
    files = {"registry/fleet.yaml": VOICE, "apps/voice/app.py": VOICE_APP, "docs/voice.md": doc}
    root = make_repo(tmp_path, files, apps=False)
    in_doc = [(f.line, f.message) for f in run(root).findings if f.path == "docs/voice.md"]
    assert in_doc == [
        (11, "documents voice-stack's Orchestrator with gpu='L4'; the registry gives it no GPU"),
    ]


def test_a_subsection_s_heading_names_what_it_is_about_not_the_guide(tmp_path: Path) -> None:
    doc = (
        "# Smart cache\n"
        "## Setup\n"
        "### 1. Redis\n"
        "```bash\n"
        "modal secret create cache-redis REDIS_URL=redis://host\n"  # the cache's, not voice's
        "```\n"
        "## Usage\n"
        "### From Python (Orchestrator)\n"
        "The Orchestrator calls the cache.\n"
    )
    files = {
        "registry/fleet.yaml": VOICE,
        "apps/voice/app.py": VOICE_APP,
        "docs/cache.md": doc,
        "cache/redis.py": 'import modal\n\nSECRET = modal.Secret.from_name("cache-redis")\n',
    }
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.line, f.message) for f in run(root).findings if f.path == "docs/cache.md"] == []


def test_a_class_named_by_a_plain_word_is_not_the_common_noun(tmp_path: Path) -> None:
    block = "```bash\nmodal secret create sentry SENTRY_DSN=x\n```\n"
    noun = f"# Guide\n## Adding a New Orchestrator\n{block}"  # what any reader adds
    named = f"# Guide\n## Orchestrator\n{block}"  # the class
    files = {"registry/fleet.yaml": VOICE, "apps/voice/app.py": VOICE_APP}
    files |= {"docs/noun.md": noun, "docs/named.md": named}
    files["tools/alerts.py"] = (
        'import modal\n\nSENTRY = modal.Secret.from_name("sentry")\n'  # its own
    )
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.path, f.line) for f in run(root).findings if f.path.startswith("docs/")] == [
        ("docs/named.md", 4)
    ]


def test_a_module_two_apps_deploy_states_the_gpu_of_either(tmp_path: Path) -> None:
    flux = (DRIFT / "apps" / "flux" / "app.py").read_text()
    flux += '\nVARIANT = {"name": "local", "gpu": "L4"}\n'
    local = "import os\n\nos.environ['VARIANT'] = 'local'\nfrom app import app  # noqa: E402\n"
    entry = {"apps/flux/app.py": flux}
    alone = make_repo(tmp_path / "alone", entry)
    assert [(f.path, f.line) for f in run(alone).findings] == [("apps/flux/app.py", 24)]
    shared = make_repo(tmp_path / "shared", {**entry, "apps/flux/local.py": local})
    registry = shared / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text()
        + "  flux-local:\n    name: ryla-flux-local\n    dir: apps/flux\n    entry: local.py\n"
        + "    gpu: L4\n    timeout_s: 300\n    web: {class: ComfyUI, method: fastapi_app}\n"
        + "    endpoints:\n      /flux-local: {kind: text-to-image, client_timeout_s: 180}\n"
    )
    assert [f for f in run(shared).findings if f.code == "FL013"] == []


def test_a_catalog_of_items_each_with_its_gpu_states_no_gpu_of_the_app(tmp_path: Path) -> None:
    flux = (DRIFT / "apps" / "flux" / "app.py").read_text()
    catalog = (
        '\nMODELS = {\n    "small": {"gpu": "T4", "memory_gb": 8},\n'
        '    "large": {"gpu": "L40S", "memory_gb": 48},\n}\n'
    )
    root = make_repo(tmp_path / "catalog", {"apps/flux/app.py": flux + catalog})
    assert run(root).findings == []
    # one type, in what two functions answer: a claim, the count too
    one = '\nHEALTH = {"gpu": "L40S x2"}\nWARM = {"gpu": "l40s x1", "torch": {"gpu": "cuda"}}\n'
    root = make_repo(tmp_path / "one", {"apps/flux/app.py": flux + one})
    assert [(f.path, f.line) for f in run(root).findings] == [("apps/flux/app.py", 24)]
