"""FL008 Markdown and FL009 Modal's limits."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import DRIFT, make_repo, run
from tools.core.registry.load import load_registry
from tools.core.render.blocks import render_block


def found(root: Path) -> list[tuple[str, str, int, int, str]]:
    return [(f.code, f.path, f.line, f.col, f.message) for f in run(root).findings]


def test_markdown_tables_deploy_instructions_and_blocks(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"docs/README.md": DRIFT / "FL008" / "README.md"})
    assert found(root) == [
        (
            "FL008",
            "docs/README.md",
            5,
            40,
            "/seedvr2 is listed under ryla-flux, but ryla-seedvr2 serves it",
        ),
        (
            "FL008",
            "docs/README.md",
            6,
            33,
            "/upscale is listed under ryla-seedvr2, but is no endpoint in the registry",
        ),
        (
            "FL003",
            "docs/README.md",
            10,
            23,
            "deleted deploy file 'apps/modal/app.py': split into per-model apps",
        ),
        (
            "FL008",
            "docs/README.md",
            10,
            23,
            "`modal deploy apps/modal/app.py`: apps/modal/app.py does not exist",
        ),
        (
            "FL008",
            "docs/README.md",
            13,
            1,
            "generated block 'apps' is stale: the registry gives different content",
        ),
        ("FL008", "docs/README.md", 16, 1, "unknown generated block 'nonsense'"),
        (
            "FL008",
            "docs/README.md",
            19,
            1,
            "generated block 'endpoints' has no `<!-- fleet:end endpoints -->`",
        ),
    ]


def test_a_current_block_is_clean(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {})
    registry = load_registry(root / "registry" / "fleet.yaml")
    body = render_block(registry, "endpoints", {"env": "staging"})
    assert body is not None
    assert "https://ryla-staging--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2" in body
    (root / "ENDPOINTS.md").write_text(
        f"<!-- fleet:begin endpoints env=staging -->\n{body}<!-- fleet:end endpoints -->\n"
    )
    assert found(root) == []


def test_http_clients_must_follow_modal_redirects(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "scripts/client.py": DRIFT / "FL009" / "client.py",
            "apps/flux/app.py": DRIFT / "FL009" / "local.py",
        },
    )
    assert found(root) == [
        (
            "FL009",
            "apps/flux/app.py",
            12,
            12,
            "httpx.get(...) does not follow redirects, and "
            "timeout=3 * 60 is over Modal's 150 s web limit: Modal's 303 See Other would fail the "
            "call",
        ),
        (
            "FL006",
            "apps/flux/app.py",
            17,
            27,
            'label="a-label-that-is-much-longer-than-the-sixty-'
            "three-characters-modal-allows\" makes the URL label differ from the registry's "
            "ryla-flux-comfyui-fastapi-app",
        ),
        (
            "FL009",
            "apps/flux/app.py",
            17,
            27,
            "label 'a-label-that-is-much-longer-than-the-sixty-"
            "three-characters-modal-allows' is 72 characters; Modal truncates labels over 63 and "
            "appends a hash",
        ),
        (
            "FL009",
            "scripts/client.py",
            7,
            12,
            "httpx.post(...) does not follow redirects, and "
            "timeout=600 is over Modal's 150 s web limit: Modal's 303 See Other would fail "
            "the call",
        ),
    ]


def test_a_timeout_an_httpx_timeout_object_holds_is_read(tmp_path: Path) -> None:
    client = (
        "import httpx\n"
        'URL = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux"\n'
        "LONG = httpx.Timeout(None, read=900)\n"
        "async def start():\n"
        "    timeout = httpx.Timeout(600.0, connect=60.0)\n"  # 5: what a response may take
        "    async with httpx.AsyncClient(timeout=timeout) as client:\n"
        "        return await client.post(URL)\n"
        "async def quick():\n"
        "    timeout = httpx.Timeout(10.0, read=30.0)\n"  # 9: below /flux's 180 s
        "    async with httpx.AsyncClient(timeout=timeout) as client:\n"
        "        return await client.post(URL)\n"
        "def sync():\n"
        "    return httpx.post(URL, timeout=LONG)\n"  # 13
    )
    findings = run(make_repo(tmp_path, {"scripts/client.py": client})).findings
    over = "is over Modal's 150 s web limit: Modal's 303 See Other would fail the call"
    assert [(f.code, f.line, f.col, f.message) for f in findings] == [
        (
            "FL009",
            6,
            16,
            "httpx.AsyncClient(...) does not follow redirects, and "
            f"timeout=httpx.Timeout(600.0, connect=60.0) {over}",
        ),
        (
            "FL002",
            9,
            15,
            "httpx.AsyncClient(...) to /flux gives up after timeout=httpx.Timeout(10.0, "
            "read=30.0) (30 s); the registry's client timeout is 180 s",
        ),
        (
            "FL009",
            13,
            12,
            f"httpx.post(...) does not follow redirects, and timeout=LONG {over}",
        ),
    ]


FLUX = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux"
SEEDVR2 = "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2"


def test_only_calls_that_reach_modal_are_held_to_modal_s_303(tmp_path: Path) -> None:
    python = (
        f"# Our images: {FLUX}\n"
        "import httpx, requests\n"
        'httpx.post("https://api.openai.com/v1/chat", json={}, timeout=600)\n'
        f'requests.post("{FLUX}", json={{}}, timeout=600, allow_redirects=False)\n'
        f'requests.post("{FLUX}", json={{}}, timeout=600)\n'
        f'httpx.get("{FLUX[:-5]}/health", timeout=10.0)  # it gives up before any 303\n'
    )
    shell = (
        f"curl -m 600 -X POST {FLUX}\n"
        f"curl -sSL --max-time 600 {FLUX}\n"
        f"curl -m 60 {FLUX}\n"
        "curl -m 600 https://example.com/slow\n"
        f'curl -X POST -m "$WAIT" {SEEDVR2}  # a limit it cannot tell: /seedvr2 takes 600 s\n'
        f"curl {FLUX}  # no limit: /flux takes up to 180 s\n"
        "curl https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/health  # no endpoint\n"
    )
    typescript = (
        f'const URL = "{FLUX}";\nawait fetch(URL, {{ method: "POST", redirect: "manual" }});\n'
    )
    # A client that follows Modal's 303 itself, to send its headers again on each hop.
    polls = typescript + (
        "let resp = await fetch(URL);\n"
        'while (resp.status === 303) resp = await fetch(resp.headers.get("location")!);\n'
    )
    root = make_repo(
        tmp_path,
        {
            "client.py": python,
            "call.sh": shell,
            "docs/curl.md": shell,
            "web.ts": typescript,
            "poll.ts": polls,
        },
    )
    assert [(f.code, f.path, f.line) for f in run(root).findings] == [
        ("FL009", "call.sh", 1),
        ("FL009", "call.sh", 5),
        ("FL009", "call.sh", 6),
        ("FL009", "client.py", 4),
        ("FL009", "docs/curl.md", 1),
        ("FL009", "docs/curl.md", 5),
        ("FL009", "docs/curl.md", 6),
        ("FL009", "web.ts", 2),
    ]


def test_a_curl_to_an_auxiliary_route_is_a_brief_probe(tmp_path: Path) -> None:
    # An auxiliary route (a health check, a listing) of a CPU container answers at once: its
    # client timeout caps a probe. On a GPU (seedvr2's A100) it waits for the model to load.
    ready = (
        "      /ready: {kind: other, method: GET, auxiliary: true, client_timeout_s: 600}\n"
        # A data read (GET, no media) answers at once too; a POST of it may run long.
        "      /scan: {kind: other, method: GET, client_timeout_s: 600}\n"
        "      /scan/run: {kind: other, client_timeout_s: 600}\n"
    )
    smoke = (
        "        smoke: {request: {width: 64, height: 64}, fixtures: {image: image}, "
        "expect: image}\n"
    )
    registry = (DRIFT / "registry" / "fleet.yaml").read_text().replace(smoke, smoke + ready)
    base = SEEDVR2.removesuffix("/seedvr2")
    curls = [f"{base}/ready", SEEDVR2, f"{base}/scan", f"-X POST {base}/scan/run"]
    guide = "```sh\n" + "".join(f"curl {c}\n" for c in curls) + "```\n"
    files = {"registry/fleet.yaml": registry, "docs/ops.md": guide}
    gpu = [(f.path, f.line) for f in run(make_repo(tmp_path / "gpu", files)).findings]
    cpu = registry.replace("    gpu: A100\n", "")
    files = {"registry/fleet.yaml": cpu, "docs/ops.md": guide}
    no_gpu = [(f.path, f.line) for f in run(make_repo(tmp_path / "cpu", files)).findings]
    assert [p for p in gpu if p[0] == "docs/ops.md"] == [("docs/ops.md", n) for n in (2, 3, 4, 5)]
    assert [p for p in no_gpu if p[0] == "docs/ops.md"] == [("docs/ops.md", 3), ("docs/ops.md", 5)]


def test_an_inline_command_s_cd_resolves_its_deploy(tmp_path: Path) -> None:
    doc = (
        "Deploy the voice app with `cd modal_app/qwen3_tts && modal deploy app.py`.\n"
        "\n"
        "```bash\n"
        "cd modal_app/qwen3_tts && modal deploy app.py\n"
        "```\n"
    )
    root = make_repo(tmp_path, {"README.md": doc, "modal_app/qwen3_tts/app.py": "import modal\n"})
    assert found(root) == [
        (
            "FL008",
            "README.md",
            1,
            67,
            "`modal deploy app.py`: modal_app/qwen3_tts/app.py is not a registry app",
        ),
        (
            "FL008",
            "README.md",
            4,
            40,
            "`modal deploy app.py`: modal_app/qwen3_tts/app.py is not a registry app",
        ),
    ]


def test_a_guide_s_command_run_from_its_project_s_root_says_what_is_wrong_there(
    tmp_path: Path,
) -> None:
    """`models/download.py` from the guide in backend/models/ is backend/models/download.py:
    it exists, and what is wrong is that it has no Modal App, not that it is missing."""
    doc = "Download the weights:\n\n```bash\nmodal run models/download.py\n```\n"
    script = "import os\nfrom pathlib import Path\n\nprint(Path(os.getcwd()))\n"
    files = {"backend/models/GUIDE.md": doc, "backend/models/download.py": script}
    root = make_repo(tmp_path, files)
    assert found(root) == [
        (
            "FL008",
            "backend/models/GUIDE.md",
            4,
            11,
            "`modal run models/download.py`: backend/models/download.py defines no Modal App",
        )
    ]


def test_a_file_name_for_the_reader_to_fill_in_is_no_missing_file(tmp_path: Path) -> None:
    doc = (
        "1. Write your app, then `modal deploy your_app.py`.\n"
        "2. `modal deploy modal_apps/your-app.py`, `modal serve YourApp.py`\n"
        "3. `modal run path/to/app.py::main`, `modal deploy xxx.py` (e.g. the flux app)\n"
        "4. `modal deploy apps/modal-xxx/app.py` (one folder per app)\n"
        "4. `modal deploy apps/yourself.py`, `modal deploy apps/layout.py`\n"  # real: checked
        "5. `modal run script.py`: a guide's name for the reader's file, no file's here\n"
        "6. `modal deploy comfyui_danrisi.py`, a file the registry lists\n"
    )
    root = make_repo(tmp_path, {"docs/new-app.md": doc})
    assert [message for *_, message in found(root)] == [
        "`modal deploy apps/yourself.py`: apps/yourself.py does not exist",
        "`modal deploy apps/layout.py`: apps/layout.py does not exist",
        "deleted deploy file 'comfyui_danrisi.py': deleted",
        "`modal deploy comfyui_danrisi.py`: comfyui_danrisi.py does not exist",
    ]


def test_a_client_made_in_a_with_is_judged_by_the_url_its_body_calls(tmp_path: Path) -> None:
    code = (
        "import httpx\n\n\n"
        "async def other():\n"
        "    async with httpx.AsyncClient(timeout=600) as client:\n"
        '        await client.post("https://api.replicate.com/v1/predictions", json={})\n\n\n'
        "async def replicate(version):\n"
        "    async with httpx.AsyncClient(timeout=600) as client:\n"
        "        if version:\n"
        '            url = f"https://api.replicate.com/v1/models/{version}/predictions"\n'
        "        await client.post(url)\n\n\n"
        "async def modal():\n"
        "    async with httpx.AsyncClient(timeout=600) as client:\n"
        '        await client.post("https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux")\n'
    )
    root = make_repo(tmp_path, {"scripts/calls.py": code})
    assert [(code, path, line) for code, path, line, *_ in found(root)] == [
        ("FL009", "scripts/calls.py", 17)
    ]


def test_a_curl_reads_the_variables_its_script_assigns(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        'URL="${FLUX_URL:-https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux}"\n'
        "TIMEOUT=600  # a cold start\n"
        'curl --max-time "$TIMEOUT" "$URL"\n'
        'curl -m 60 "${URL}"\n'  # gives up before Modal's 303
        'curl -L -m "$TIMEOUT" "$URL"\n'  # follows it
    )
    root = make_repo(tmp_path, {"scripts/warm.sh": script})
    assert [(code, path, line) for code, path, line, *_ in found(root)] == [
        ("FL009", "scripts/warm.sh", 4)
    ]


def test_a_curl_goes_on_where_a_backslash_ends_its_line(tmp_path: Path) -> None:
    guide = (
        "```sh\n"
        'URL="https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"\n'
        "curl -sS -m 300 -H 'Content-Type: application/json' \\\n"  # the URL two lines down
        '  -d \'{"prompt": "a cat"}\' \\\r\n'
        '  "$URL/flux"\n'
        'curl -m 300 "$URL/flux" -o out.png \\\n'  # -L on the next line: it follows the 303
        "  -L\n"
        "curl -m 300 -d @body.json \\\n"  # the command ends here: the next line is its own
        "\n"
        '  echo "$URL/flux"\n'
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/calls.md": guide})
    assert [(f.path, f.line) for f in run(root).findings if f.code == "FL009"] == [
        ("docs/calls.md", 3)
    ]


def test_a_client_with_a_transport_of_its_own_reaches_no_modal(tmp_path: Path) -> None:
    code = (
        "import httpx\n\n"
        'URL = "https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2"\n'
        "mocked = httpx.Client(transport=httpx.MockTransport(print), timeout=600)\n"
        "real = httpx.Client(timeout=600)\n"
    )
    root = make_repo(tmp_path, {"tests/test_client.py": code})
    assert [(f.code, f.line) for f in run(root).findings] == [("FL009", 5)]


def test_a_docstring_that_shows_the_app_s_url_calls_nothing(tmp_path: Path) -> None:
    shown = f'"""Deployed at {SEEDVR2}."""\nimport httpx\n\nclient = httpx.Client()\n'
    called = f'import httpx\n\nURL = "{SEEDVR2}"\nclient = httpx.Client()\n'
    root = make_repo(tmp_path, {"services/shown.py": shown, "services/called.py": called})
    limits = [(f.path, f.line) for f in run(root).findings if f.code == "FL009"]
    assert limits == [("services/called.py", 4)]


def test_a_long_call_to_a_host_the_code_cannot_tell_is_judged_where_modal_is_spoken_of(
    tmp_path: Path,
) -> None:
    call = "import httpx\n\nclient = httpx.Client(base_url=settings.url, timeout=600)\n"
    ollama = "# Ollama on the box beside us: modality=text\n" + call
    modal = "# The embedding app on Modal: cold starts take minutes\n" + call
    # Modal named only as what the file's host replaces.
    runpod = '"""RunPod worker: an alternative to Modal.com, replaces Modal on AWS."""\n' + call
    # "modal" as the end of an adjective: no word about Modal.
    vision = '"""Multimodal and cross-modal prompts for the vision providers."""\n' + call
    adapter = "from .adapters import ModalEmbeddingAdapter\n" + call  # a name that says Modal
    files = {
        "providers/ollama.py": ollama,
        "providers/embed.py": modal,
        "workers/pod.py": runpod,
        "providers/vision.py": vision,
        "providers/adapter.py": adapter,
    }
    root = make_repo(tmp_path, files)
    limits = [(f.path, f.line) for f in run(root).findings if f.code == "FL009"]
    assert limits == [("providers/adapter.py", 4), ("providers/embed.py", 4)]


VOICE = """\
version: 1
workspace: ws
environments:
  main: {web_suffix: ""}
apps:
  voice:
    name: voice
    dir: apps/voice
    gpu: A10G
    timeout_s: 600
    web: {class: Service, method: clone_voice}
    endpoints:
      /: {kind: audio, client_timeout_s: 300}
"""
VOICE_APP = """\
import modal

app = modal.App("voice")


@app.cls(gpu="A10G", timeout=600)
class Service:
    @modal.fastapi_endpoint(method="POST")
    def clone_voice(self, body: dict) -> dict:
        return body
"""


def test_a_heading_that_gives_an_endpoint_function_as_a_path(tmp_path: Path) -> None:
    guide = (
        "# Voice API\n\n"
        "### POST `/clone_voice`\n\n"  # a host of its own, answered at /
        "Clones a voice.\n\n"
        "### GET /health\n\n"  # one word: any service's route
        "The web service's health.\n"
    )
    files = {"registry/fleet.yaml": VOICE, "apps/voice/app.py": VOICE_APP, "docs/api.md": guide}
    root = make_repo(tmp_path, files, apps=False)
    assert found(root) == [
        (
            "FL008",
            "docs/api.md",
            3,
            11,
            "POST /clone_voice: no host serves /clone_voice; voice's Service.clone_voice is a "
            "@modal.fastapi_endpoint function, answered at / of its own URL",
        )
    ]


SPEECH = """\
version: 1
workspace: ws
environments:
  main: {web_suffix: ""}
apps:
  speech:
    name: speech
    dir: apps/speech
    web:
      - {class: Service, method: convert, gpu: A10G, timeout_s: 600,
         endpoints: {/: {kind: audio, client_timeout_s: 300}}}
      - {class: Service, method: status, gpu: A10G, timeout_s: 600,
         endpoints: {/: {kind: other, method: GET, client_timeout_s: 30, auxiliary: true}}}
  jobs:
    name: jobs
    dir: apps/jobs
    web: {function: web}
    timeout_s: 300
    endpoints:
      /upload: {kind: other, client_timeout_s: 60}
"""
SPEECH_APP = """\
\"\"\"Speech conversion on Modal.

API:
  POST /convert
    body: {audio: base64}
  POST /convert/batch
  GET  /status?task_id=ID
  GET  /service-status, or GET /speech-service-status
  POST /upload
  POST /cancel
\"\"\"

import modal

app = modal.App("speech")


@app.cls(gpu="A10G", timeout=600)
class Service:
    @modal.fastapi_endpoint(method="POST")
    def convert(self, body: dict) -> dict:
        return body  # the client polls GET /status

    @modal.fastapi_endpoint(method="GET")
    def status(self, task_id: str) -> dict:
        return {"task_id": task_id}

    def upload(self) -> None:
        pass


@app.local_entrypoint()
def main() -> None:
    print("Submit: POST /convert  -> returns task_id")
    print("Poll: /status, then POST /upload")
"""
JOBS_APP = """\
\"\"\"Jobs: POST /upload, then POST /cancel.\"\"\"

import modal
from fastapi import FastAPI

app = modal.App("jobs")
api = FastAPI()


@api.post("/upload")
def upload() -> dict:
    return {}


@app.function(timeout=300)
@modal.asgi_app()
def web():
    return api
"""


def test_the_module_of_an_endpoint_function_that_gives_it_as_a_path(tmp_path: Path) -> None:
    """In the module that defines it, `POST /convert` names the web function `convert`, one
    word or not, and so does its label or the label's part after the app's name; a longer
    path or a path another app serves is not it. Any other path is no function's in a module
    that serves only functions answered at `/`, and may be a route where it serves more."""
    files = {
        "registry/fleet.yaml": SPEECH,
        "apps/speech/app.py": SPEECH_APP,
        "apps/jobs/app.py": JOBS_APP,
    }
    root = make_repo(tmp_path, files, apps=False)
    convert = "POST /convert: no host serves /convert; speech's Service.convert is a "
    status = "no host serves {0}; speech's Service.status is a "
    served = "@modal.fastapi_endpoint function, answered at / of its own URL"
    assert found(root) == [
        ("FL008", "apps/speech/app.py", 4, 8, convert + served),
        ("FL008", "apps/speech/app.py", 7, 8, "GET /status: " + status.format("/status") + served),
        (
            "FL008",
            "apps/speech/app.py",
            8,
            8,
            "GET /service-status: " + status.format("/service-status") + served,
        ),
        (
            "FL008",
            "apps/speech/app.py",
            8,
            32,
            "GET /speech-service-status: " + status.format("/speech-service-status") + served,
        ),
        (
            "FL008",
            "apps/speech/app.py",
            10,
            8,
            "POST /cancel: no host serves /cancel; the web functions of speech here are each "
            "answered at / of their own URL, and none is named cancel",
        ),
        (
            "FL008",
            "apps/speech/app.py",
            22,
            45,
            "GET /status: " + status.format("/status") + served,
        ),
        ("FL008", "apps/speech/app.py", 34, 25, convert + served),
    ]
