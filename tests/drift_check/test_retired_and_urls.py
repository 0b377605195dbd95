"""FL003 retired references and FL004 URLs: where they fire, and where they must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drift_check.conftest import DRIFT, make_repo, places, run


def test_retired_references_fire_at_each_mention(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "scripts/fires.py": DRIFT / "FL003" / "fires.py",
            "client/fires.ts": DRIFT / "FL003" / "fires.ts",
        },
    )
    result = run(root)
    assert places(result) == [
        ("FL003", "client/fires.ts", 1, 41),
        ("FL003", "scripts/fires.py", 2, 27),
        ("FL003", "scripts/fires.py", 3, 35),
        ("FL003", "scripts/fires.py", 4, 8),
        ("FL003", "scripts/fires.py", 5, 20),
        ("FL003", "scripts/fires.py", 6, 29),
        ("FL003", "scripts/fires.py", 6, 54),
    ]
    messages = [f.message for f in result.findings]
    assert messages[1] == (
        "URL label 'ryla-comfyui-comfyui-fastapi-app' of the retired app 'ryla-comfyui': split "
        "into per-model apps"
    )
    assert messages[3] == "retired app 'ryla-comfyui': split into per-model apps"
    assert messages[4] == "removed endpoint '/flux-instantid': removed"
    assert messages[5] == "deleted deploy file 'comfyui_danrisi.py': deleted"
    assert messages[6] == "deleted deploy file 'apps/modal/app.py': split into per-model apps"
    assert result.findings[1].hint == (
        "use the app that serves the endpoint (ryla-flux, ryla-seedvr2); "
        "`fleet registry urls` lists them"
    )


def test_retired_lookalikes_do_not_fire(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"scripts/clean.py": DRIFT / "FL003" / "clean.py"})
    assert places(run(root)) == []


def test_urls_must_name_an_app_environment_and_its_own_path(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"tests/fires.py": DRIFT / "FL004" / "fires.py"})
    result = run(root)
    assert places(result) == [
        ("FL004", "tests/fires.py", 1, 14),
        ("FL004", "tests/fires.py", 2, 18),
        ("FL004", "tests/fires.py", 3, 16),
        ("FL004", "tests/fires.py", 4, 17),
        ("FL004", "tests/fires.py", 5, 12),
    ]
    assert [(f.message, f.hint) for f in result.findings[:2]] == [
        (
            "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/seedvr2: /seedvr2 is served "
            "by ryla-seedvr2, not ryla-flux",
            "use https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2",
        ),
        (
            "https://ryla--ryla-fluxx-comfyui-fastapi-app.modal.run/flux: ryla-flux's URL label "
            "is 'ryla-flux-comfyui-fastapi-app', not 'ryla-fluxx-comfyui-fastapi-app'",
            "use https://ryla--ryla-flux-comfyui-fastapi-app.modal.run; `fleet registry urls` "
            "lists every URL",
        ),
    ]
    assert result.findings[2].message == (
        "https://ryla-prod--ryla-flux-comfyui-fastapi-app.modal.run/flux: 'ryla-prod' is not "
        "the workspace of a known environment"
    )
    assert result.findings[3].hint == "ryla-seedvr2 serves /seedvr2"


def test_urls_of_apps_outside_the_fleet_are_not_the_registry_s(tmp_path: Path) -> None:
    text = (
        'OTHER = "https://ryla--billing-api.modal.run/invoice"\n'
        'EXAMPLE = "https://your-workspace--example-hello.modal.run"\n'
        'STALE = "https://ryla--ryla-seedvr2-old-web.modal.run/seedvr2"\n'
    )
    root = make_repo(tmp_path, {"client.py": text})
    assert [(f.line, f.message) for f in run(root).findings] == [
        (
            3,
            "https://ryla--ryla-seedvr2-old-web.modal.run/seedvr2: ryla-seedvr2's URL label is "
            "'ryla-seedvr2-comfyui-fastapi-app', not 'ryla-seedvr2-old-web'",
        )
    ]


def test_correct_and_templated_urls_do_not_fire(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"tests/clean.py": DRIFT / "FL004" / "clean.py"})
    assert places(run(root)) == []


def test_a_placeholder_workspace_is_the_reader_s_and_another_is_not_the_fleet_s(
    tmp_path: Path,
) -> None:
    url = "https://your-workspace--ryla-flux-comfyui-fastapi-app.modal.run/flux"
    code = f'"""Call {url} once deployed."""\n# or {url}\nURL = "{url}"\n'
    doc = f"Deploy, then call {url}.\nThe dev server: https://ryla--ryla-flux-comfyui-fastapi-app-dev.modal.run/flux\n"
    env = (
        f"#URL={url.replace('your-workspace', 'xxxxx')}  # a comment: prose\n"
        f"URL={url.replace('/flux', '/nope')}\n"  # a template: its workspace is the reader's
        f"URL={url.replace('your-workspace', 'someone')}\n"
    )
    root = make_repo(tmp_path, {"client.py": code, "docs/call.md": doc, "server/.env.example": env})
    assert [(f.path, f.line) for f in run(root).findings] == [
        ("server/.env.example", 2),
        ("server/.env.example", 3),
    ]


def test_urls_are_found_in_a_large_text_as_a_scan_of_all_of_it_finds_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tools.drift_check.extract import urls

    filler = "word " * 20_000
    text = (
        f"{filler}https://${{WORKSPACE}}-staging--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"
        f"{filler}x.modal.run and https://ryla--a.modal.run{filler}https://ryla--b.modal.run/c.\n"
        # minified: no white space for 9,000 characters before the URL
        + "x=1;" * 2_250
        + 'u="https://ryla--m.modal.run/q";\t%(ws)s--t.modal.run'
    )
    found = urls._find(text)
    monkeypatch.setattr(urls, "_windows", lambda text: [(0, len(text))])
    assert found == urls._find(text)
    assert [(u.source, u.label) for u in found] == [
        (None, "ryla-flux-comfyui-fastapi-app"),
        ("ryla", "a"),
        ("ryla", "b"),
        ("ryla", "m"),
        (None, "t"),
    ]


def test_the_file_that_defines_a_retired_app_is_its_own_code(tmp_path: Path) -> None:
    # apps/flux is a live app's folder: only the file whose App is the retired one is exempt.
    own = (
        "import modal\n\n"
        'NAME = "ryla-comfyui"\n'
        "app = modal.App(NAME)\n"
        'URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run/flux-instantid"\n'
    )
    caller = 'import modal\n\nFACES = modal.Function.from_name("ryla-comfyui", "faces")\n'
    listed = 'import modal\n\napp = modal.App("ryla-comfyui")\n'  # the registry's `files`
    root = make_repo(
        tmp_path,
        {
            "apps/flux/comfyui.py": own,
            "apps/flux/faces.py": caller,
            "apps/flux/README.md": "`comfyui.py` deploys ryla-comfyui.\n",
            "apps/modal/app.py": listed,
        },
    )
    assert places(run(root)) == [
        ("FL003", "apps/flux/README.md", 1, 22),
        ("FL003", "apps/flux/faces.py", 3, 35),
        ("FL003", "apps/modal/app.py", 3, 18),
    ]


VOICE_REGISTRY = """\
version: 1
workspace: ws
environments:
  main: {web_suffix: ""}
retired:
  apps:
    - name: voice-clone
      url: https://ws--voice-clone-service-clone.modal.run
      reason: stopped to free endpoint slots
      replaced_by: [clone-06b]
apps:
  clone-06b:
    name: voice-clone-06b
    dir: apps/voice
    gpu: A10G
    timeout_s: 600
    web: {class: Service, method: clone}
    endpoints:
      /: {kind: audio, client_timeout_s: 300}
  speech:
    name: speech
    dir: apps/speech
    gpu: A10G
    timeout_s: 600
    web: {function: speak, label: voice-clone-v2}
    endpoints:
      /: {kind: audio, client_timeout_s: 300}
"""


def test_every_url_of_a_retired_app_is_a_reference_to_it(tmp_path: Path) -> None:
    client = (
        'CLONE = "https://ws--voice-clone-service-clone.modal.run"\n'
        'HEALTH = "https://ws--voice-clone-service-health.modal.run"\n'
        'BARE = "https://ws-dev--voice-clone.modal.run/languages"\n'
        'SERVED = "https://ws--voice-clone-service-health-dev.modal.run"\n'
        'BUILT = f"https://{ws}--voice-clone-service-languages.modal.run"\n'
        # The live app whose name is the retired one's and more, its label, and a lookalike.
        'LIVE = "https://ws--voice-clone-06b-service-health.modal.run"\n'
        'LIVE_NAME = "https://ws--voice-clone-06b.modal.run"\n'
        'LABEL = "https://ws--voice-clone-v2.modal.run"\n'
        'OTHER = "https://ws--voice-cloned-web.modal.run"\n'
    )
    root = make_repo(
        tmp_path,
        {
            "registry/fleet.yaml": VOICE_REGISTRY,
            "pyproject.toml": '[tool.fleet]\nselect = ["FL003"]\n',
            "client.py": client,
        },
        apps=False,
    )
    result = run(root)
    assert places(result) == [
        ("FL003", "client.py", 1, 22),
        ("FL003", "client.py", 2, 23),
        ("FL003", "client.py", 3, 25),
        ("FL003", "client.py", 4, 23),
        ("FL003", "client.py", 5, 25),
    ]
    assert (result.findings[1].message, result.findings[1].hint) == (
        "URL label 'voice-clone-service-health' of the retired app 'voice-clone': "
        "stopped to free endpoint slots",
        "use the app that serves the endpoint (voice-clone-06b); `fleet registry urls` lists them",
    )


def test_a_retired_app_s_url_is_fl003_s_alone_where_a_live_name_is_shorter(
    tmp_path: Path,
) -> None:
    # The live `voice` starts the label too: the URL is the retired app's, not a stale `voice`.
    registry = VOICE_REGISTRY.replace("    name: speech\n", "    name: voice\n")
    client = 'HEALTH = "https://ws--voice-clone-service-health.modal.run"\n'
    root = make_repo(tmp_path, {"registry/fleet.yaml": registry, "client.py": client}, apps=False)
    found = [(f.code, f.path, f.line) for f in run(root).findings]
    assert [f for f in found if f[1] == "client.py"] == [("FL003", "client.py", 1)]


def test_a_placeholder_workspace_in_prose_is_the_reader_s_and_its_label_is_checked(
    tmp_path: Path,
) -> None:
    doc = (
        "Call https://your-workspace--ryla-flux-comfyui-fastapi-ap.modal.run/flux once set up,\n"
        "or wss://<workspace>--ryla-flux-comfyui-fastapi-app.modal.run/flux-nope.\n"
        "Elsewhere: https://someone--example-hello.modal.run/flux is theirs.\n"
        "Dev: https://yourname--ryla-flux-dev.modal.run/flux\n"
        "Old: https://oldws--ryla-flux-comfyui-fastapi-ap.modal.run: the fleet's app, still\n"
        "Printed: https://xxxxx--ryla-flux-comfyui-fastapi-app.modal.run/flux\n"
    )
    root = make_repo(tmp_path, {"docs/call.md": doc})
    assert [(f.code, f.line, f.message) for f in run(root).findings] == [
        (
            "FL004",
            1,
            "https://your-workspace--ryla-flux-comfyui-fastapi-ap.modal.run/flux: ryla-flux's "
            "URL label is 'ryla-flux-comfyui-fastapi-app', not 'ryla-flux-comfyui-fastapi-ap'",
        ),
        (
            "FL004",
            2,
            "--ryla-flux-comfyui-fastapi-app.modal.run/flux-nope: /flux-nope is not an endpoint "
            "of ryla-flux",
        ),
        (
            "FL004",
            4,
            "https://yourname--ryla-flux-dev.modal.run/flux: ryla-flux's URL label is "
            "'ryla-flux-comfyui-fastapi-app', not 'ryla-flux-dev'",
        ),
        (
            "FL004",
            5,
            "https://oldws--ryla-flux-comfyui-fastapi-ap.modal.run: ryla-flux's URL label is "
            "'ryla-flux-comfyui-fastapi-app', not 'ryla-flux-comfyui-fastapi-ap'",
        ),
    ]


def test_a_url_in_an_app_s_own_file_with_a_label_copied_from_elsewhere(tmp_path: Path) -> None:
    seedvr2 = (DRIFT / "apps" / "seedvr2" / "app.py").read_text() + (
        "\n\n# Once deployed, call it:\n"
        "# curl https://your-workspace-name--example-upscaler-serve.modal.run/seedvr2\n"
        "# or https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2\n"
        "# Other apps of ours: https://someone--example-upscaler-serve.modal.run\n"
    )
    guide = "Call https://your-workspace-name--example-upscaler-serve.modal.run/seedvr2\n"
    files = {"apps/seedvr2/app.py": seedvr2, "docs/call.md": guide}  # a guide's own example
    root = make_repo(tmp_path, files)
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        (
            "FL004",
            "apps/seedvr2/app.py",
            22,
            "https://your-workspace-name--example-upscaler-serve.modal.run/seedvr2: "
            "ryla-seedvr2's URL label is 'ryla-seedvr2-comfyui-fastapi-app', not "
            "'example-upscaler-serve'",
        )
    ]


def test_an_openapi_document_s_paths_are_served_by_its_servers(tmp_path: Path) -> None:
    spec = (
        "openapi: 3.0.3\n"
        "servers:\n"
        "  - url: https://your-org--ryla-flux-comfyui-fastapi-app.modal.run\n"
        "  - url: http://localhost:8000\n"
        "paths:\n"
        "  /flux:\n    post: {summary: an image}\n"
        "  /docs:\n    get: {summary: the docs}\n"
        "  /status:\n    get: {summary: not served}\n"
        "  /seedvr2:\n"  # served by another server of its own
        "    servers:\n      - url: https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run\n"
        "    post: {summary: upscale}\n"
    )
    other = spec.replace("your-org--ryla-flux-comfyui-fastapi-app", "someone--elsewhere")
    files = {"docs/api/openapi.yaml": spec, "docs/api/other.yaml": other}
    root = make_repo(tmp_path, files)
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        (
            "FL004",
            "docs/api/openapi.yaml",
            10,
            "OpenAPI path /status is not served by this document's servers (ryla-flux)",
        )
    ]


def test_a_retired_web_function_of_a_live_app_is_a_reference(tmp_path: Path) -> None:
    worker = (
        "// Starts the job: seedvr2_start, then polls seedvr2_check.\n"
        "const START = 'https://ryla--ryla-seedvr2-seedvr2-start.modal.run';\n"
        "const HEALTH = BASE.replace(/--.*/, '--flux-health.modal.run');\n"
        "const LIVE = 'https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2';\n"
        "// start() is a word, not the retired function\n"
        "const CHECK = START.replace('start', 'seedvr2-check');\n"
        "// The former seedvr2_check is now the app's API\n"
        "// fastapi_app serves the live apps\n"
    )
    root = make_repo(tmp_path, {"worker.js": worker})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "retired:\n",
            "retired:\n  functions:\n"
            "    - {app: seedvr2, function: seedvr2_start, reason: merged into the app's API,\n"
            "       replaced_by: ComfyUI.fastapi_app}\n"
            "    - {app: seedvr2, function: seedvr2_check, reason: merged}\n"
            "    - {app: flux, function: health, label: flux-health, reason: removed}\n"
            # a name the live apps' web functions still have: theirs, not the retired one's
            "    - {app: seedvr2, function: fastapi_app, reason: renamed}\n",
            1,
        )
    )
    use = "use ComfyUI.fastapi_app (https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run)"
    assert [(f.code, f.line, f.message, f.hint) for f in run(root).findings] == [
        (
            "FL003",
            1,
            "retired web function 'seedvr2_start' of 'ryla-seedvr2': merged into the app's API",
            use,
        ),
        (
            "FL003",
            1,
            "retired web function 'seedvr2_check' of 'ryla-seedvr2': merged",
            "remove the reference",
        ),
        (
            "FL003",
            2,
            "URL label 'ryla-seedvr2-seedvr2-start' of the retired web function "
            "'seedvr2_start' of 'ryla-seedvr2': merged into the app's API",
            use,
        ),
        (
            "FL003",
            3,
            "URL label 'flux-health' of the retired web function 'health' of 'ryla-flux': removed",
            "remove the reference",
        ),
        (
            "FL003",
            6,
            "retired web function 'seedvr2-check' of 'ryla-seedvr2': merged",
            "remove the reference",
        ),
    ]


def test_a_python_function_of_a_retired_web_function_s_name_is_any_module_s(
    tmp_path: Path,
) -> None:
    code = (
        "import modal\n"
        'start = modal.Function.from_name("ryla-seedvr2", "seedvr2_start")\n'
        "seedvr2_start.remote()\n"
        "async def seedvr2_start(request):\n"
        "    return await seedvr2_start(request)\n"
        "client.seedvr2_start = mock\n"
        "seedvr2_start = None\n"
        "generate_image(prompt)\n"
        "# Run: modal run app.py::generate_image\n"
    )
    root = make_repo(tmp_path, {"client.py": code})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text()
        .replace(
            "retired:\n",
            "retired:\n  functions:\n"
            "    - {app: seedvr2, function: seedvr2_start, reason: merged}\n"
            # the app's own function now: its name is the live one's
            "    - {app: flux, function: generate_image, reason: the API serves it}\n",
            1,
        )
        .replace(
            "    timeout_s: 300\n    web: {class: ComfyUI, method: fastapi_app}\n",
            "    timeout_s: 300\n    web: {class: ComfyUI, method: fastapi_app}\n"
            "    functions:\n      generate_image: {gpu: L40S, timeout_s: 300}\n",
            1,
        )
    )
    found = [(f.code, f.line) for f in run(root).findings if f.path == "client.py"]
    assert found == [("FL003", 2), ("FL003", 3)]


def test_a_retired_class_or_function_that_served_no_url_is_referenced_by_name(
    tmp_path: Path,
) -> None:
    code = (
        "import modal\n"
        "from apps.flux.app import FluxSDK\n"
        'stt = modal.Cls.from_name("ryla-flux", "FluxSDK")\n'
        "warm_cache.remote()\n"
        "class FluxSDK:  # a class of this module's own, of the same name\n"
        "    pass\n"
        "Model.remote()\n"  # one word: any module's class
        "FluxSDKv2.remote()\n"
    )
    doc = "# Flux\n\nClass: `FluxSDK` (method `generate`); warm it with `warm_cache`.\n"
    root = make_repo(tmp_path, {"client.py": code, "docs/flux.md": doc})
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "retired:\n",
            "retired:\n  functions:\n"
            "    - {app: flux, function: FluxSDK, web: false, reason: the API serves it,\n"
            "       replaced_by: ComfyUI.fastapi_app}\n"
            "    - {app: flux, function: warm_cache, web: false, reason: removed}\n"
            "    - {app: flux, function: Model, web: false, reason: removed}\n",
            1,
        )
    )
    found = [
        (f.path, f.line, f.message, f.hint)
        for f in run(root).findings
        if f.path in ("client.py", "docs/flux.md")
    ]
    use = "use ComfyUI.fastapi_app (https://ryla--ryla-flux-comfyui-fastapi-app.modal.run)"
    assert found == [
        ("client.py", 2, "retired Modal class 'FluxSDK' of 'ryla-flux': the API serves it", use),
        ("client.py", 3, "retired Modal class 'FluxSDK' of 'ryla-flux': the API serves it", use),
        (
            "client.py",
            4,
            "retired Modal function 'warm_cache' of 'ryla-flux': removed",
            "remove the reference",
        ),
        ("docs/flux.md", 3, "retired Modal class 'FluxSDK' of 'ryla-flux': the API serves it", use),
        (
            "docs/flux.md",
            3,
            "retired Modal function 'warm_cache' of 'ryla-flux': removed",
            "remove the reference",
        ),
    ]


def test_a_retired_secret_is_referenced_by_its_name(tmp_path: Path) -> None:
    guide = (
        "# Setup\n\n"
        "```sh\n"
        "modal secret create flux-hf-secret HF_TOKEN=...\n"  # FL003's, not FL017's too
        "modal secret create hf HF_TOKEN=...\n"
        "```\n\n"
        'In code: `modal.Secret.from_name("hf")`.\n'  # quoted whole, where secrets are spoken of
        "The hf model card explains the license.\n"  # one word, no secret on the line
        "Keep flux-hf-secret-backup as it is.\n"  # another name that begins with it
    )
    root = make_repo(tmp_path, {"docs/setup.md": guide})
    app = root / "apps" / "flux" / "app.py"
    lines = app.read_text().count("\n")
    # FL003's, not FL012's too
    app.write_text(app.read_text() + 'hf = modal.Secret.from_name("flux-hf-secret")\n')
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "retired:\n",
            "retired:\n  secrets:\n"
            "    - {name: flux-hf-secret, reason: renamed}\n"
            "    - {name: hf, reason: moved to Vault}\n",
            1,
        )
    )
    found = [
        (f.code, f.path, f.line, f.message, f.hint)
        for f in run(root).findings
        if f.path in ("apps/flux/app.py", "docs/setup.md")
    ]
    assert found == [
        (
            "FL003",
            "apps/flux/app.py",
            lines + 1,
            "retired Modal secret 'flux-hf-secret': renamed",
            "remove the reference",
        ),
        (
            "FL003",
            "docs/setup.md",
            4,
            "retired Modal secret 'flux-hf-secret': renamed",
            "remove the reference",
        ),
        (
            "FL003",
            "docs/setup.md",
            5,
            "retired Modal secret 'hf': moved to Vault",
            "remove the reference",
        ),
        (
            "FL003",
            "docs/setup.md",
            8,
            "retired Modal secret 'hf': moved to Vault",
            "remove the reference",
        ),
    ]


def test_a_retired_app_s_name_given_to_a_dataset_names_the_dataset(tmp_path: Path) -> None:
    code = (
        "import os\n\n"
        'DATASET = os.getenv("AXIOM_DATASET", "ryla-comfyui")\n'
        'upload(bucket="ryla-comfyui")\n'
        'APP = os.getenv("MODAL_APP", "ryla-comfyui")\n'  # an app: the retired one
    )
    root = make_repo(tmp_path, {"scripts/log.py": code})
    assert [(f.code, f.line) for f in run(root).findings] == [("FL003", 5)]


def test_a_deleted_file_named_alone_is_a_reference(tmp_path: Path) -> None:
    script = (
        'run_python() { python "scripts/$1"; }\n'
        'run_python "old_deploy_all.py"\n'  # the deleted scripts/old_deploy_all.py
        'run_python "moved_tool.py"\n'  # deleted there, but a file of that name is here
        'run_python "app.py"\n'  # one word: any folder's
    )
    doc = "The new flow replaces `old_deploy_all.py`.\n"
    files = {"run.sh": script, "tools/moved_tool.py": "", "docs/flow.md": doc}
    root = make_repo(tmp_path, files)
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "  files:\n",
            "  files:\n    - {path: scripts/old_deploy_all.py, reason: deleted}\n"
            "    - {path: scripts/moved_tool.py, reason: moved}\n"
            "    - {path: scripts/app.py, reason: deleted}\n",
            1,
        )
    )
    assert [(f.code, f.path, f.line, f.message) for f in run(root).findings] == [
        ("FL003", "run.sh", 2, "deleted deploy file 'old_deploy_all.py': deleted"),
    ]


def test_an_image_of_a_retired_app_s_name_is_the_image(tmp_path: Path) -> None:
    doc = (
        "| Image | Port |\n|---|---|\n| `ryla-comfyui` | 5001 |\n\n"  # an image's column
        "| App | Port |\n|---|---|\n| `ryla-comfyui` | 5001 |\n\n"  # an app's: reported
        "Pull ryla-comfyui:latest or ghcr.io/acme/ryla-comfyui.\n"
    )
    root = make_repo(tmp_path, {"docs/images.md": doc})
    assert [(f.code, f.line) for f in run(root).findings] == [("FL003", 7)]


def test_a_url_the_code_builds_is_checked_where_it_is_called(tmp_path: Path) -> None:
    code = (
        "import os, requests\n"
        'BASE = os.getenv("FLUX_BASE", "https://ryla--ryla-flux-comfyui-fastapi-app")\n'
        'HEALTH = f"{BASE}-health.modal.run"\n'
        'OK = BASE + ".modal.run/flux"\n'
        'WRITTEN = "https://ryla--ryla-flux-comfyui-fastapi-ap.modal.run/flux"\n'
        "requests.get(HEALTH, timeout=5)\n"
        "requests.post(OK, json={}, timeout=180)\n"
        "requests.post(WRITTEN, json={}, timeout=180)\n"  # reported where it is written
        'requests.get(os.environ["BASE"] + "/flux")\n'  # no default: not known
    )
    root = make_repo(tmp_path, {"scripts/check.py": code})
    assert [(f.code, f.line, f.message) for f in run(root).findings] == [
        (
            "FL004",
            5,
            "https://ryla--ryla-flux-comfyui-fastapi-ap.modal.run/flux: ryla-flux's URL label is "
            "'ryla-flux-comfyui-fastapi-app', not 'ryla-flux-comfyui-fastapi-ap'",
        ),
        (
            "FL004",
            6,
            "https://ryla--ryla-flux-comfyui-fastapi-app-health.modal.run: ryla-flux's URL label "
            "is 'ryla-flux-comfyui-fastapi-app', not 'ryla-flux-comfyui-fastapi-app-health'",
        ),
    ]


def test_a_one_word_retired_app_is_named_only_where_an_app_name_stands(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "README.md": (
                "# shelf\n"
                "Build it with `go build -o shelf ./cmd/shelf`; config in ~/.shelf/shelf.toml.\n"
                'model.py deploys the "shelf" app; tail it with `modal app logs shelf`.\n'
                "Deploy it as `modal deploy --name shelf model.py`.\n"
            ),
            "lib.py": "browser = launch()  # a headless browser\nAPP = 'shelf'\n",
        },
    )
    fleet = root / "registry" / "fleet.yaml"
    fleet.write_text(
        fleet.read_text().replace(
            "retired:\n  apps:\n",
            "retired:\n  apps:\n    - {name: shelf, reason: renamed shelf-model}\n"
            "    - {name: browser, reason: renamed shelf}\n",
        )
    )
    assert [(f.path, f.line, f.col) for f in run(root).findings if f.code == "FL003"] == [
        ("README.md", 3, 23),
        ("README.md", 3, 64),
        ("README.md", 4, 35),
        ("lib.py", 2, 8),
    ]


STUDIO = """\
version: 1
workspace: studio
environments:
  main: {web_suffix: ""}
apps:
  separator:
    name: music-ai-separator-complete
    dir: apps/separator
    timeout_s: 300
    web: {function: fastapi_app}
    endpoints:
      /: {kind: audio, client_timeout_s: 120}
  mastering:
    name: music-ai-mastering
    dir: apps/mastering
    timeout_s: 300
    web: {function: fastapi_app}
    endpoints:
      /: {kind: audio, client_timeout_s: 120}
"""


def test_a_label_that_cuts_one_app_s_name_short_was_meant_for_it(tmp_path: Path) -> None:
    env = (
        "SEPARATOR=https://studio--music-ai-separator.modal.run\n"  # one app's name, cut short
        "ANY=https://[username]--music-ai.modal.run\n"  # both apps' names start so: theirs
        "MASTERING=https://studio--music-ai-mastering-fastapi-app.modal.run\n"
        "\n"
        "BILLING=https://studio--billing-api.modal.run\n"  # no app's, alone: outside the fleet
    )
    files = {"registry/fleet.yaml": STUDIO, ".env.example": env}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.line, f.message) for f in run(root).findings if f.code == "FL004"] == [
        (
            "FL004",
            1,
            "https://studio--music-ai-separator.modal.run: music-ai-separator-complete's URL "
            "label is 'music-ai-separator-complete-fastapi-app', not 'music-ai-separator'",
        )
    ]


def test_a_label_no_app_serves_among_the_fleet_s_urls_was_meant_for_the_fleet(
    tmp_path: Path,
) -> None:
    env = (
        "SEPARATOR=https://studio--music-ai-separator-complete-fastapi-app.modal.run\n"
        "ENHANCER=https://studio--speech-enhancement.modal.run\n"  # beside the fleet's: meant
        "TOOLS=https://studio--tools-web.modal.run\n"  # the repository's own App serves it
        "BILLING=https://billing--speech-enhancement.modal.run\n"  # another workspace
        "\n"
        "OTHER=https://studio--speech-enhancement.modal.run\n"  # alone: outside the fleet
    )
    tools = 'import modal\n\napp = modal.App("tools")\n'
    files = {"registry/fleet.yaml": STUDIO, ".env.example": env, "misc/tools.py": tools}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.line, f.message) for f in run(root).findings if f.code == "FL004"] == [
        (
            "FL004",
            2,
            "https://studio--speech-enhancement.modal.run: no app of the fleet, or of this "
            "repository, serves the label 'speech-enhancement', though the URLs beside it are "
            "the fleet's",
        )
    ]


def test_a_section_about_what_was_removed_and_an_ignore_file_document_it(tmp_path: Path) -> None:
    doc = (
        "# Structure\n"
        "## What was removed\n"
        "### Duplicates\n"
        "- `comfyui_danrisi.py`: merged into apps/flux\n"  # under a heading that says so
        "## Deploying\n"
        "- `comfyui_danrisi.py` deploys the images\n"  # a reference
        "### Old deployment\n"
        "- `comfyui_danrisi.py` deployed the images\n"  # under a heading over what was
        "### Alternative: use the old deploy file\n"
        "- `comfyui_danrisi.py` deploys the images\n"  # an instruction: a reference
    )
    files = {"docs/structure.md": doc, ".vercelignore": "comfyui_danrisi.py\n"}
    root = make_repo(tmp_path, files)
    assert [(f.code, f.path, f.line) for f in run(root).findings] == [
        ("FL003", "docs/structure.md", 6),
        ("FL003", "docs/structure.md", 10),
    ]


def test_a_host_written_longer_than_a_dns_label_is_still_a_url_of_its_app(tmp_path: Path) -> None:
    # `modal serve` adds `-dev`: past 63 characters Modal would cut the label, but what is
    # written still names the retired app.
    label = "ryla-comfyui-comfyui-fastapi-app-with-a-much-longer-name-dev"
    doc = f"Dev: https://ryla--{label}.modal.run/flux\n"
    root = make_repo(tmp_path, {"docs/dev.md": doc})
    assert [(f.code, f.line, f.col) for f in run(root).findings] == [("FL003", 1, 20)]


def test_a_one_word_retired_app_in_a_list_of_words_or_another_keyword_is_a_word(
    tmp_path: Path,
) -> None:
    code = (
        'ENVIRONMENTS = ["dev", "prod", "staging"]\n'
        'router = Router(environment="prod")\n'
        'lookup(app_name="prod")\n'
    )
    root = make_repo(tmp_path, {"config.py": code})
    fleet = root / "registry" / "fleet.yaml"
    fleet.write_text(
        fleet.read_text().replace(
            "retired:\n  apps:\n", "retired:\n  apps:\n    - {name: prod, reason: split}\n"
        )
    )
    assert [(f.path, f.line) for f in run(root).findings if f.code == "FL003"] == [("config.py", 3)]


def test_a_path_joined_to_a_base_url_in_a_template_literal_is_checked(tmp_path: Path) -> None:
    page = (
        "<script>\n"
        "const API = 'https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run';\n"
        "fetch(`${API}/seedvr2`);\n"
        "fetch(`${API}/status/${jobId}`);\n"  # no such route
        "fetch(`${OTHER}/status`);\n"  # a base the file does not assign
        "</script>\n"
    )
    root = make_repo(tmp_path, {"web/index.html": page})
    assert [(f.code, f.line, f.message) for f in run(root).findings] == [
        (
            "FL004",
            4,
            "${API}/status/${jobId}: /status/${jobId} is not an endpoint of ryla-seedvr2 "
            "(https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run)",
        )
    ]


def test_a_path_joined_to_a_setting_the_registry_says_holds_a_url_is_checked(
    tmp_path: Path,
) -> None:
    # The registry: FLUX_API_URL holds ryla-flux's URL (/flux, /flux-dev).
    client = (
        "const BASE: string = process.env.FLUX_API_URL ?? '';\n"
        "fetch(`${BASE}/flux`);\n"
        "fetch(`${BASE}/seedvr2`);\n"  # 3: another app's path
        "fetch(`${BASE.replace(/\\/$/, '')}/flux-dev`);\n"
        "fetch(`${OTHER}/seedvr2`);\n"  # a name bound to no setting
        "fetch(`${process.env.FLUX_API_URL}/upscale`);\n"  # 6: the setting read in place
        "fetch(`${BASE}/${params.path}`);\n"  # a proxy: the rest of any endpoint
        "fetch(`${BASE}/flux/${jobId}`);\n"  # 8: no endpoint goes on after /flux
        "fetch(`${BASE}/jobs/${jobId}`);\n"  # 9: one segment: /jobs/{job_id}/result goes on
        "fetch(`${BASE}/jobs/${resultPath}`);\n"  # a path: the rest of /jobs/{job_id}/result
    )
    module = (
        "import os\n"
        "BASE = os.environ.get('FLUX_API_URL', '').rstrip('/')\n"
        "requests.post(f'{BASE}/flux-dev', json={})\n"
        "requests.get(BASE + '/status/' + job_id)\n"  # 4
        "requests.get(BASE + '/flux/')\n"
        "requests.get(f\"{BASE}/{path.lstrip('/')}\")\n"  # a proxy: any path
        "print(f'stream at {BASE}/ws/{{client_id}}')\n"  # 7: `/ws/{client_id}`
    )
    script = 'curl -L $FLUX_API_URL/health\ncurl -L "${FLUX_API_URL}/upscale"\n'
    files = {"web/flux.ts": client, "jobs/flux.py": module, "scripts/probe.sh": script}
    root = make_repo(tmp_path, files)
    registry = root / "registry" / "fleet.yaml"
    flux = "    timeout_s: 300\n    web: {class: ComfyUI, method: fastapi_app}\n"
    assert flux in registry.read_text()
    declared = flux.replace("}", ", settings: [FLUX_API_URL]}")
    results = "    endpoints:\n      /jobs/{job_id}/result: {kind: other, client_timeout_s: 30}\n"
    text = registry.read_text().replace(flux, declared, 1)
    registry.write_text(text.replace(f"{declared}    endpoints:\n", declared + results, 1))
    assert "/jobs/{job_id}/result" in registry.read_text()
    findings = [f for f in run(root).findings if f.code == "FL004"]
    assert [(f.path, f.line, f.col, f.message) for f in findings] == [
        (
            "jobs/flux.py",
            4,
            14,
            "BASE + '/status/': /status/ is not an endpoint of ryla-flux (the URL "
            "FLUX_API_URL holds)",
        ),
        (
            "jobs/flux.py",
            7,
            19,
            "{BASE}/ws/{{client_id}}: /ws/{{client_id}} is not an endpoint of ryla-flux (the "
            "URL FLUX_API_URL holds)",
        ),
        (
            "scripts/probe.sh",
            2,
            10,
            "${FLUX_API_URL}/upscale: /upscale is not an endpoint of ryla-flux (the URL "
            "FLUX_API_URL holds)",
        ),
        (
            "web/flux.ts",
            3,
            8,
            "${BASE}/seedvr2: /seedvr2 is not an endpoint of ryla-flux (the URL FLUX_API_URL "
            "holds)",
        ),
        (
            "web/flux.ts",
            6,
            8,
            "${process.env.FLUX_API_URL}/upscale: /upscale is not an endpoint of ryla-flux "
            "(the URL FLUX_API_URL holds)",
        ),
        (
            "web/flux.ts",
            8,
            8,
            "${BASE}/flux/${jobId}: /flux/${jobId} is not an endpoint of ryla-flux (the URL "
            "FLUX_API_URL holds)",
        ),
        (
            "web/flux.ts",
            9,
            8,
            "${BASE}/jobs/${jobId}: /jobs/${jobId} is not an endpoint of ryla-flux (the URL "
            "FLUX_API_URL holds)",
        ),
    ]
    assert findings[0].hint == "ryla-flux serves /jobs/{job_id}/result, /flux, /flux-dev"


def test_a_deleted_file_named_from_the_folder_of_its_document_is_a_reference(
    tmp_path: Path,
) -> None:
    readme = (
        "- `modal/app.py` holds the single app\n"  # from apps/: apps/modal/app.py, deleted
        "- `app.py` of each app folder\n"  # no folder of its own: any app.py
    )
    root = make_repo(tmp_path, {"apps/README.md": readme})
    assert [(f.code, f.path, f.line, f.col) for f in run(root).findings] == [
        ("FL003", "apps/README.md", 1, 4)
    ]


def test_the_prose_of_a_record_of_a_change_tells_what_was_done(tmp_path: Path) -> None:
    record = (
        "# Migration complete\n"
        "- Two apps were deployed (`ryla-flux`, `ryla-comfyui`)\n"  # what was done then
        "## Deploy\n"
        "```bash\n"
        "modal app logs ryla-comfyui\n"  # still what a reader runs
        "```\n"
    )
    guide = "# Apps\n- Two apps serve it (`ryla-flux`, `ryla-comfyui`)\n"
    root = make_repo(tmp_path, {"MIGRATION_COMPLETE.md": record, "docs/apps.md": guide})
    assert [(f.code, f.path, f.line) for f in run(root).findings if f.code == "FL003"] == [
        ("FL003", "MIGRATION_COMPLETE.md", 5),
        ("FL003", "docs/apps.md", 2),
    ]


def test_a_base_url_that_begins_an_app_s_endpoints_is_no_endpoint_of_its_own(
    tmp_path: Path,
) -> None:
    registry = STUDIO.replace(
        "      /: {kind: audio, client_timeout_s: 120}\n  mastering:",
        "      /v1/chat/completions: {kind: llm, client_timeout_s: 120}\n  mastering:",
    )
    env = (
        "BASE=https://studio--music-ai-separator-complete-fastapi-app.modal.run/v1\n"
        "WRONG=https://studio--music-ai-separator-complete-fastapi-app.modal.run/v2\n"
    )
    files = {"registry/fleet.yaml": registry, ".env.example": env}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.line) for f in run(root).findings if f.code == "FL004"] == [("FL004", 2)]


def test_a_deleted_file_s_name_that_names_a_moved_file_is_no_reference(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        'modal deploy "$ROOT/flux/comfyui_danrisi.py"\n'  # the moved file, from a variable
        "python tools/flux/comfyui_danrisi.py\n"  # the moved file, by its path
        "python old/comfyui_danrisi.py\n"  # no file there: the deleted one's name
    )
    doc = "Edit `comfyui_danrisi.py` to change the graph.\n"  # a file of that name is there
    files = {
        "tools/flux/comfyui_danrisi.py": "print('moved')\n",
        "tools/run.sh": script,
        "docs/graph.md": doc,
    }
    root = make_repo(tmp_path, files)
    assert [(f.code, f.path, f.line) for f in run(root).findings if f.code == "FL003"] == [
        ("FL003", "tools/run.sh", 4)
    ]


def test_a_script_s_helper_is_found_from_a_folder_above_it(tmp_path: Path) -> None:
    up = "#!/bin/sh\n./scripts/logs.sh\n./scripts/gone.sh\n"
    files = {"ops/scripts/up.sh": up, "ops/scripts/logs.sh": "#!/bin/sh\necho logs\n"}
    root = make_repo(tmp_path, files)
    assert [(f.code, f.path, f.line) for f in run(root).findings] == [
        ("FL007", "ops/scripts/up.sh", 3)
    ]


def test_a_label_without_the_app_name_s_first_part_was_meant_for_it(tmp_path: Path) -> None:
    env = (
        "SEPARATOR=https://studio--ai-separator-complete--fastapi-app.modal.run\n"
        "\n"
        "OTHER=https://studio--fastapi-app.modal.run\n"  # the end of both labels: no one's
    )
    root = make_repo(tmp_path, {"registry/fleet.yaml": STUDIO, ".env.example": env}, apps=False)
    assert [(f.code, f.line, f.message) for f in run(root).findings if f.code == "FL004"] == [
        (
            "FL004",
            1,
            "https://studio--ai-separator-complete--fastapi-app.modal.run: "
            "music-ai-separator-complete's URL label is "
            "'music-ai-separator-complete-fastapi-app', not 'ai-separator-complete--fastapi-app'",
        )
    ]


def test_a_label_that_is_a_web_function_s_own_name_meant_that_function(tmp_path: Path) -> None:
    # Modal labels `Service.clone` voice-clone-06b-service-clone: `--clone` is the name a
    # reader guessed from the code, in any workspace; `speak` is served under its own label.
    guide = (
        "Call https://your-workspace--clone.modal.run once deployed.\n"
        "Or https://someone--speak.modal.run.\n"
        "\nTheirs: https://someone--transcribe.modal.run\n"
    )
    client = 'URL = "https://ws--clone.modal.run"\n'
    files = {"registry/fleet.yaml": VOICE_REGISTRY, "docs/call.md": guide, "client.py": client}
    root = make_repo(tmp_path, files, apps=False)
    found = [(f.code, f.path, f.line, f.message) for f in run(root).findings if f.code == "FL004"]
    assert found == [
        (
            "FL004",
            "client.py",
            1,
            "https://ws--clone.modal.run: voice-clone-06b's URL label is "
            "'voice-clone-06b-service-clone', not 'clone'",
        ),
        (
            "FL004",
            "docs/call.md",
            1,
            "https://your-workspace--clone.modal.run: voice-clone-06b's URL label is "
            "'voice-clone-06b-service-clone', not 'clone'",
        ),
        (
            "FL004",
            "docs/call.md",
            2,
            "https://someone--speak.modal.run: speech's URL label is 'voice-clone-v2', not 'speak'",
        ),
    ]


def test_a_label_that_is_an_endpoint_function_s_name_without_endpoint_meant_it(
    tmp_path: Path,
) -> None:
    # `Service.clone_endpoint` is served as voice-clone-06b-service-clone-endpoint; readers
    # write `--clone`. A test's placeholder URL is its fixture (a mocked host), not a guide's.
    registry = VOICE_REGISTRY.replace("method: clone}", "method: clone_endpoint}")
    url = "https://your-app--clone.modal.run"
    files = {
        "registry/fleet.yaml": registry,
        "docs/call.md": f"Call {url} once deployed.\n",
        "web/client.py": f'URL = "{url}"\n',
        "tests/test_client.py": f'URL = "{url}"  # mocked\n',
    }
    root = make_repo(tmp_path, files, apps=False)
    found = [(f.path, f.line, f.message) for f in run(root).findings if f.code == "FL004"]
    said = f"{url}: voice-clone-06b's URL label is 'voice-clone-06b-service-clone-endpoint', "
    assert found == [
        ("docs/call.md", 1, f"{said}not 'clone'"),
        ("web/client.py", 1, f"{said}not 'clone'"),
    ]


def test_a_function_s_name_that_an_app_of_the_repository_serves_is_that_app_s(
    tmp_path: Path,
) -> None:
    other = (
        "import modal\n\napp = modal.App('clone')\n\n\n"
        "@app.function()\n@modal.fastapi_endpoint()\ndef web():\n    return {}\n"
    )
    client = 'URL = "https://ws--clone.modal.run"\n'
    files = {"registry/fleet.yaml": VOICE_REGISTRY, "other/app.py": other, "client.py": client}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.path) for f in run(root).findings if f.path == "client.py"] == []


def test_a_function_s_name_that_a_retired_function_had_is_no_one_s_to_say(tmp_path: Path) -> None:
    retired = (
        "  functions:\n"
        "    - {app: speech, function: clone, label: speech-clone-v1, reason: merged into speak}\n"
    )
    registry = VOICE_REGISTRY.replace("apps:\n  clone-06b:", f"{retired}apps:\n  clone-06b:")
    client = 'URL = "https://ws--clone.modal.run"\n'
    files = {"registry/fleet.yaml": registry, "client.py": client}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.path) for f in run(root).findings if f.path == "client.py"] == []


def test_the_hint_for_an_app_s_bare_name_follows_the_function_the_path_names(
    tmp_path: Path,
) -> None:
    registry = VOICE_REGISTRY.replace(
        "    gpu: A10G\n    timeout_s: 600\n    web: {class: Service, method: clone}\n"
        "    endpoints:\n"
        "      /: {kind: audio, client_timeout_s: 300}\n",
        "    web:\n"
        "      - function: clone\n        gpu: A10G\n        timeout_s: 600\n"
        "        endpoints:\n          /: {kind: audio, client_timeout_s: 300}\n"
        "      - function: health\n        timeout_s: 300\n        endpoints:\n"
        "          /: {kind: other, method: GET, auxiliary: true, client_timeout_s: 10}\n",
        1,
    )
    client = (
        'HEALTH = "https://ws--voice-clone-06b.modal.run/health"\n'
        'CLONE = "https://ws--voice-clone-06b.modal.run"\n'
    )
    files = {"registry/fleet.yaml": registry, "client.py": client}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.line, f.hint) for f in run(root).findings if f.path == "client.py"] == [
        (
            1,
            "use https://ws--voice-clone-06b-health.modal.run; `fleet registry urls` "
            "lists every URL",
        ),
        (
            2,
            "use https://ws--voice-clone-06b-clone.modal.run; `fleet registry urls` "
            "lists every URL",
        ),
    ]


LONG_LABEL_REGISTRY = """\
version: 1
workspace: christianblevens
environments:
  main: {web_suffix: ""}
apps:
  trellis:
    name: roomdesigner-trellis2
    dir: apps/trellis
    gpu: A100
    timeout_s: 300
    web:
      class: Trellis2Inference
      method: generate
      label: roomdesigner-trellis2-trellis2inferenc-1a2b3c
    endpoints:
      /: {kind: other, client_timeout_s: 300}
"""


def test_a_whole_label_is_right_where_the_workspace_leaves_room_for_it(tmp_path: Path) -> None:
    whole = "roomdesigner-trellis2-trellis2inference-generate"
    doc = (
        f"SHORT=https://ab--{whole}.modal.run\n"  # fits whole under a short workspace
        f"OURS=https://christianblevens--{whole}.modal.run\n"  # Modal cuts it short here
        f"TRELLIS_URL=https://your-workspace--{whole}.modal.run\n"  # so it would here too
    )
    files = {"registry/fleet.yaml": LONG_LABEL_REGISTRY, "docs/setup.md": doc}
    root = make_repo(tmp_path, files, apps=False)
    assert [(f.code, f.line) for f in run(root).findings if f.path == "docs/setup.md"] == [
        ("FL004", 2),
        ("FL004", 3),
    ]


def test_a_test_s_own_workspace_is_its_fixture(tmp_path: Path) -> None:
    flux = "ryla-flux-comfyui-fastapi-app.modal.run"
    test = (
        f'assert urls.flux == "https://foo--{flux}"\n'  # built from a base the test chose
        f'assert urls.prod == "https://ryla-prod--{flux}"\n'  # an environment of the fleet's
        'BAD = "https://fontface--ryla-flux-comfyui-fastapi-ap.modal.run"  # refused by a guard\n'
    )
    client = f'URL = "https://foo--{flux}"\n'  # outside a test: a workspace nobody has
    files = {"tests/unit/test_urls.py": test, "web/client.py": client}
    root = make_repo(tmp_path, files)
    assert [(f.path, f.line) for f in run(root).findings] == [
        ("tests/unit/test_urls.py", 2),
        ("web/client.py", 1),
    ]
