"""Layouts of real repositories, described and checked: several apps in one folder, routes in
modules an app imports, a `fastapi_endpoint` at `/`, apps without a web endpoint whose
functions have their own GPU and timeout, a legacy app, an app with several web functions."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import DRIFT, make_repo, run

APPS = """\
  llm:
    name: ryla-llm
    dir: services
    entry: llm.py
    gpu: H100
    timeout_s: 600
    web: {function: generate}
    endpoints:
      /: {kind: llm, client_timeout_s: 120}
  ocr:
    name: ryla-ocr
    dir: services
    entry: ocr.py
    legacy: true
    gpu: T4
    timeout_s: 300
    web: {function: api}
    endpoints:
      /ocr: {kind: ocr, client_timeout_s: 60}
      /result/{call_id}: {kind: ocr, method: GET, client_timeout_s: 10, idempotent: true}
      /health: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
  train:
    name: ryla-train
    dir: training
    functions:
      prepare: {timeout_s: 600}
      fit: {gpu: "H100:8", timeout_s: 86400}
  audio:
    name: ryla-audio
    dir: audio
    web:
      - class: Upscaler
        method: upscale
        gpu: A10G
        timeout_s: 600
        endpoints:
          /: {kind: audio, client_timeout_s: 300}
      - class: Upscaler
        method: stream
        gpu: A10G
        timeout_s: 600
        requires_proxy_auth: true
        endpoints:
          /: {kind: audio, client_timeout_s: 300}
      - function: health
        timeout_s: 60
        endpoints:
          /: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
"""

FILES = {
    "services/llm.py": """\
import modal

app = modal.App("ryla-llm")


@app.function(gpu="H100", timeout=600)
@modal.fastapi_endpoint(method="POST")
def generate(body: dict) -> dict:
    return body
""",
    "services/ocr.py": """\
import modal

app = modal.App("ryla-ocr")


@app.function(gpu="T4", timeout=300)
@modal.asgi_app()
def api():
    from services.handlers.ocr_routes import web_app

    return web_app
""",
    "services/handlers/__init__.py": "",
    "services/handlers/ocr_routes.py": """\
from fastapi import FastAPI

web_app = FastAPI()


@web_app.post("/ocr")
def ocr(body: dict) -> dict:
    return body


@web_app.get("/result/{call_id}")
def result(call_id: str) -> dict:
    return {"id": call_id}


@web_app.get("/health")
def health() -> dict:
    return {}
""",
    "training/app.py": """\
import modal

from training.settings import FIT_GPU

app = modal.App("ryla-train")


@app.function(timeout=600)
def prepare() -> None: ...


@app.cls(gpu=FIT_GPU, timeout=24 * 60 * 60)
class fit:
    @modal.method()
    def run(self) -> None: ...
""",
    "training/settings.py": 'FIT_GPU = "H100:8"\n',
    "audio/app.py": """\
import modal

app = modal.App("ryla-audio")


@app.cls(gpu="A10G", timeout=600)
class Upscaler:
    @modal.fastapi_endpoint(method="POST")
    def upscale(self, body: dict) -> dict:
        return body

    @modal.fastapi_endpoint(method="POST", requires_proxy_auth=True)
    def stream(self, body: dict) -> dict:
        return body


@app.function(timeout=60)
@modal.fastapi_endpoint(method="GET")
def health() -> dict:
    return {}
""",
    "docs/audio.md": (
        "POST https://ryla--ryla-audio-upscaler-stream.modal.run/ or "
        "GET https://ryla--ryla-audio-health.modal.run/\n"
    ),
}


def layouts(tmp_path: Path, **changes: str) -> Path:
    root = make_repo(tmp_path, {**FILES, **changes})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(registry.read_text() + APPS)
    return root


def found(root: Path) -> list[tuple[str, str, int, str]]:
    return [(f.code, f.path, f.line, f.message) for f in run(root).findings]


def test_real_layouts_check_clean(tmp_path: Path) -> None:
    assert found(layouts(tmp_path)) == []


def test_a_function_timeout_and_gpu_are_checked(tmp_path: Path) -> None:
    text = FILES["training/app.py"].replace("24 * 60 * 60", "3600").replace("=600", "=60")
    root = layouts(tmp_path, **{"training/app.py": text})
    assert found(root) == [
        (
            "FL001",
            "training/app.py",
            8,
            "ryla-train.prepare: timeout=60 but the registry says 600 s",
        ),
        (
            "FL001",
            "training/app.py",
            12,
            "ryla-train.fit: timeout=3600 but the registry says 86400 s",
        ),
    ]
    settings = {"training/settings.py": 'FIT_GPU = "A100"\n'}
    assert found(layouts(tmp_path / "b", **settings)) == [
        ("FL012", "training/app.py", 12, "ryla-train.fit: gpu=FIT_GPU but the registry says H100:8")
    ]


def test_a_listed_function_that_is_gone_is_reported(tmp_path: Path) -> None:
    text = FILES["training/app.py"].replace("def prepare", "def prepare_data")
    assert found(layouts(tmp_path, **{"training/app.py": text})) == [
        (
            "FL006",
            "training/app.py",
            1,
            "no @app.function or @app.cls 'prepare': the registry lists it in apps.train.functions",
        )
    ]
    # Made by a factory that applies app.function itself: no decorator shows it.
    made = text + "\n\nprepare = make_step(app, 'prepare', timeout=600)\n"
    assert found(layouts(tmp_path / "made", **{"training/app.py": made})) == []
    # A name bound to a plain value is no function either.
    plain = text + "\n\nprepare = 'prepare'\n"
    assert [f[0] for f in found(layouts(tmp_path / "plain", **{"training/app.py": plain}))] == [
        "FL006"
    ]


def test_fleet_deploys_from_the_root_where_the_image_s_local_files_must_be(
    tmp_path: Path,
) -> None:
    image = (
        'app = modal.App("ryla-train")\n'
        "image = (\n"
        "    modal.Image.debian_slim()\n"
        '    .add_local_file("training/settings.py", "/root/settings.py")\n'  # from the root
        '    .add_local_dir("data", "/data")\n'  # beside the entry file: not from the root
        '    .add_local_file("weights.bin", "/weights.bin")\n'  # made later: nowhere yet
        ")\n"
    )
    text = FILES["training/app.py"].replace('app = modal.App("ryla-train")\n', image)
    files = {"training/app.py": text, "training/data/rows.csv": "a,b\n"}
    assert found(layouts(tmp_path, **files)) == [
        (
            "FL006",
            "training/app.py",
            9,
            "fleet deploys ryla-train from the repository root (modal deploy training/app.py), "
            "where the image's add_local_dir('data') names no file: Modal reads an image's "
            "relative local paths from the folder it runs in",
        )
    ]


def test_routes_in_an_imported_module_serve_the_app(tmp_path: Path) -> None:
    routes = FILES["services/handlers/ocr_routes.py"]
    root = layouts(
        tmp_path, **{"services/handlers/ocr_routes.py": routes.replace('"/ocr"', '"/read"')}
    )
    assert found(root) == [
        ("FL006", "registry/fleet.yaml", 67, "/ocr: no route in services serves it"),
        (
            "FL006",
            "services/handlers/ocr_routes.py",
            6,
            "route /read is not an endpoint of ryla-ocr in the registry",
        ),
    ]


def test_a_route_of_a_module_two_apps_import_is_served_by_either(tmp_path: Path) -> None:
    routes = FILES["services/handlers/ocr_routes.py"] + (
        '\n\n@web_app.post("/ocr/fast")\ndef fast(body: dict) -> dict:\n    return body\n'
    )
    lite = FILES["services/ocr.py"].replace('"ryla-ocr"', '"ryla-ocr-lite"')
    root = layouts(
        tmp_path, **{"services/handlers/ocr_routes.py": routes, "services/ocr_lite.py": lite}
    )
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text()
        + "  lite:\n    name: ryla-ocr-lite\n    dir: services\n    entry: ocr_lite.py\n"
        "    gpu: T4\n    timeout_s: 300\n    web: {function: api}\n    endpoints:\n"
        "      /ocr/fast: {kind: ocr, client_timeout_s: 60}\n"
    )
    # /ocr/fast is the lite app's, /ocr and /result/{call_id} the other's: both mount them.
    assert found(root) == []
    registry.write_text(registry.read_text().replace("/ocr/fast: {", "/ocr/faster: {"))
    assert found(root) == [
        ("FL006", "registry/fleet.yaml", 105, "/ocr/faster: no route in services serves it"),
        (
            "FL006",
            "services/handlers/ocr_routes.py",
            21,
            "route /ocr/fast is not an endpoint of ryla-ocr in the registry",
        ),
        (
            "FL006",
            "services/handlers/ocr_routes.py",
            21,
            "route /ocr/fast is not an endpoint of ryla-ocr-lite in the registry",
        ),
    ]


def test_an_app_defined_in_an_if_or_try_block_at_the_top_of_its_file(tmp_path: Path) -> None:
    llm = (
        "try:\n    import modal\nexcept ImportError:\n    modal = None\n\n"
        "if modal:\n"
        '    app = modal.App("ryla-llm")\n\n'
        '    @app.function(gpu="H100", timeout=600)\n'
        '    @modal.fastapi_endpoint(method="POST")\n'
        "    def generate(body: dict) -> dict:\n"
        "        return body\n"
    )
    assert found(layouts(tmp_path, **{"services/llm.py": llm})) == []


def test_a_module_of_a_src_layout_package_is_found(tmp_path: Path) -> None:
    training = FILES["training/app.py"].replace(
        "from training.settings import FIT_GPU", "from fitlib.settings import FIT_GPU"
    )
    files = {"training/app.py": training, "src/fitlib/__init__.py": ""}
    files["src/fitlib/settings.py"] = FILES["training/settings.py"]
    assert found(layouts(tmp_path, **files)) == []


def test_an_app_name_from_the_environment_under_an_aliased_modal(tmp_path: Path) -> None:
    llm = FILES["services/llm.py"].replace(
        'import modal\n\napp = modal.App("ryla-llm")',
        "import os\n\nimport modal\n\ntry:\n    import modal as _modal\n\n"
        '    NAME = os.getenv("LLM_APP_NAME", "ryla-llm").strip() or "ryla-llm"\n'
        "    app = _modal.App(NAME)\nexcept ImportError:\n    NAME = ''\n",
    )
    # Deployed once more as ryla-llm-en (`LLM_APP_NAME=ryla-llm-en modal deploy ...`): its
    # function's label after that name is no typo of the registry's.
    doc = (
        "- https://ryla--ryla-llm-en-generate.modal.run\n"
        "- https://ryla--ryla-llm-generat.modal.run\n"
    )
    root = layouts(tmp_path, **{"services/llm.py": llm, "docs/llm.md": doc})
    assert found(root) == [
        (
            "FL004",
            "docs/llm.md",
            2,
            "https://ryla--ryla-llm-generat.modal.run: ryla-llm's URL label is "
            "'ryla-llm-generate', not 'ryla-llm-generat'",
        )
    ]


def test_a_label_of_the_app_s_name_and_a_function_s_is_meant_for_that_function(
    tmp_path: Path,
) -> None:
    doc = "Stream: https://ryla--ryla-audio-stream.modal.run/\n"
    root = layouts(tmp_path, **{"docs/stream.md": doc})
    assert found(root) == [
        (
            "FL004",
            "docs/stream.md",
            1,
            "https://ryla--ryla-audio-stream.modal.run/: ryla-audio's Upscaler.stream's URL "
            "label is 'ryla-audio-upscaler-stream', not 'ryla-audio-stream'",
        )
    ]


def test_a_function_registered_under_a_name_of_its_own(tmp_path: Path) -> None:
    # `name=` is the function's Modal name; a byte order mark is no code.
    training = "\ufeff" + FILES["training/app.py"].replace(
        "@app.function(timeout=600)\ndef prepare()",
        '@app.function(timeout=600, name="prepare")\ndef prepare_data()',
    )
    assert found(layouts(tmp_path, **{"training/app.py": training})) == []


def test_keywords_a_helper_builds_and_routes_on_a_name_never_bound(tmp_path: Path) -> None:
    training = FILES["training/app.py"].replace(
        "@app.function(timeout=600)", "@app.function(**function_kwargs(timeout=600))"
    )
    routes = FILES["services/handlers/ocr_routes.py"] + (
        '\n\n@other_app.get("/stale")\ndef stale() -> dict:\n    return {}\n'  # never bound
    )
    files = {"training/app.py": training, "services/handlers/ocr_routes.py": routes}
    assert found(layouts(tmp_path, **files)) == []


def test_a_guide_of_a_project_inside_the_repository_runs_from_its_root(tmp_path: Path) -> None:
    # services/llm.py, from the project's root above the guide, not services/docs/llm.py
    guide = "From the services root:\n\n```bash\nmodal deploy llm.py\n```\n"
    assert found(layouts(tmp_path, **{"services/docs/DEPLOY.md": guide})) == []


def test_routes_of_a_module_outside_the_app_folder_count_and_are_not_claimed(
    tmp_path: Path,
) -> None:
    moved = {
        "services/handlers/ocr_routes.py": "",
        "shared/web/ocr_routes.py": FILES["services/handlers/ocr_routes.py"].replace(
            '@web_app.get("/health")', '@web_app.get("/version")'
        ),
        "shared/__init__.py": "",
        "shared/web/__init__.py": "",
        "services/ocr.py": FILES["services/ocr.py"].replace(
            "services.handlers.ocr_routes", "shared.web.ocr_routes"
        ),
    }
    # /version is another app's business: a shared module is not this app's to report.
    assert found(layouts(tmp_path, **moved)) == [
        ("FL006", "registry/fleet.yaml", 69, "/health: no route in services serves it"),
    ]


def test_a_web_method_inherited_from_a_base_class_serves_the_app(tmp_path: Path) -> None:
    llm = (
        "import modal\n\n"
        'app = modal.App("ryla-llm")\n\n\n'
        "class Base:\n"
        '    @modal.fastapi_endpoint(method="POST")\n'
        "    def generate(self, body: dict) -> dict:\n"
        "        return body\n\n\n"
        '@app.cls(gpu="H100", timeout=600)\n'
        "class Server(Base):\n"
        "    pass\n"
    )
    root = layouts(tmp_path, **{"services/llm.py": llm})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "web: {function: generate}", "web: {class: Server, method: generate}"
        )
    )
    assert found(root) == []


def test_decorator_settings_spread_from_a_dict_count(tmp_path: Path) -> None:
    text = FILES["training/app.py"].replace(
        "@app.cls(gpu=FIT_GPU, timeout=24 * 60 * 60)",
        "COMMON = dict(gpu=FIT_GPU, timeout=600)\n\n\n@app.cls(timeout=24 * 60 * 60, **COMMON)",
    )
    assert found(layouts(tmp_path, **{"training/app.py": text})) == []


def test_routes_of_another_modal_app_below_an_app_s_folder_are_not_its(tmp_path: Path) -> None:
    demo = (
        "import modal\nfrom fastapi import FastAPI\n\n"
        'app = modal.App("flux-demo")\nweb_app = FastAPI()\n\n\n'
        '@web_app.post("/demo")\ndef demo() -> dict:\n    return {}\n'
    )
    files = {"apps/flux/examples/demo.py": demo, "apps/flux/examples/util.py": demo[:30]}
    # apps/ is where the fleet's apps live: the demo is an app the registry lacks, and its
    # route is its own, not one flux fails to list.
    assert found(layouts(tmp_path, **files)) == [
        (
            "FL006",
            "apps/flux/examples/demo.py",
            4,
            "Modal app 'flux-demo' is not in the registry: CI will never deploy it",
        )
    ]


def test_a_timeout_from_an_imported_constant_is_read(tmp_path: Path) -> None:
    text = (
        FILES["training/app.py"]
        .replace(
            "from training.settings import FIT_GPU", "from training.settings import FIT_GPU, HOURS"
        )
        .replace("timeout=24 * 60 * 60", "timeout=24 * HOURS")
    )
    settings = 'FIT_GPU = "H100:8"\nHOURS = 60 * 60\n'
    files = {"training/app.py": text, "training/settings.py": settings}
    assert found(layouts(tmp_path, **files)) == []
    files["training/settings.py"] = settings.replace("60 * 60", "60")
    assert [f[3] for f in found(layouts(tmp_path / "b", **files))] == [
        "ryla-train.fit: timeout=24 * HOURS but the registry says 86400 s"
    ]


def test_routes_of_routers_are_served_under_their_prefixes(tmp_path: Path) -> None:
    ocr = FILES["services/ocr.py"].replace(
        "    from services.handlers.ocr_routes import web_app\n\n    return web_app",
        "    from fastapi import FastAPI\n\n    from services.handlers import ocr_routes\n\n"
        "    web_app = FastAPI()\n"
        '    web_app.include_router(ocr_routes.router, prefix="/result")\n'
        "    web_app.include_router(ocr_routes.base)\n"
        "    return web_app",
    )
    routes = (
        "from fastapi import APIRouter\n\n"
        'router = APIRouter(prefix="")\n'
        'base = APIRouter(prefix="/ocr")\n\n\n'
        '@base.post("")\ndef ocr(body: dict) -> dict:\n    return body\n\n\n'
        '@router.get("/{call_id}")\ndef result(call_id: str) -> dict:\n    return {}\n\n\n'
        '@base.get("/../health")\ndef health() -> dict:\n    return {}\n'
    )
    files = {"services/ocr.py": ocr, "services/handlers/ocr_routes.py": routes}
    assert [f[3] for f in found(layouts(tmp_path, **files))] == [
        "/health: no route in services serves it",
        "route /ocr/../health is not an endpoint of ryla-ocr in the registry",
    ]


def test_a_function_decorated_without_parentheses_has_modal_s_defaults(tmp_path: Path) -> None:
    text = FILES["training/app.py"].replace("@app.function(timeout=600)", "@app.function")
    assert [f[3] for f in found(layouts(tmp_path, **{"training/app.py": text}))] == [
        "ryla-train.prepare: no timeout= (Modal's default 300 s) but the registry says 600 s"
    ]


def test_the_app_checked_is_the_one_modal_deploy_takes(tmp_path: Path) -> None:
    text = 'import modal\n\nclient = modal.App("ryla-train-client")\n' + FILES[
        "training/app.py"
    ].replace("import modal\n", "")
    assert found(layouts(tmp_path, **{"training/app.py": text})) == []


def test_modal_s_older_gpu_objects_are_read(tmp_path: Path) -> None:
    text = (
        FILES["training/app.py"]
        .replace("gpu=FIT_GPU", "gpu=modal.gpu.H100(count=N_GPU)")
        .replace("app = modal.App", "N_GPU = 8\napp = modal.App")
    )
    # Written for a Modal before 1.0, which the repository pins (FL016 judges by it).
    old = {"requirements.txt": "modal==0.73.0\n"}
    assert found(layouts(tmp_path, **{"training/app.py": text}, **old)) == []
    wrong = text.replace("N_GPU = 8", "N_GPU = 4")
    assert [f[3] for f in found(layouts(tmp_path / "b", **{"training/app.py": wrong}, **old))] == [
        "ryla-train.fit: gpu=modal.gpu.H100(count=N_GPU) but the registry says H100:8"
    ]
    # The object held in a module constant: `GPU_CONFIG = modal.gpu.H100(count=8)`.
    held = text.replace("gpu=modal.gpu.H100(count=N_GPU)", "gpu=GPU_CONFIG").replace(
        "N_GPU = 8\n", "N_GPU = 8\nGPU_CONFIG = modal.gpu.H100(count=N_GPU)\n"
    )
    assert found(layouts(tmp_path / "c", **{"training/app.py": held}, **old)) == []
    four = held.replace("count=N_GPU)", "count=4)")
    assert [f[3] for f in found(layouts(tmp_path / "d", **{"training/app.py": four}, **old))] == [
        "ryla-train.fit: gpu=GPU_CONFIG but the registry says H100:8"
    ]


def test_each_web_function_of_an_app_is_checked(tmp_path: Path) -> None:
    app = (
        FILES["audio/app.py"]
        .replace("timeout=60)", "timeout=30)")
        .replace(", requires_proxy_auth=True", "")
        .replace("def upscale", "def upscale_v2")
    )
    app = app.replace('@app.cls(gpu="A10G"', '@app.cls(gpu="T4"')
    docs = FILES["docs/audio.md"].replace("audio-health", "audio-helth").replace("/ or", "/x or")
    root = layouts(tmp_path, **{"audio/app.py": app, "docs/audio.md": docs})
    assert found(root) == [
        (
            "FL006",
            "audio/app.py",
            6,
            "Upscaler.upscale is not a web endpoint (@modal.asgi_app() and the like); the "
            "registry's URL label ryla-audio-upscaler-upscale needs it",
        ),
        (
            "FL012",
            "audio/app.py",
            6,
            "ryla-audio.stream: no requires_proxy_auth= but the registry says "
            "requires_proxy_auth: true",
        ),
        (
            "FL012",
            "audio/app.py",
            6,
            'ryla-audio.Upscaler: gpu="T4" but the registry says A10G',
        ),
        ("FL001", "audio/app.py", 17, "ryla-audio.health: timeout=30 but the registry says 60 s"),
        (
            "FL004",
            "docs/audio.md",
            1,
            "https://ryla--ryla-audio-upscaler-stream.modal.run/x: /x is not served: "
            "ryla-audio's Upscaler.stream is a @modal.fastapi_endpoint function, answered at / "
            "only",
        ),
        (
            "FL004",
            "docs/audio.md",
            1,
            "https://ryla--ryla-audio-helth.modal.run/: ryla-audio's health's URL label is "
            "'ryla-audio-health', not 'ryla-audio-helth'",
        ),
    ]


SPREAD = """\
  speech:
    name: ryla-speech
    dir: speech
    volumes: [speech-cache]
    web:
      - function: web
        timeout_s: 300
        endpoints:
          /: {kind: other, method: GET, client_timeout_s: 30}
      - class: Moshi
        method: web
        gpu: A10G
        timeout_s: 600
        endpoints:
          /status: {kind: other, method: GET, client_timeout_s: 60, auxiliary: true}
          /ws: {kind: audio, method: WEBSOCKET, client_timeout_s: 600}
  front:
    name: ryla-front
    dir: front
    entry: __init__.py
    timeout_s: 300
    web: {function: serve}
    endpoints:
      /: {kind: other, method: GET, client_timeout_s: 30}
"""

SPREAD_FILES = {
    # One app over three modules: the App in common.py, a class in moshi.py, app.py deploys.
    "speech/__init__.py": "",
    "speech/common.py": "import modal\n\nfrom speech.names import NAME\n\napp = modal.App(NAME)\n",
    "speech/names.py": "NAME = f\"ryla-{'speech'}\"\n",
    "speech/moshi.py": """\
import modal
from fastapi import FastAPI

from .common import app

cache = modal.Volume.from_name("speech-cache")


@app.cls(gpu="A10G", timeout=600, volumes={"/cache": cache})
class Moshi:
    @modal.asgi_app()
    def web(self):
        api = FastAPI()

        @api.get("/status")
        def status() -> dict:
            return {}

        @api.websocket("/ws")
        async def ws(socket) -> None: ...

        return api
""",
    "speech/app.py": """\
import modal

from .common import app
from .moshi import Moshi  # deploying app.py deploys Moshi too


@app.function(timeout=300)
@modal.asgi_app()
def web():
    from fastapi import FastAPI

    return FastAPI()
""",
    # A package deployed by folder: its __init__ re-exports the App of serve.py.
    "front/__init__.py": "from . import serve\n\napp = serve.app\n",
    "front/serve.py": """\
import modal

from front import names

app = modal.App(names.FRONT)


@app.function()
@modal.fastapi_endpoint(method="GET")
def serve() -> dict:
    return {}
""",
    "front/names.py": 'FRONT = "ryla-front"\n',
}


def spread(tmp_path: Path, **changes: str) -> Path:
    root = make_repo(tmp_path, {**FILES, **SPREAD_FILES, **changes})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(registry.read_text() + APPS + SPREAD)
    return root


def test_an_app_spread_over_the_modules_its_entry_imports_checks_clean(tmp_path: Path) -> None:
    assert found(spread(tmp_path)) == []


def test_an_app_spread_over_modules_is_checked_where_each_part_is(tmp_path: Path) -> None:
    moshi = SPREAD_FILES["speech/moshi.py"]
    root = spread(
        tmp_path,
        **{
            "speech/names.py": 'NAME = "ryla-talk"\n',
            "speech/moshi.py": moshi.replace('gpu="A10G", timeout=600', 'gpu="T4", timeout=60'),
            "front/names.py": 'FRONT = "ryla-back"\n',
        },
    )
    assert found(root) == [
        (
            "FL006",
            "front/serve.py",
            5,
            "modal.App(names.FRONT): the registry names this app 'ryla-front'",
        ),
        (
            "FL006",
            "speech/common.py",
            5,
            "modal.App(NAME): the registry names this app 'ryla-speech'",
        ),
        ("FL012", "speech/moshi.py", 9, 'ryla-speech.Moshi: gpu="T4" but the registry says A10G'),
        (
            "FL001",
            "speech/moshi.py",
            9,
            "ryla-speech.Moshi: timeout=60 but the registry says 600 s; below the client "
            "timeout of /ws (600 s with the margin): clients would see 408s",
        ),
    ]


AT_ROOT = """\
  dynamics:
    name: ryla-dynamics
    dir: .
    entry: modal_dynamics.py
    timeout_s: 900
    web: {function: api}
    endpoints:
      /generate: {kind: video, client_timeout_s: 600}
"""


def test_an_app_at_the_root_is_described_and_checked(tmp_path: Path) -> None:
    app = """\
import modal
from fastapi import FastAPI

app = modal.App("ryla-dynamics")
web = FastAPI()


@web.post("/generate")
def generate(body: dict) -> dict:
    return body


@app.function(timeout=900)
@modal.asgi_app()
def api():
    return web
"""
    readme = (
        "Deploy: `modal deploy modal_dynamics.py`\n\n"
        "Call https://ryla--ryla-dynamics-api.modal.run/generate\n"
    )
    root = make_repo(tmp_path, {**FILES, "modal_dynamics.py": app, "DYNAMICS.md": readme})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(registry.read_text() + APPS + AT_ROOT)
    assert found(root) == []
    (root / "modal_dynamics.py").write_text(app.replace("timeout=900", "timeout=600"))
    (root / "DYNAMICS.md").write_text(readme.replace("/generate", "/render"))
    assert found(root) == [
        (
            "FL004",
            "DYNAMICS.md",
            3,
            "https://ryla--ryla-dynamics-api.modal.run/render: /render is not an endpoint of "
            "ryla-dynamics",
        ),
        (
            "FL001",
            "modal_dynamics.py",
            13,
            "ryla-dynamics: timeout=600 but the registry says 900 s",
        ),
    ]


def test_a_fastapi_endpoint_answers_at_its_root_only(tmp_path: Path) -> None:
    docs = (
        "Check https://ryla--ryla-audio-upscaler-stream.modal.run/health first.\n"
        "The flux server answers https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/health.\n"
    )
    root = layouts(tmp_path, **{"docs/check.md": docs})
    assert [f[2:] for f in found(root) if f[1] == "docs/check.md"] == [
        (
            1,
            "https://ryla--ryla-audio-upscaler-stream.modal.run/health: /health is not served: "
            "ryla-audio's Upscaler.stream is a @modal.fastapi_endpoint function, answered at / "
            "only",
        ),
    ]


def test_a_label_modal_shortens_needs_no_label_in_the_code(tmp_path: Path) -> None:
    # `akshaymp-1810--indictrans2-en-indic-indictrans2enindicservice-web-app` passes 63
    # characters: Modal cuts the label and appends a hash, which the registry records.
    registry = (
        "version: 1\nworkspace: akshaymp-1810\nenvironments:\n  main: {web_suffix: ''}\n"
        "apps:\n  en-indic:\n    name: indictrans2-en-indic\n    dir: translate\n"
        "    timeout_s: 600\n"
        "    web: {class: IndicTrans2EnIndicService, method: web_app, label: LABEL}\n"
        "    endpoints:\n      /translate: {kind: other, client_timeout_s: 60}\n"
    )
    code = (
        "import modal\nfrom fastapi import FastAPI\n\n"
        'app = modal.App("indictrans2-en-indic")\napi = FastAPI()\n\n\n'
        '@api.post("/translate")\ndef translate():\n    return {}\n\n\n'
        "@app.cls(timeout=600)\nclass IndicTrans2EnIndicService:\n"
        "    @modal.asgi_app()\n    def web_app(self):\n        return api\n"
    )
    reported = {}
    for label in ("indictrans2-en-indic-indictrans2enindicse-9e3146", "indictrans2-en-indic-x"):
        files = {"registry/fleet.yaml": registry.replace("LABEL", label), "translate/app.py": code}
        root = make_repo(tmp_path / label, files, apps=False)
        reported[label] = [(f.code, f.line) for f in run(root).findings]
    assert reported == {
        "indictrans2-en-indic-indictrans2enindicse-9e3146": [],
        "indictrans2-en-indic-x": [("FL006", 13)],
    }


SEARCH_REGISTRY = """\
version: 1
workspace: clip
environments:
  main: {web_suffix: ""}
apps:
  search:
    name: NAME
    dir: backend/apps
    entry: search_app.py
    gpu: T4
    timeout_s: 60
    web: {class: SearchService, method: asgi_app}
    endpoints:
      /search: {kind: other, method: GET, client_timeout_s: 30, idempotent: true}
"""
SEARCH_APP = """\
import os

import modal
from services.search_service import SearchService

env = os.environ.get("ENVIRONMENT", "dev")
GPU = os.environ.get("SEARCH_GPU", "T4")
app = modal.App(name=f"{env}-search")

app.cls(gpu=GPU, timeout=60)(SearchService)
"""
SEARCH_SERVICE = """\
import modal
from fastapi import FastAPI

api = FastAPI()


@api.get("/search")
def search():
    return []


class SearchService:
    @modal.asgi_app()
    def asgi_app(self):
        return api
"""


def test_an_app_named_by_environment_with_a_class_registered_by_a_call(tmp_path: Path) -> None:
    # The clipabit layout: `modal.App(f"{env}-search")`, `app.cls(...)(SearchService)` with
    # the class in `backend/services/`, imported from `backend/apps/` as `services...`.
    reported = {}
    for name in ("prod-search", "prod-finder"):
        files = {
            "registry/fleet.yaml": SEARCH_REGISTRY.replace("NAME", name),
            "backend/apps/search_app.py": SEARCH_APP,
            "backend/services/search_service.py": SEARCH_SERVICE,
        }
        root = make_repo(tmp_path / name, files, apps=False)
        reported[name] = [(f.code, f.path, f.line) for f in run(root).findings]
    assert reported == {
        "prod-search": [],
        "prod-finder": [("FL006", "backend/apps/search_app.py", 8)],
    }


def test_a_web_decorator_chosen_across_modal_versions_is_read(tmp_path: Path) -> None:
    registry = (
        "version: 1\nworkspace: acme\nenvironments:\n  main: {web_suffix: ''}\n"
        "apps:\n  api:\n    name: acme-api\n    dir: api\n    timeout_s: 300\n"
        "    web: {function: generate}\n"
        "    endpoints:\n      /: {kind: other, client_timeout_s: 60}\n"
    )
    code = (
        "import modal\n\n"
        'app = modal.App("acme-api")\n'
        "\n\n"
        "@app.function(timeout=300)\n"
        '@((getattr(modal, "fastapi_endpoint", None) or getattr(modal, "web_endpoint"))'
        '(method="POST"))\n'
        "def generate(body: dict):\n"
        "    return body\n"
    )
    files = {"registry/fleet.yaml": registry, "api/app.py": code}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.line, f.message) for f in run(root).findings] == []


def test_a_second_file_deploying_an_app_s_name_is_reported_wherever_it_is(
    tmp_path: Path,
) -> None:
    same = (DRIFT / "apps" / "seedvr2" / "app.py").read_text()
    copy = same.replace("TIMEOUT_S = 900", "TIMEOUT_S = 1200")  # a copy that went its own way
    files = {
        "apps/seedvr2/app_new.py": copy,  # beside the app
        "skills/upscale/scripts/app.py": copy,  # outside the fleet: deploying it replaces it too
        "reference/upstream/apps/seedvr2/app.py": copy,  # kept aside as it was
        "vendor/seedvr2/app.py": copy,
        "aws/lambda/app.py": same,  # the app as it is, bundled for another platform
        "apps/seedvr2/app_v3.py": same,  # as it is, under a new name: to become another app
    }
    root = make_repo(tmp_path, files)
    replaces = "Modal app 'ryla-seedvr2' is apps/seedvr2/app.py's: deploying this file replaces "
    assert [(f.code, f.path, f.message) for f in run(root).findings] == [
        ("FL006", "apps/seedvr2/app_new.py", f"{replaces}that app"),
        ("FL006", "apps/seedvr2/app_v3.py", f"{replaces}that app"),
        ("FL006", "skills/upscale/scripts/app.py", f"{replaces}that app"),
    ]


def test_an_app_name_read_from_an_object_is_trusted_beside_the_name_written_out(
    tmp_path: Path,
) -> None:
    serve = SPREAD_FILES["front/serve.py"]
    config = 'config = Config(name="ryla-front")\napp = modal.App(config.name)\n'
    unknown = "app = modal.App(settings.app_name)\n"
    written = serve.replace("app = modal.App(names.FRONT)\n", config)
    assert found(spread(tmp_path / "a", **{"front/serve.py": written})) == []
    root = spread(
        tmp_path / "b",
        **{"front/serve.py": serve.replace("app = modal.App(names.FRONT)\n", unknown)},
    )
    assert found(root) == [
        (
            "FL006",
            "front/serve.py",
            5,
            "modal.App(settings.app_name): the registry names this app 'ryla-front'",
        )
    ]


MULTI_APPS = """\
  gpu0:
    name: ryla-ocr-gpu0
    dir: multi
    entry: ocr_multi.py::app_gpu0
    functions:
      OcrGpu0: {gpu: H100, timeout_s: 600}
  gpu1:
    name: ryla-ocr-gpu1
    dir: multi
    entry: ocr_multi.py::app_gpu1
    functions:
      OcrGpu1: {gpu: H100, timeout_s: 600}
"""

OCR_MULTI = """\
import modal

app_gpu0 = modal.App("ryla-ocr-gpu0")
app_gpu1 = modal.App("ryla-ocr-gpux")
app_gpu2 = modal.App("ryla-ocr-gpu2")


@app_gpu0.cls(gpu="H100", timeout=300)
class OcrGpu0: ...


@app_gpu1.cls(gpu="H100", timeout=600)
class OcrGpu1: ...


@app_gpu2.cls(gpu="H100", timeout=600)
class OcrGpu2: ...
"""


def test_each_app_of_a_file_of_several_is_checked_by_its_variable(tmp_path: Path) -> None:
    root = layouts(tmp_path, **{"multi/ocr_multi.py": OCR_MULTI})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(registry.read_text() + MULTI_APPS)
    assert found(root) == [
        (
            "FL006",
            "multi/ocr_multi.py",
            4,
            "modal.App(\"ryla-ocr-gpux\"): the registry names this app 'ryla-ocr-gpu1'",
        ),
        (
            "FL006",
            "multi/ocr_multi.py",
            5,
            "Modal app 'ryla-ocr-gpu2' is not in the registry: CI will never deploy it",
        ),
        (
            "FL001",
            "multi/ocr_multi.py",
            8,
            "ryla-ocr-gpu0.OcrGpu0: timeout=300 but the registry says 600 s",
        ),
    ]


def test_a_fastapi_endpoint_answers_at_its_root_beside_an_imported_fastapi_app(
    tmp_path: Path,
) -> None:
    # The llm app's code imports a module that serves routes of another app's FastAPI: its
    # own `@modal.fastapi_endpoint` still answers at `/`.
    llm = FILES["services/llm.py"].replace(
        "import modal\n", "import modal\n\nfrom services.handlers import ocr_routes  # noqa: F401\n"
    )
    assert found(layouts(tmp_path, **{"services/llm.py": llm})) == []
