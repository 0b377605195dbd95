"""FL002 client timeout maps and FL005 app maps, in Python, TypeScript and JSON."""

from __future__ import annotations

from pathlib import Path

from tests.drift_check.conftest import DRIFT, make_repo, run


def found(root: Path) -> list[tuple[str, str, int, int, str]]:
    return [(f.code, f.path, f.line, f.col, f.message) for f in run(root).findings]


def test_typescript_timeout_map(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"libs/modal-client.ts": DRIFT / "FL002" / "modal-client.ts"})
    assert found(root) == [
        (
            "FL002",
            "libs/modal-client.ts",
            6,
            16,
            "ENDPOINT_TIMEOUT_MS['/flux-dev'] is 180_000 (180000 ms); the registry's client "
            "timeout is 240 s",
        ),
        (
            "FL002",
            "libs/modal-client.ts",
            8,
            3,
            "ENDPOINT_TIMEOUT_MS['/upscale']: /upscale is not an endpoint in the registry",
        ),
    ]


def test_python_maps_with_spreads_and_json(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "scripts/timeouts.py": DRIFT / "FL002" / "timeouts.py",
            "config/timeouts.json": DRIFT / "FL002" / "timeouts.json",
        },
    )
    assert found(root) == [
        (
            "FL002",
            "config/timeouts.json",
            4,
            1,
            "timeouts_ms['/seedvr2'] is 300000 (300000 ms); the registry's client timeout is 600 s",
        ),
        (
            "FL002",
            "scripts/timeouts.py",
            7,
            18,
            "ALL_TIMEOUTS_S has timeouts for ryla-flux but not for /flux-dev",
        ),
        (
            "FL002",
            "scripts/timeouts.py",
            7,
            36,
            "ALL_TIMEOUTS_S['/flux'] is 120 (120 s); the registry's client timeout is 180 s",
        ),
    ]


def test_fixes_keep_the_literal_style(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"libs/modal-client.ts": DRIFT / "FL002" / "modal-client.ts"})
    fix = run(root).findings[0].fix
    assert fix is not None
    assert (fix.line, fix.col, fix.old, fix.new) == (6, 16, "180_000", "240_000")


def test_app_maps_that_miss_apps_or_misroute_endpoints(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"scripts/scripts.py": DRIFT / "FL005" / "scripts.py"})
    assert found(root) == [
        (
            "FL005",
            "scripts/scripts.py",
            5,
            20,
            "ENDPOINT_APP_MAP maps 2 of 3 endpoints; missing /seedvr2",
        ),
        (
            "FL005",
            "scripts/scripts.py",
            7,
            18,
            "ENDPOINT_APP_MAP sends /flux-dev to ryla-seedvr2, but ryla-flux serves it",
        ),
    ]


def test_an_app_map_missing_an_app(tmp_path: Path) -> None:
    text = (
        'SPLIT_APPS = {\n    "flux": "ryla--ryla-flux-comfyui-fastapi-app.modal.run",\n'
        '    "instantid": "x",\n}\n'
    )
    registry_with_three = _with_three_apps(make_repo(tmp_path, {"bench.py": text}))
    findings = [f for f in run(registry_with_three).findings if f.code == "FL005"]
    assert [(f.path, f.line, f.col, f.message) for f in findings] == [
        ("bench.py", 1, 14, "SPLIT_APPS covers 2 of 3 apps; missing ryla-seedvr2"),
    ]


def test_a_map_of_the_web_apps_does_not_miss_an_app_without_one(tmp_path: Path) -> None:
    text = 'WORKERS = {"flux": "ryla-flux", "seedvr2": "ryla-seedvr2"}\n'
    lists = 'APPS = {"flux": "ryla-flux", "trainer": "ryla-trainer"}\n'
    trainer = (
        'import modal\n\napp = modal.App("ryla-trainer")\n\n\n'
        '@app.function(gpu="A100", timeout=3600)\ndef train():\n    pass\n'
    )
    root = make_repo(
        tmp_path, {"workers.py": text, "apps.py": lists, "apps/trainer/app.py": trainer}
    )
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text()
        + "  trainer:\n    name: ryla-trainer\n    dir: apps/trainer\n"
        + "    functions:\n      train: {gpu: A100, timeout_s: 3600}\n"
    )
    findings = [f for f in run(root).findings if f.code == "FL005"]
    assert [(f.path, f.line, f.message) for f in findings] == [
        ("apps.py", 1, "APPS covers 2 of 3 apps; missing ryla-seedvr2"),
    ]


def _with_three_apps(root: Path) -> Path:
    registry = root / "registry" / "fleet.yaml"
    registry.write_text(
        registry.read_text().replace(
            "  seedvr2:\n",
            "  instantid:\n    name: ryla-instantid\n    dir: apps/instantid\n    gpu: L4\n"
            "    timeout_s: 300\n    web: {class: ComfyUI, method: fastapi_app}\n"
            "    endpoints:\n      /sdxl-turbo:\n        kind: text-to-image\n"
            "        client_timeout_s: 60\n        idempotent: true\n"
            "        smoke: {request: {prompt: a, width: 64, height: 64}, expect: image}\n"
            "  seedvr2:\n",
        )
    )
    return root


def test_a_map_for_another_platform_beside_the_modal_one(tmp_path: Path) -> None:
    text = (
        '_MODAL_ENV_VARS = {"flux": "A", "instantid": "B", "seedvr2": "C"}\n'
        '_RUNPOD_ENV_VARS = {"flux": "D", "instantid": "E"}\n'  # seedvr2 runs on Modal alone
        'GPUS = {\n    "modal": {"flux": "L4", "instantid": "L4", "seedvr2": "A100"},\n'
        '    "runpod": {"flux": "ADA_24", "instantid": "ADA_24"},\n}\n'
        '_STAGING_ENV_VARS = {"flux": "F", "instantid": "G"}\n'  # the fleet's own stage
    )
    root = _with_three_apps(make_repo(tmp_path, {"cloud.py": text}))
    findings = [f for f in run(root).findings if f.code == "FL005"]
    assert [(f.path, f.line, f.message) for f in findings] == [
        ("cloud.py", 7, "_STAGING_ENV_VARS covers 2 of 3 apps; missing ryla-seedvr2"),
    ]


def test_complete_maps_are_clean(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"libs/clean.ts": DRIFT / "FL005" / "clean.ts"})
    assert found(root) == []


def test_a_map_of_endpoints_to_other_numbers_is_not_a_timeout_map(tmp_path: Path) -> None:
    seeds = "SEEDS = {'/flux': 1374878599, '/flux-dev': 7}\n"
    unnamed = "print({'/flux': 1374878599, '/flux-dev': 240, '/seedvr2': 600})\n"
    sizes = "IMAGE_SIZE = {'/flux': 1024, '/flux-dev': 1024, '/seedvr2': 600}\n"
    waits = "WAIT = {'/flux': 1374878599, '/flux-dev': 240, '/seedvr2': 600}\n"
    # How long a response is cached is a duration, not a wait for the endpoint.
    cached = "CACHE_TTL = {'flux': 600, 'flux-dev': 900, 'seedvr2': 600}\n"
    files = {"seeds.py": seeds, "unnamed.py": unnamed, "sizes.py": sizes, "waits.py": waits}
    root = make_repo(tmp_path, {**files, "cached.py": cached})
    # Named a wait, the map is read whatever its values: 1374878599 s is drift.
    assert [(code, path, line) for code, path, line, _, _ in found(root)] == [
        ("FL002", "waits.py", 1)
    ]


def test_endpoint_maps_keyed_without_a_slash_or_naming_no_app(tmp_path: Path) -> None:
    apps = (
        "ENDPOINT_APP = {\n"
        '    "flux-dev": "ryla-flux",\n'
        '    "/seedvr2": "ryla-seedvr2",\n'
        '    "/flux": "ryla-flux-old",\n'
        "}\n"
    )
    timeouts = "TIMEOUT_S = {'flux-dev': 240, 'seedvr2': 600, '/flux': 100}\n"
    root = make_repo(tmp_path, {"apps.py": apps, "timeouts.py": timeouts})
    assert [(code, path, line, message) for code, path, line, _, message in found(root)] == [
        (
            "FL005",
            "apps.py",
            4,
            "ENDPOINT_APP sends /flux to 'ryla-flux-old', which is no app in the registry",
        ),
        (
            "FL002",
            "timeouts.py",
            1,
            "TIMEOUT_S['/flux'] is 100 (100 s); the registry's client timeout is 180 s",
        ),
    ]


def test_a_call_that_gives_up_before_its_endpoint_s_client_timeout(tmp_path: Path) -> None:
    code = (
        "import httpx, requests\n"
        'BASE = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"\n'
        'httpx.post(f"{BASE}/flux-dev", json={}, timeout=60, follow_redirects=True)\n'
        'requests.post(BASE + "/flux", json={}, timeout=180)\n'
        'requests.post(f"{BASE}/flux?x=1", json={}, timeout=30)\n'
    )
    root = make_repo(tmp_path, {"bench.py": code})
    assert [(code, line, message) for code, _, line, _, message in found(root)] == [
        (
            "FL002",
            3,
            "httpx.post(...) to /flux-dev gives up after timeout=60 s; the registry's client "
            "timeout is 240 s",
        ),
        (
            "FL002",
            5,
            "requests.post(...) to /flux gives up after timeout=30 s; the registry's client "
            "timeout is 180 s",
        ),
    ]


def test_a_shell_loop_over_the_fleet_s_apps(tmp_path: Path) -> None:
    script = (
        "for app in flux ryla-flux-v0; do modal app logs $app; done\n"
        "for app in flux seedvr2 qwen; do echo $app; done\n"
        "for f in a b c; do echo $f; done\n"
    )
    root = make_repo(tmp_path, {"ops/logs.sh": script})
    assert [(line, message) for _, _, line, _, message in found(root)] == [
        (2, "the loop over apps names 'qwen', which is no app in the registry"),
    ]


def test_json_keys_are_at_the_lines_the_yaml_loader_gives_them() -> None:
    from tools.core.yaml_lines import load_yaml
    from tools.drift_check.extract.data import located_data
    from tools.drift_check.source import SourceFile

    text = (
        "{\n"
        '  "a": {"b": 1},\n'
        '  "b": "b",\n'
        '  "list": [\n'
        '    {"x": "b", "y": 3},\n'
        '    {"z": {"b": 4}}\n'
        "  ],\n"
        '  "caf\u00e9" : 5,\n'
        '  "/flux":\n'
        "    180\n"
        "}\n"
    )
    located = located_data(SourceFile("timeouts.json", text))
    assert located is not None
    expected = load_yaml(text, "timeouts.json")
    assert located.data == expected.data
    assert located.lines == expected.lines


def test_a_json_key_written_escaped_takes_its_container_line_and_bad_json_holds_no_map() -> None:
    from tools.drift_check.extract.data import located_data
    from tools.drift_check.source import SourceFile

    text = '{\n  "m": {\n    "\\u002fflux": 1,\n    "/wan": 2\n  }\n}\n'
    located = located_data(SourceFile("t.json", text))
    assert located is not None
    assert located.lines == {(): 1, ("m",): 2, ("m", "/flux"): 2, ("m", "/wan"): 4}
    assert located_data(SourceFile("t.json", '{"/flux": 1,}\n')) is None


def test_keys_before_colons_are_whole_runs_of_key_characters() -> None:
    from tools.drift_check.index import _keys_before_colons

    text = "a:b::c\n'/flux' : 1\n\"x\"\t: 2\n`w`:\ny'':\nhttps://h.modal.run/p\n:lead\n"
    assert _keys_before_colons(text) == ["/flux", "a", "b", "https", "w", "x"]


def test_a_call_s_url_in_a_variable_of_its_function_is_read(tmp_path: Path) -> None:
    code = (
        "import requests\n"
        "def proxy():\n"
        '    url = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux"\n'
        "    return requests.post(url, json={}, timeout=60)\n"
        "def twice(fast):\n"
        '    url = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux"\n'
        "    if fast:\n"
        '        url = "http://localhost:8000/flux"\n'
        "    return requests.post(url, json={}, timeout=60)\n"  # which one: not guessed
        "def given(url):\n"
        "    return requests.post(url, json={}, timeout=60)\n"
    )
    root = make_repo(tmp_path, {"proxy.py": code})
    assert [(line, message) for _, _, line, _, message in found(root)] == [
        (
            4,
            "requests.post(...) to /flux gives up after timeout=60 s; the registry's client "
            "timeout is 180 s",
        ),
    ]


def test_a_call_s_timeout_is_the_endpoint_s_its_host_serves(tmp_path: Path) -> None:
    code = (
        "import requests\n"
        # The retired single app also served /flux: FL003's to report, not its timeout.
        'requests.post("https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run/flux",'
        " timeout=60)\n"
        'requests.post("https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux", timeout=60)\n'
    )
    root = make_repo(tmp_path, {"proxy.py": code})
    assert [(code, line) for code, _, line, _, _ in found(root)] == [("FL003", 2), ("FL002", 3)]


def test_a_command_about_a_deployed_app_names_one_that_exists(tmp_path: Path) -> None:
    doc = (
        "Follow it with `modal app logs ryla-flux`, or `modal app logs -e main ryla-flx`.\n"
        "When the modal app logs command times out, wait.\n"  # prose, not a command
        "```bash\n"
        "modal app history ryla-comfyui   # retired, still the registry's\n"
        "modal app rollback tools-worker  # an App of the repository outside the fleet\n"
        "modal app logs $APP && modal app dashboard ap-Xy12 && modal app logs APP_NAME\n"
        "modal app stop ryla-comfyui\n"  # stopping a retired app is its retirement (FL003)
        "modal app stop ryla-flx\n"  # no such app: the live one keeps running
        "```\n"
    )
    worker = 'import modal\napp = modal.App("tools-worker")\n'
    files = {"docs/ops.md": doc, "tools/worker.py": worker}
    root = make_repo(tmp_path, files)
    assert [(line, message) for _, _, line, _, message in found(root)] == [
        (
            1,
            "`modal app logs ryla-flx`: no app of the registry or the repository is named so",
        ),
        (
            8,
            "`modal app stop ryla-flx`: no app of the registry or the repository is named so",
        ),
    ]


def test_a_deployed_function_looked_up_by_name_exists(tmp_path: Path) -> None:
    client = (
        "import modal\n"
        'upscale = modal.Function.from_name("ryla-seedvr2", "download")\n'  # not defined there
        'comfy = modal.Cls.from_name("ryla-flux", "ComfyUI")\n'
        'old = modal.Function.lookup("ryla-flx", "ComfyUI.fastapi_app")\n'
        'tool = modal.Function.from_name("tools-worker", "run")\n'  # the repository's own app
        '# e.g. modal.Function.from_name("someone-elses", "f"): prose, in no app file\n'
    )
    worker = 'import modal\napp = modal.App("tools-worker")\n'
    root = make_repo(tmp_path, {"client.py": client, "tools/worker.py": worker})
    assert [(line, message) for _, _, line, _, message in found(root)] == [
        (2, "Function 'download' is no function or class of ryla-seedvr2"),
        (4, "modal.Function.lookup was removed from modal: with modal 1.6 this line fails"),
        (
            4,
            "Function.lookup('ryla-flx', ...): no app of the registry or the repository is "
            "named so",
        ),
    ]


def test_lookups_in_javascript_guides_and_scripts_and_renamed_functions(tmp_path: Path) -> None:
    seedvr2 = (DRIFT / "apps" / "seedvr2" / "app.py").read_text() + (
        '\n\n@app.function(name="warm")\ndef warm_up():\n    return None\n'
    )
    client = (
        'const fn = await modal.functions.fromName("ryla-seedvr2", "warm_up");\n'
        'const up = await modal.functions.fromName("ryla-seedvr2", "warm");\n'
        '// modal.functions.fromName("ryla-flx", "ComfyUI"): a comment\n'
        'const old = await Function_.lookup("ryla-flx", "ComfyUI");\n'
    )
    guide = (
        "Call it from Node:\n\n```ts\n"
        'const fn = await modal.functions.fromName("ryla", "seedvr2");\n'
        'const mine = await modal.functions.fromName("my-app", "f");\n'
        "```\n\n"
        'In prose, functions.fromName("ryla-flx", "ComfyUI") is no code.\n'
    )
    script = "echo \"cls.fromName('ryla-flux', 'Upscaler')\"\n"
    files = {
        "apps/seedvr2/app.py": seedvr2,
        "web/client.ts": client,
        "docs/node.md": guide,
        "call.sh": script,
    }
    root = make_repo(tmp_path, files)
    assert [(path, line, message) for _, path, line, _, message in found(root)] == [
        ("call.sh", 1, "Cls 'Upscaler' is no function or class of ryla-flux"),
        (
            "docs/node.md",
            4,
            "functions.fromName('ryla', ...): no app of the registry or the repository is named so",
        ),
        (
            "web/client.ts",
            1,
            "Function 'warm_up' of ryla-seedvr2 is registered as 'warm' (name=)",
        ),
        (
            "web/client.ts",
            4,
            "Function_.lookup('ryla-flx', ...): no app of the registry or the repository is "
            "named so",
        ),
    ]


def test_a_brief_probe_of_an_auxiliary_endpoint_is_its_caller_s_choice(tmp_path: Path) -> None:
    code = (
        "import httpx\n"
        'BASE = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run"\n'
        'httpx.post(f"{BASE}/flux-dev", json={}, timeout=10, follow_redirects=True)\n'
    )
    root = make_repo(tmp_path, {"probe.py": code})
    fleet = root / "registry" / "fleet.yaml"
    text = fleet.read_text()
    fleet.write_text(
        text.replace("      /flux-dev:\n", "      /flux-dev:\n        auxiliary: true\n", 1)
    )
    assert [(code, line) for code, _, line, _, _ in found(root)] == []
    fleet.write_text(text)
    assert [(code, line) for code, _, line, _, _ in found(root)] == [("FL002", 3)]


SERVICES_TS = """\
// The Modal apps the web calls, by service.
const SERVICES: Record<string, { app: string; endpoint: string }> = {
  flux: { app: "ryla-flux", endpoint: "comfyui-fastapi-app" },
  upscale: { app: "ryla-seedvr", endpoint: "comfyui-fastapi-app" },
  seedvr2: { app: "ryla-seedvr2", endpoint: "comfyui-generate" },
};
"""


def test_a_map_of_objects_naming_apps_and_their_web_functions(tmp_path: Path) -> None:
    python = (
        "# Modal services\n"
        'SERVICES = {"flux": {"app_name": "ryla-flux", "function": "fastapi_app"},\n'
        '            "seedvr2": {"app_name": "ryla-seedvr2",\n'
        '                        "label": "ryla-seedvr2-comfyui-fastapi-app"},\n'
        '            "fluxx": {"app_name": "ryla-flx"}}\n'
    )
    other = SERVICES_TS.replace("The Modal apps", "The apps")  # a file that speaks of no Modal
    root = make_repo(
        tmp_path,
        {"web/services.ts": SERVICES_TS, "web/other.ts": other, "tools/services.py": python},
    )
    findings = [f for f in run(root).findings if f.code == "FL005"]
    assert [(f.path, f.line, f.col, f.message, f.hint) for f in findings] == [
        (
            "tools/services.py",
            5,
            35,
            "SERVICES['fluxx'] names app 'ryla-flx', which is no app in the registry",
            "did you mean 'ryla-flux'?",
        ),
        (
            "web/services.ts",
            4,
            19,
            "SERVICES['upscale'] names app 'ryla-seedvr', which is no app in the registry",
            "did you mean 'ryla-seedvr2'?",
        ),
        (
            "web/services.ts",
            5,
            45,
            "SERVICES['seedvr2'] names web function 'comfyui-generate' of ryla-seedvr2, which "
            "serves ryla-seedvr2-comfyui-fastapi-app",
            "`fleet registry show` lists each app's web functions",
        ),
    ]


def test_deploy_commands_that_deploy_most_of_the_fleet_but_not_all(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "# Deploy all Modal services\n"
        "cd apps\n"
        "modal deploy flux/app.py\n"  # 4
        "modal deploy seedvr2/app.py\n"
    )
    guide = (
        "# Deploying\n\n"
        "## Flux\n\n```sh\nmodal deploy apps/flux/app.py\n```\n\n"  # one app a section
        "## SeedVR2\n\n```sh\nmodal deploy apps/seedvr2/app.py\n```\n\n"
        "## Everything\n\n```sh\n"  # 15
        "# Deploy both\n"  # a comment in code, not a heading
        "modal deploy apps/flux/app.py\n"  # 19
        "modal deploy apps/flux/app.py\n"
        "modal deploy apps/seedvr2/app.py\n```\n"
    )
    root = _with_three_apps(
        make_repo(tmp_path, {"scripts/deploy.sh": script, "docs/DEPLOY.md": guide})
    )
    (root / "apps" / "instantid").mkdir()
    (root / "apps" / "instantid" / "app.py").write_text((root / "apps/flux/app.py").read_text())
    assert [f for f in run(root).findings if f.code == "FL005"] == []  # nothing calls instantid
    (root / "web").mkdir()
    (root / "web" / "faces.ts").write_text(
        'const FACES = "https://ryla--ryla-instantid-comfyui-fastapi-app.modal.run";\n'
    )
    findings = [f for f in run(root).findings if f.code == "FL005"]
    message = (
        "these `modal deploy` commands deploy 2 of the 3 apps that something calls or they "
        "deploy; missing ryla-instantid",
        "deploy them too, or use `fleet deploy --all`",
    )
    assert [(f.path, f.line, f.col, f.message, f.hint) for f in findings] == [
        ("docs/DEPLOY.md", 19, 14, *message),
        ("scripts/deploy.sh", 4, 14, *message),
    ]


def test_a_loop_over_files_is_a_deploy_list_run_from_a_folder_above_the_guide(
    tmp_path: Path,
) -> None:
    guide = (
        "# Deploying\n\nFrom `apps/`, deploy them in turn:\n\n```bash\n"
        "for f in flux/app.py seedvr2/app.py; do\n"
        '  modal deploy "$f"\n'  # 7
        "done\n```\n"
    )
    script = '#!/bin/sh\nfor f in apps/*/app.py; do modal deploy "$f"; done\n'  # what is there
    files = {"apps/docs/DEPLOY.md": guide, "scripts/all.sh": script}
    root = _with_three_apps(make_repo(tmp_path, files))
    (root / "apps" / "instantid").mkdir()
    (root / "apps" / "instantid" / "app.py").write_text((root / "apps/flux/app.py").read_text())
    (root / "web").mkdir()
    (root / "web" / "faces.ts").write_text(
        'const FACES = "https://ryla--ryla-instantid-comfyui-fastapi-app.modal.run";\n'
    )
    findings = [f for f in run(root).findings if f.code == "FL005"]
    assert [(f.path, f.line, f.col, f.message) for f in findings] == [
        (
            "apps/docs/DEPLOY.md",
            7,
            17,
            "these `modal deploy` commands deploy 2 of the 3 apps that something calls or they "
            "deploy; missing ryla-instantid",
        )
    ]


def test_a_powershell_loop_over_an_array_is_a_deploy_list(tmp_path: Path) -> None:
    script = (
        'Set-Location (Join-Path $PSScriptRoot "..")\n'
        "$apps = @(\n"
        '    @{ name = "Flux"; file = "apps/flux/app.py" },\n'
        '    @{ name = "SeedVR2"; file = "apps/seedvr2/app.py" },\n'
        '    @{ name = "Old"; file = "apps/old/app.py" }\n'
        ")\n"
        "foreach ($app in $apps) {\n"
        '    Write-Host "modal deploy $($app.file)"\n'  # printed: no command
        "    modal deploy $app.file\n"  # 9
        "}\n"
    )
    root = _with_three_apps(make_repo(tmp_path, {"scripts/deploy_all.ps1": script}))
    (root / "apps" / "instantid").mkdir()
    (root / "apps" / "instantid" / "app.py").write_text((root / "apps/flux/app.py").read_text())
    (root / "web").mkdir()
    (root / "web" / "faces.ts").write_text(
        'const FACES = "https://ryla--ryla-instantid-comfyui-fastapi-app.modal.run";\n'
    )
    findings = [f for f in run(root).findings if f.code in ("FL005", "FL007")]
    assert [(f.code, f.path, f.line, f.col, f.message) for f in findings] == [
        (
            "FL005",
            "scripts/deploy_all.ps1",
            9,
            18,
            "these `modal deploy` commands deploy 2 of the 3 apps that something calls or they "
            "deploy; missing ryla-instantid",
        ),
        (
            "FL007",
            "scripts/deploy_all.ps1",
            9,
            18,
            "modal deploy $app.file in a loop deploys apps/old/app.py, which does not exist",
        ),
    ]


def test_a_script_s_deploy_list_is_one_branch_s_deploys_it_runs(tmp_path: Path) -> None:
    choices = (
        'if [ "$DEPLOY" = 1 ]; then\n'
        "  modal deploy apps/flux/app.py\n"
        '  if [ "$ALSO" = 1 ]; then modal deploy apps/seedvr2/app.py; fi\n'
        "fi\n"
        'case "$1" in\n'
        "  flux) modal deploy apps/flux/app.py ;;\n"
        "  seedvr2) modal deploy apps/seedvr2/app.py ;;\n"
        "esac\n"
        'echo "Then redeploy the apps of the secret: modal deploy apps/flux/app.py"\n'
        'echo "  modal deploy apps/seedvr2/app.py"\n'
    )
    together = (
        'if [ "$1" = --deploy ]; then\n'
        "  modal deploy apps/flux/app.py\n"
        "  modal deploy apps/seedvr2/app.py\n"
        "fi\n"
    )
    files = {
        "scripts/stage.sh": choices,
        "scripts/all.sh": together,
        "web/faces.ts": 'const FACES = "https://ryla--ryla-instantid-comfyui-fastapi-app.modal.run";\n',
    }
    root = _with_three_apps(make_repo(tmp_path, files))
    (root / "apps" / "instantid").mkdir()
    (root / "apps" / "instantid" / "app.py").write_text((root / "apps/flux/app.py").read_text())
    assert [(f.code, f.path, f.line) for f in run(root).findings if f.code == "FL005"] == [
        ("FL005", "scripts/all.sh", 2),
    ]


def test_a_map_of_texts_keyed_like_apps_is_no_app_map(tmp_path: Path) -> None:
    # Keys that happen to be app names (modalities, say), values that are prompts.
    text = 'PROMPTS = {\n    "flux": "Draw the scene.",\n    "instantid": "Keep the face."\n}\n'
    root = _with_three_apps(make_repo(tmp_path, {"prompts.py": text}))
    assert [f for f in run(root).findings if f.code == "FL005"] == []
