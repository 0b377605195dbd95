"""`fleet init`: a starting registry drafted from a repository's Modal app files."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, GIT_ENV, run_main
from tools.core.registry.load import parse_registry
from tools.core.registry.parse import registry_data
from tools.drift_check.discover.endpoints import kind_of
from tools.drift_check.discover.route_sites import registry_path
from tools.fleet.commands.init import scalar

REAL_WORLD = Path("/work/shared/realworld/modal-examples")
NEXT = (
    "Next: fleet registry validate, then fleet check --update-baseline --baseline "
    ".fleet-baseline.json\n"
)

EXPECTED = """\
# The fleet's registry, drafted by `fleet init` from this repository's Modal app files.
# Edit it from now on: it is the source of truth that checks, deploys and clients read;
# `fleet init` writes a registry once (--force replaces it, and your edits with it).
# `# guessed:` marks each value the code does not say: review every one before relying on
# it. Then run `fleet registry validate` and `fleet check`.
version: 1
workspace: my-workspace  # guessed: pass --workspace NAME: URLs are NAME--label.modal.run
environments:
  main:
    web_suffix: ""
apps:
  echo:
    name: echo  # guessed: modal.App(f"echo-{modal.__version__}") is not a name the code always \
has: named after the file
    dir: endpoints
    entry: echo.py
    timeout_s: 300  # Modal's default: no timeout=
    web: {function: echo, requires_proxy_auth: true}
    endpoints:
      /:
        kind: other  # guessed: nothing in echo names a kind
        method: GET
        client_timeout_s: 300  # guessed: the app's timeout_s: set how long clients wait
        idempotent: true  # guessed: a GET: retried once on a 408
        # no smoke request yet

  image-gen:
    name: image-gen
    dir: endpoints
    entry: image.py
    gpu: L40S
    timeout_s: 600
    web: {function: generate, label: image-gen}
    endpoints:
      /:
        kind: text-to-image  # guessed: "image" in image-gen
        client_timeout_s: 300  # from ENDPOINT_TIMEOUT_MS in web/client.ts:4 (5 * 60 * 1000 ms)
        idempotent: false  # guessed: a POST may not be safe to repeat; true retries it once \
on a 408
        # no smoke request yet

  chat-service:
    name: chat-service
    dir: services/chat
    entry: app.py
    gpu: H100
    timeout_s: 600
    secrets: [hf-token]
    volumes: [chat-weights]
    web: {class: Server, method: api, requires_proxy_auth: true}
    functions:
      download:
        timeout_s: 7200
    endpoints:
      /v1/chat/completions:
        kind: llm  # guessed: "chat" in /v1/chat/completions
        client_timeout_s: 120  # from ENDPOINT_TIMEOUT_MS in web/client.ts:3 (120_000 ms)
        idempotent: false  # guessed: a POST may not be safe to repeat; true retries it once \
on a 408
        # no smoke request yet
      /v1/models:
        kind: other  # guessed: a health or listing route
        method: GET
        client_timeout_s: 600  # guessed: the app's timeout_s: set how long clients wait
        idempotent: true  # guessed: a GET: retried once on a 408
        auxiliary: true  # guessed: a health or listing route
        # no smoke request yet
      "/v1/result/{call_id}":
        kind: llm  # guessed: "chat" in chat-service
        method: GET
        client_timeout_s: 600  # guessed: the app's timeout_s: set how long clients wait
        idempotent: true  # guessed: a GET: retried once on a 408
        # no smoke request yet
    # guessed: not described: POST /v1/Debug is not '/', lower-case segments or {parameters}

  trainer:
    name: trainer
    dir: training
    entry: train.py
    volumes: [checkpoints]
    functions:
      train:
        gpu: A100-80GB
        timeout_s: 14400
      evaluate:
        gpu: [H100, A100]
        timeout_s: 300  # guessed: timeout=int(os.environ.get("EVAL_TIMEOUT", "600")) is not \
a constant: Modal's default
"""
SUMMARY = (
    "fleet init: wrote registry/fleet.yaml: 4 apps (3 with a web entry point), 5 endpoints, "
    "17 guessed values to review (# guessed:), 1 route or web entry point not described, "
    f"1 Python file skipped (1 syntax error). {NEXT}"
)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=GIT_ENV)


def _repository(tmp_path: Path, fixture: str = "repo") -> Path:
    """A copy of a fixture tree as a git repository whose files are all untracked."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "init" / fixture, root)
    _git(root, "init", "-q")
    return root


def test_init_describes_a_small_repository(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    code, out, err = run_main(root, ["init"])
    assert (code, out, err) == (0, "", SUMMARY)
    assert (root / "registry" / "fleet.yaml").read_text() == EXPECTED
    # The summary counts every `# guessed:` comment but those of what is not described.
    assert EXPECTED.count(" # guessed:") - EXPECTED.count(" # guessed: not described") == 17


def test_the_registry_round_trips_and_validates(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert run_main(root, ["init", "--workspace", "acme"])[0] == 0
    text = (root / "registry" / "fleet.yaml").read_text()
    assert yaml.safe_load(text) == registry_data(text, "fleet.yaml")
    assert yaml.safe_load(text)["workspace"] == "acme"
    assert run_main(root, ["registry", "validate"]) == (
        0,
        "registry/fleet.yaml: ok (4 apps, 5 endpoints, 1 environments)\n",
        "",
    )


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / "registry").mkdir()
    (root / "registry" / "fleet.yaml").write_text("version: 1\n")
    assert run_main(root, ["init"]) == (
        2,
        "",
        "registry/fleet.yaml: already exists; pass --force to replace it\n",
    )
    assert (root / "registry" / "fleet.yaml").read_text() == "version: 1\n"
    assert run_main(root, ["init", "--force"]) == (0, "", SUMMARY)
    assert (root / "registry" / "fleet.yaml").read_text() == EXPECTED


def test_stdout_prints_the_registry_and_writes_nothing(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / "registry").mkdir()
    (root / "registry" / "fleet.yaml").write_text("version: 1\n")
    code, out, err = run_main(root, ["init", "--stdout"])
    assert (code, out) == (0, EXPECTED)
    assert err == SUMMARY.replace("wrote registry/fleet.yaml", "printed the registry")
    assert (root / "registry" / "fleet.yaml").read_text() == "version: 1\n"


def test_the_output_is_where_the_project_keeps_its_registry(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / "pyproject.toml").write_text('[tool.fleet]\nregistry = "config/fleet.yaml"\n')
    code, _, err = run_main(root, ["init"])
    assert (code, (root / "config" / "fleet.yaml").read_text()) == (0, EXPECTED)
    assert err.startswith("fleet init: wrote config/fleet.yaml: 4 apps")
    assert run_main(root, ["init", "--output", "other.yaml"])[0] == 0
    assert (root / "other.yaml").read_text() == EXPECTED
    assert run_main(root, ["init", "-o", str(tmp_path / "outside.yaml")]) == (
        2,
        "",
        f"fleet: --output {tmp_path / 'outside.yaml'}: outside the repository {root}\n",
    )


def test_the_root_is_the_top_of_the_git_repository(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    code, _, err = run_main(root / "services" / "chat", ["init"])
    assert code == 0
    assert err.startswith("fleet init: wrote ../../registry/fleet.yaml: 4 apps")
    assert (root / "registry" / "fleet.yaml").read_text() == EXPECTED
    assert run_main(tmp_path, ["init", "--root", "repo", "--stdout"])[1] == EXPECTED


def test_vendored_and_huge_files_are_not_read(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    vendored = root / "node_modules" / "tool" / "app.py"
    vendored.parent.mkdir(parents=True)
    vendored.write_text('import modal\napp = modal.App("vendored")\n')
    huge = root / "big" / "app.py"
    huge.parent.mkdir()
    huge.write_text('import modal\napp = modal.App("big")\n' + "#\n" * (600 * 1024))
    code, out, err = run_main(root, ["init", "--stdout"])
    assert (code, out) == (0, EXPECTED)
    assert "2 Python files skipped (1 over 1 MiB, 1 syntax error)" in err


def test_routes_are_followed_through_imports_routers_and_prefixes(tmp_path: Path) -> None:
    root = _repository(tmp_path, "routes")
    code, out, err = run_main(root, ["init", "--stdout"])
    apps = yaml.safe_load(out)["apps"]
    described = {
        key: {path: endpoint.get("method", "POST") for path, endpoint in app["endpoints"].items()}
        for key, app in apps.items()
    }
    assert (code, described) == (
        0,
        {
            "routes-demo": {
                "/embed": "POST",
                "/api/v2/ocr/{doc_id}": "POST",
                "/api/v2/items": "GET",
                "/admin/status": "GET",
                "/api/v2/deep/cache": "DELETE",
            },
            "flask-demo": {"/transcribe/{job}": "POST"},
        },
    )
    assert apps["routes-demo"]["web"] == {"function": "serve", "label": "routes"}
    kinds = {path: e["kind"] for path, e in apps["routes-demo"]["endpoints"].items()}
    assert (kinds["/embed"], kinds["/api/v2/ocr/{doc_id}"]) == ("embedding", "ocr")
    assert apps["routes-demo"]["endpoints"]["/admin/status"]["auxiliary"] is True
    assert "      /api/v2/items:  # guessed: served as /api/v2/items/\n" in out
    assert out.endswith(
        "    # guessed: not described: GET /api/v2/ocr/{doc_id} (one method per path: POST is)\n"
        "    # guessed: not described: PUT /api/v2/items (one method per path: GET is)\n"
        "\n  flask-demo:\n    name: flask-demo\n    dir: flaskapp\n    entry: app.py\n"
        "    gpu: L4\n    timeout_s: 300  # Modal's default: no timeout=\n"
        '    web: {function: web}\n    endpoints:\n      "/transcribe/{job}":\n'
        '        kind: audio  # guessed: "transcri" in /transcribe/{job}\n'
        "        client_timeout_s: 300  # guessed: the app's timeout_s: set how long clients "
        "wait\n        idempotent: false  # guessed: a POST may not be safe to repeat; true "
        "retries it once on a 408\n        # no smoke request yet\n"
    )
    assert err.endswith("2 routes or web entry points not described. " + NEXT)


SEVERAL_WEBS = """\
  speech:
    name: speech
    dir: speech
    entry: app.py
    volumes: [speech-weights]
    web:
      - class: Speech
        method: transcribe
        requires_proxy_auth: true
        gpu: A10G
        timeout_s: 600
        endpoints:
          /:
            kind: audio  # guessed: "transcri" in transcribe
            client_timeout_s: 600  # guessed: its web function's timeout_s: set how long \
clients wait
            idempotent: false  # guessed: a POST may not be safe to repeat; true retries it \
once on a 408
            # no smoke request yet
      - class: Speech
        method: voices
        label: speech-voices
        gpu: A10G
        timeout_s: 600
        endpoints:
          /:
            kind: audio  # guessed: "voice" in voices
            method: GET
            client_timeout_s: 600  # guessed: its web function's timeout_s: set how long \
clients wait
            idempotent: true  # guessed: a GET: retried once on a 408
            # no smoke request yet
      - function: health
        gpu: T4
        timeout_s: 60
        endpoints:
          /:
            kind: other  # guessed: a health or listing route
            method: GET
            client_timeout_s: 60  # guessed: its web function's timeout_s: set how long \
clients wait
            idempotent: true  # guessed: a GET: retried once on a 408
            auxiliary: true  # guessed: a health or listing route
            # no smoke request yet
    functions:
      download:
        timeout_s: 3600
"""


def test_every_web_entry_point_is_a_web_function_of_its_own(tmp_path: Path) -> None:
    root = _repository(tmp_path, "webs")
    code, out, err = run_main(root, ["init", "--workspace", "acme"])
    text = (root / "registry" / "fleet.yaml").read_text()
    assert (code, out, text.partition("\napps:\n")[2]) == (0, "", SEVERAL_WEBS)
    assert err == (
        "fleet init: wrote registry/fleet.yaml: 1 app (1 with a web entry point, 3 web "
        "functions), 3 endpoints, 10 guessed values to review (# guessed:). " + NEXT
    )
    assert SEVERAL_WEBS.count(" # guessed:") == 10  # each web function's own guesses count
    registry = parse_registry(text, "fleet.yaml")
    app = registry.apps["speech"]
    assert [(w.shown, w.gpu, w.timeout_s, list(w.endpoints)) for w in app.webs] == [
        ("Speech.transcribe", "A10G", 600, ["/"]),
        ("Speech.voices", "A10G", 600, ["/"]),
        ("health", "T4", 60, ["/"]),
    ]
    assert [w.url_label for w in app.webs] == [
        "speech-speech-transcribe",
        "speech-voices",
        "speech-health",
    ]
    assert (app.gpu, app.timeout_s, app.endpoints, list(app.functions)) == (
        None,
        None,
        {},
        ["download"],
    )
    assert run_main(root, ["registry", "validate"]) == (
        0,
        "registry/fleet.yaml: ok (1 apps, 3 endpoints, 1 environments)\n",
        "",
    )


def test_client_timeouts_are_capped_by_each_web_function_s_timeout(tmp_path: Path) -> None:
    root = _repository(tmp_path, "webs")
    (root / "client.ts").write_text("export const TIMEOUT_MS = { speech: 120_000 };\n")
    code, out, _ = run_main(root, ["init", "--stdout"])
    webs = yaml.safe_load(out)["apps"]["speech"]["web"]
    timeouts = [e["client_timeout_s"] for w in webs for e in w["endpoints"].values()]
    assert (code, timeouts) == (0, [120, 120, 60])
    assert out.count("  # from TIMEOUT_MS in client.ts:1 (120_000 ms)\n") == 2
    assert (
        "client_timeout_s: 60  # guessed: TIMEOUT_MS in client.ts:1 (120_000 ms) is above its "
        "web function's timeout_s: capped\n"
    ) in out
    parse_registry(out, "fleet.yaml")


def test_a_setting_a_template_sets_to_one_web_function_s_url_is_its(tmp_path: Path) -> None:
    root = _repository(tmp_path, "webs")
    (root / ".env.example").write_text(
        "SPEECH_URL=https://acme--speech-speech-transcribe.modal.run\n"
        "VOICES_URL=https://acme--speech-voices-dev.modal.run  # modal serve\n"
        "EITHER_URL=https://acme--speech-voices.modal.run\n"
        "OTHER_URL=https://acme--elsewhere.modal.run\n"
    )
    (root / "docs").mkdir()
    (root / "docs" / "SETUP.md").write_text(
        "```sh\nEITHER_URL=https://acme--speech-health.modal.run\n```\n"
    )
    code, out, _ = run_main(root, ["init", "--stdout"])
    webs = yaml.safe_load(out)["apps"]["speech"]["web"]
    assert (code, [w.get("settings") for w in webs]) == (0, [["SPEECH_URL"], ["VOICES_URL"], None])
    registry = parse_registry(out, "fleet.yaml")
    assert [w.settings for w in registry.apps["speech"].webs] == [
        ["SPEECH_URL"],
        ["VOICES_URL"],
        [],
    ]


TWO_ASGI_APPS = """\
import modal
from fastapi import FastAPI

app = modal.App("two-apis")
shared = FastAPI()


@shared.get("/version")
def version(): ...


@app.function(gpu="H100", timeout=900)
@modal.asgi_app()
def api():
    web = FastAPI()

    @web.post("/generate")
    def generate(): ...

    return web


@app.function(timeout=120)
@modal.asgi_app()
def admin():
    web = FastAPI()

    @web.post("/Bad")
    def bad(): ...

    @web.post("/generate")
    def again(): ...

    return web
"""


def test_a_route_in_a_web_function_s_body_is_that_one_s(tmp_path: Path) -> None:
    root = _repository(tmp_path, "webs")
    (root / "speech" / "two.py").write_text(TWO_ASGI_APPS)
    code, out, err = run_main(root, ["init", "--stdout"])
    webs = yaml.safe_load(out)["apps"]["two-apis"]["web"]
    assert (code, [(w["function"], list(w["endpoints"])) for w in webs]) == (
        0,
        [("api", ["/version", "/generate"]), ("admin", ["/version", "/generate"])],
    )
    # Both serve /generate: clients cannot name the second by its path alone.
    assert webs[1]["endpoints"]["/generate"]["auxiliary"] is True
    assert webs[1]["endpoints"]["/version"]["auxiliary"] is True
    assert "    # guessed: not described: admin: POST /Bad is not '/', lower-case" in out
    assert "2 apps (2 with a web entry point, 5 web functions), 7 endpoints" in err
    parse_registry(out, "fleet.yaml")


def test_a_repository_without_modal_apps_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('hello')\n")
    assert run_main(tmp_path, ["init"]) == (
        2,
        "",
        "fleet: .: no Python file defines a modal.App(...)\n",
    )


def test_a_workspace_must_be_a_workspace_name(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert run_main(root, ["init", "--workspace", "Acme Inc"]) == (
        2,
        "",
        "fleet: --workspace 'Acme Inc': not a workspace name (lower-case letters, digits, '-')\n",
    )


@pytest.mark.parametrize(
    ("served", "path"),
    [
        ("/", ("/", False)),
        ("/v1/chat/completions", ("/v1/chat/completions", False)),
        ("/files/{name:path}", ("/files/{name}", False)),
        ("/jobs/<int:job>", ("/jobs/{job}", False)),
        ("/items/", ("/items", True)),
        ("/Predict", (None, False)),
        ("/a//b", (None, False)),
        ("relative", (None, False)),
    ],
)
def test_served_paths_in_the_registry_s_form(served: str, path: tuple[str | None, bool]) -> None:
    assert registry_path(served) == path


@pytest.mark.parametrize(
    ("texts", "kind"),
    [
        (["/qwen-image-edit", "QwenImage"], "image-edit"),
        (["FluxKontextService"], "image-edit"),
        (["/upscale-video"], "upscale"),
        (["/v1/embeddings"], "embedding"),
        (["/generate", "serve", "example-vllm-openai"], "llm"),
        (["chatterbox_tts"], "audio"),
        (["/predict", "webcam"], "other"),
    ],
)
def test_the_kind_is_guessed_from_the_path_then_the_names(texts: list[str], kind: str) -> None:
    assert kind_of(texts).value == kind


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("H100", "H100"),
        ("A100-80GB:2", '"A100-80GB:2"'),
        ("on", '"on"'),
        ("01_getting_started", '"01_getting_started"'),
        ("/result/{call_id}", '"/result/{call_id}"'),
        ("it's", '"it\'s"'),
        (("H100", "A100"), "[H100, A100]"),
        (True, "true"),
        (300, "300"),
    ],
)
def test_scalars_are_quoted_where_yaml_would_misread_them(value: object, written: str) -> None:
    assert scalar(value) == written
    assert yaml.safe_load(f"k: {written}")["k"] == (
        list(value) if isinstance(value, tuple) else value
    )


# The real repository: every web app described, each under its own name.

_APP = re.compile(r"^\w+\s*=\s*(?:modal\.)?(?:App|Stub)\(", re.MULTILINE)
_WEB = re.compile(
    r"^\s*@(?:modal\.)?(?:asgi_app|fastapi_endpoint|web_endpoint|wsgi_app|web_server)\b",
    re.MULTILINE,
)
_NAMED = re.compile(r"^(\w+)\s*=\s*(?:modal\.)?(?:App|Stub)\(([^)]*)\)", re.MULTILINE)
_LITERAL = re.compile(r"""^\s*["']([^"'\n]+)["']|\bname\s*=\s*["']([^"'\n]+)["']""")


def _literal_name(text: str) -> str | None:
    """The name in `app = modal.App("...")`, when a literal; the app variable `app` first."""
    found = []
    for variable, arguments in _NAMED.findall(text):
        literal = _LITERAL.search(arguments)
        if literal is not None:
            found.append((variable != "app", literal[1] or literal[2]))
    return min(found)[1] if found else None


@pytest.mark.skipif(not REAL_WORLD.is_dir(), reason="the real-world repository is not here")
def test_the_real_world_repository(tmp_path: Path) -> None:
    root = tmp_path / "modal-examples"
    shutil.copytree(REAL_WORLD, root)
    root.chmod(0o755)
    _git(root, "init", "-q")
    code, out, err = run_main(root, ["init", "--stdout"])
    apps = yaml.safe_load(out)["apps"]
    # An app whose Modal name another file deploys too is written commented out.
    copies = [block for block in out.split("\n\n") if block.startswith("  # review:")]
    for block in copies:
        apps |= yaml.safe_load("\n".join(line[2:] for line in block.splitlines()[1:]))
    assert len(copies) == 5  # modal-examples' files that deploy a name used elsewhere
    files = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in root.rglob("*.py")
        if ".git" not in path.parts
    }
    with_web = sorted(p for p, text in files.items() if _APP.search(text) and _WEB.search(text))
    described = sorted(f"{a['dir']}/{a['entry']}" for a in apps.values() if "web" in a)
    assert (code, described) == (0, with_web)
    names = {f"{a['dir']}/{a['entry']}": a["name"] for a in apps.values()}
    literal = {path: _literal_name(files[path]) for path in names}
    assert {p: n for p, n in names.items() if literal[p] not in (None, n)} == {}
    assert sum(name is not None for name in literal.values()) > 100
    assert err.startswith(f"fleet init: printed the registry: {len(apps)} apps ({len(described)} ")
    assert "5 apps left out (a Modal name another file deploys too)" in err


def test_an_app_file_at_the_root_is_an_app_at_the_root(tmp_path: Path) -> None:
    (tmp_path / "seamless.py").write_text(
        'import modal\n\napp = modal.App("seamless")\n\n\n'
        '@app.function(timeout=600)\n@modal.fastapi_endpoint(method="GET")\n'
        "def health() -> dict:\n    return {}\n"
    )
    code, out, _ = run_main(tmp_path, ["init", "--workspace", "acme", "-o", "-"])
    assert (code, sorted(p.name for p in tmp_path.iterdir())) == (0, ["seamless.py"])
    app = out[out.index("  seamless:") :]
    assert app.splitlines()[:5] == [
        "  seamless:",
        "    name: seamless",
        '    dir: "."',
        "    entry: seamless.py",
        "    timeout_s: 600",
    ]
    assert run_main(tmp_path, ["init", "--workspace", "acme"])[0] == 0
    assert run_main(tmp_path, ["registry", "validate"])[0] == 0


def test_an_app_spread_over_modules_is_drafted_from_the_file_that_deploys_it(
    tmp_path: Path,
) -> None:
    files = {
        "speech/__init__.py": "",
        "speech/common.py": 'import modal\n\napp = modal.App("speech")\n',
        "speech/moshi.py": (
            "import modal\n\nfrom .common import app\n\n"
            'cache = modal.Volume.from_name("speech-cache")\n\n\n'
            '@app.cls(gpu="A10G", timeout=600, volumes={"/c": cache})\nclass Moshi:\n'
            "    @modal.asgi_app()\n    def web(self):\n"
            "        from fastapi import FastAPI\n\n        api = FastAPI()\n\n"
            '        @api.websocket("/ws")\n        async def ws(socket) -> None: ...\n\n'
            "        return api\n"
        ),
        "speech/app.py": (
            "import modal\n\nfrom .common import app\nfrom .moshi import Moshi\n\n\n"
            "@app.function(timeout=300)\n@modal.asgi_app()\ndef web():\n"
            "    from fastapi import FastAPI\n\n    return FastAPI()\n"
        ),
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    code, out, _ = run_main(tmp_path, ["init", "--workspace", "acme", "-o", "-"])
    apps = yaml.safe_load(out)["apps"]
    assert (code, list(apps)) == (0, ["speech"])
    speech = apps["speech"]
    assert (speech["dir"], speech["entry"], speech["volumes"]) == (
        "speech",
        "app.py",
        ["speech-cache"],
    )
    assert [
        (w.get("class"), w.get("method"), w.get("function"), w.get("gpu"), w["timeout_s"])
        for w in speech["web"]
    ] == [(None, None, "web", None, 300), ("Moshi", "web", None, "A10G", 600)]
    assert list(speech["web"][1]["endpoints"]) == ["/ws"]
    assert speech["web"][1]["endpoints"]["/ws"]["method"] == "WEBSOCKET"


def test_each_app_of_a_file_of_several_is_drafted_with_its_variable(tmp_path: Path) -> None:
    (tmp_path / "ocr.py").write_text(
        "import modal\n\n"
        'app_gpu0 = modal.App("ocr-gpu0")\napp_gpu1 = modal.App("ocr-gpu1")\n'
        'unused = modal.App("nothing-on-it")\n\n\n'
        '@app_gpu0.function(gpu="H100", timeout=600)\ndef run0() -> None: ...\n\n\n'
        '@app_gpu1.function(gpu="H100", timeout=600)\ndef run1() -> None: ...\n'
    )
    code, out, _ = run_main(tmp_path, ["init", "--workspace", "acme", "-o", "-"])
    apps = yaml.safe_load(out)["apps"]
    assert (code, {key: (a["name"], a["entry"]) for key, a in apps.items()}) == (
        0,
        {
            "ocr-gpu0": ("ocr-gpu0", "ocr.py::app_gpu0"),
            "ocr-gpu1": ("ocr-gpu1", "ocr.py::app_gpu1"),
        },
    )
    parse_registry(out, "fleet.yaml")
