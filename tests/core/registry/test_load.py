"""Every way a registry can be wrong gives `file:line: message`, exactly."""

from __future__ import annotations

import pytest

from tools.core.errors import FleetError
from tools.core.registry.load import dotted, parse_registry
from tools.core.registry.modal_names import GPU_MAX_COUNT

SOURCE = "registry/fleet.yaml"

SECOND_APP = """\
  other:
    name: ryla-other
    dir: apps/other
    gpu: L4
    timeout_s: 300
    web: {class: ComfyUI, method: fastapi_app}
    endpoints:
      /other:
        kind: upscale
        client_timeout_s: 60
        idempotent: true
        smoke:
          request: {width: 64, height: 64}
          expect: image
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FleetError) as caught:
        parse_registry(text, SOURCE)
    return [str(p) for p in caught.value.problems]


GPU_TYPES = ", ".join(GPU_MAX_COUNT)


def test_gpu_fallbacks_and_counts_load(minimal_registry_text: str) -> None:
    text = minimal_registry_text.replace("gpu: L40S", "gpu: [h100:2, A100-80GB:2, L40S]")
    fallbacks = parse_registry(text, SOURCE).apps["flux"].webs[0]
    assert fallbacks.gpus == ["h100:2", "A100-80GB:2", "L40S"]
    assert parse_registry(minimal_registry_text, SOURCE).apps["flux"].webs[0].gpus == ["L40S"]


def test_minimal_registry_loads(minimal_registry_text: str) -> None:
    registry = parse_registry(minimal_registry_text, SOURCE)
    assert list(registry.apps) == ["flux"]
    assert registry.apps["flux"].key == "flux"
    assert registry.default_environment == "main"
    assert registry.policy.timeout_margin_s == 0
    assert registry.policy.web_request_limit_s == 150


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "gpu: L40S",
            "gpu: [L40S",
            "registry/fleet.yaml:11: YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
            id="yaml-syntax",
        ),
        pytest.param(
            "    gpu: L40S\n",
            "    gpu: L40S\n    gpu: A100\n",
            "registry/fleet.yaml:11: duplicate key 'gpu' (first at line 10)",
            id="duplicate-key",
        ),
        pytest.param(
            "    gpu: L40S\n",
            "    gpu: L40S\n    gpux: A100\n",
            "registry/fleet.yaml:11: apps.flux: unknown key 'gpux'",
            id="unknown-key",
        ),
        pytest.param(
            "    timeout_s: 300\n",
            "",
            "registry/fleet.yaml:7: apps.flux: an app with a web function needs timeout_s",
            id="missing-key",
        ),
        pytest.param(
            "timeout_s: 300",
            "timeout_s: '300'",
            "registry/fleet.yaml:11: apps.flux.timeout_s: "
            "Input should be a valid integer (got '300')",
            id="wrong-type",
        ),
        pytest.param(
            "idempotent: true",
            "idempotent: 'yes'",
            "registry/fleet.yaml:17: apps.flux.endpoints[/flux].idempotent: "
            "Input should be a valid boolean (got 'yes')",
            id="wrong-type-bool",
        ),
        pytest.param(
            "name: ryla-flux",
            "name: ryla flux",
            "registry/fleet.yaml:8: apps.flux.name: 'ryla flux' is not a valid Modal app name "
            "(letters, digits, '-', '_', '.'; at most 64 characters)",
            id="invalid-app-name",
        ),
        pytest.param(
            "name: ryla-flux",
            "name: ryla-flux-with-a-really-long-name-for-labels",
            "registry/fleet.yaml:12: apps.flux.web: URL label "
            "'ryla-flux-with-a-really-long-name-for-labels-comfyui-fastapi-app' is 64 characters; "
            "Modal truncates labels over 63 and appends a hash, so the URL would not be the "
            "registry's: set a shorter web.label",
            id="label-over-63",
        ),
        pytest.param(
            "{class: ComfyUI, method: fastapi_app}",
            "{class: ComfyUI, method: fastapi_app, label: Not_A_Label}",
            "registry/fleet.yaml:12: apps.flux.web: URL label 'Not_A_Label' is not a valid DNS "
            "label (a-z, 0-9, '-')",
            id="invalid-label",
        ),
        pytest.param(
            "client_timeout_s: 180",
            "client_timeout_s: 0",
            "registry/fleet.yaml:16: apps.flux.endpoints[/flux].client_timeout_s: "
            "0 s is outside Modal's timeout range 1..86400 s",
            id="client-timeout-below-range",
        ),
        pytest.param(
            "timeout_s: 300",
            "timeout_s: 90000",
            "registry/fleet.yaml:11: apps.flux.timeout_s: 90000 s is outside Modal's timeout "
            "range 1..86400 s",
            id="server-timeout-above-range",
        ),
        pytest.param(
            "    timeout_s: 300",
            "    timeout_s: 120",
            "registry/fleet.yaml:11: apps.flux.timeout_s: server timeout 120 s is below the "
            "client timeout of /flux (180 s) plus the policy margin (0 s): clients would see 408s",
            id="server-below-client",
        ),
        pytest.param(
            "/flux:",
            "/Flux:",
            "registry/fleet.yaml:14: apps.flux.endpoints: key '/Flux': an endpoint path is '/', "
            "or segments of lower-case letters, digits, '.', '_', '-' or {parameters} "
            "(/v1/chat/completions, /result/{call_id})",
            id="invalid-endpoint-path",
        ),
        pytest.param(
            "  staging:",
            "  en-staging:",
            "registry/fleet.yaml:5: environments: key 'en-staging': 'en-staging' is not a valid "
            "Modal environment name",
            id="invalid-environment-name",
        ),
        pytest.param(
            "{class: ComfyUI, method: fastapi_app}",
            "{class: ComfyUI}",
            "registry/fleet.yaml:12: apps.flux.web: give either 'class' and 'method', "
            "or 'function'",
            id="web-function-incomplete",
        ),
        pytest.param(
            "kind: text-to-image",
            "kind: text2img",
            "registry/fleet.yaml:15: apps.flux.endpoints[/flux].kind: Input should be "
            "'text-to-image', 'image-edit', 'face-reference', 'video', 'upscale', 'faceswap', "
            "'llm', 'audio', 'ocr', 'embedding' or 'other'",
            id="unknown-kind",
        ),
        pytest.param(
            "kind: text-to-image",
            "kind: text-to-image\n        method: WEBSOCKET",
            "registry/fleet.yaml:14: apps.flux.endpoints[/flux]: a WEBSOCKET endpoint takes no "
            "smoke request (a smoke test sends JSON over HTTP): leave `smoke` out, and "
            "`fleet smoke` reports it untested",
            id="websocket-smoke",
        ),
        pytest.param(
            "width: 64, height: 64",
            "width: 64, height: 60",
            "registry/fleet.yaml:19: apps.flux.endpoints[/flux].smoke.request.height: smoke "
            "request needs height as a positive multiple of 8 (it sets the expected output size)",
            id="smoke-size",
        ),
        pytest.param(
            "gpu: L40S",
            "gpu: banana",
            "registry/fleet.yaml:10: apps.flux.gpu: GPU type 'BANANA' is not one Modal offers "
            f"({GPU_TYPES})",
            id="gpu-unknown",
        ),
        pytest.param(
            "gpu: L40S",
            "gpu: A10G:5",
            "registry/fleet.yaml:10: apps.flux.gpu: A10G comes 1 to 4 per container, not 5",
            id="gpu-count-over",
        ),
        pytest.param(
            "gpu: L40S",
            "gpu: H100:two",
            "registry/fleet.yaml:10: apps.flux.gpu: GPU count in 'H100:two' is not an integer",
            id="gpu-count-not-a-number",
        ),
        pytest.param(
            "gpu: L40S",
            "gpu: [H100, banana]",
            "registry/fleet.yaml:10: apps.flux.gpu: GPU type 'BANANA' is not one Modal offers "
            f"({GPU_TYPES})",
            id="gpu-fallback-unknown",
        ),
        pytest.param(
            "gpu: L40S",
            "gpu: []",
            "registry/fleet.yaml:10: apps.flux.gpu: give a GPU type (H100), TYPE:COUNT "
            "(A100-80GB:2), or a list of them to fall back through (got [])",
            id="gpu-empty-list",
        ),
        pytest.param(
            "version: 1",
            "version: 1\npolicy: {gpus: [H100, A100-80GB]}",
            "registry/fleet.yaml:11: apps.flux.gpu: GPU L40S is not one the policy allows "
            "(H100, A100-80GB)",
            id="gpu-outside-policy",
        ),
        pytest.param(
            "version: 1",
            "version: 1\npolicy: {max_timeout_s: 200}",
            "registry/fleet.yaml:12: apps.flux.timeout_s: server timeout 300 s is above the "
            "policy's max_timeout_s (200 s)",
            id="timeout-over-policy",
        ),
        pytest.param(
            "    gpu: L40S\n",
            "    gpu: L40S\n    secrets: [hf token]\n",
            "registry/fleet.yaml:11: apps.flux.secrets[0]: String should match pattern "
            "'^[a-zA-Z0-9._-]+$'",
            id="secret-name",
        ),
        pytest.param(
            "    dir: apps/flux\n",
            "    dir: apps/flux\n    entry: ../../../../etc/passwd\n",
            "registry/fleet.yaml:10: apps.flux.entry: '../../../../etc/passwd' must be a Python "
            "file inside the app's folder",
            id="entry-outside",
        ),
        pytest.param(
            "name: ryla-flux",
            "name: ..",
            "registry/fleet.yaml:8: apps.flux.name: '..' is not a usable app name (it would name "
            "a folder above)",
            id="app-name-dots",
        ),
        pytest.param(
            "version: 1",
            "version: 1\ndefault_environment: prod",
            "registry/fleet.yaml:2: default_environment: default environment 'prod' is not one "
            "of: main, staging",
            id="unknown-default-environment",
        ),
    ],
)
def test_single_problem(minimal_registry_text: str, old: str, new: str, expected: str) -> None:
    assert old in minimal_registry_text
    assert problems(minimal_registry_text.replace(old, new, 1)) == [expected]


def test_duplicate_app_name(minimal_registry_text: str) -> None:
    text = minimal_registry_text + SECOND_APP.replace("ryla-other", "ryla-flux")
    assert problems(text) == [
        "registry/fleet.yaml:22: apps.other.name: app name 'ryla-flux' is already used by "
        "app 'flux'"
    ]


def test_endpoint_path_used_by_two_apps(minimal_registry_text: str) -> None:
    text = minimal_registry_text + SECOND_APP.replace("/other:", "/flux:")
    assert problems(text) == [
        "registry/fleet.yaml:28: apps.other.endpoints[/flux]: endpoint /flux is already "
        "served by app 'flux' (clients name endpoints by path; mark a health or listing route "
        "auxiliary)"
    ]


REAL_LAYOUTS = """\
  llm:
    name: ryla-llm
    dir: apps/endpoints
    entry: llm.py
    workspace: ryla-research
    gpu: H100
    timeout_s: 600
    web: {function: serve}
    endpoints:
      /v1/chat/completions: {kind: llm, client_timeout_s: 120}
      /result/{call_id}: {kind: llm, method: GET, client_timeout_s: 30, idempotent: true}
      /health: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
  ocr:
    name: ryla-ocr
    dir: apps/endpoints
    entry: ocr.py
    legacy: true
    gpu: T4
    timeout_s: 300
    web: {function: read}
    endpoints:
      /: {kind: ocr, client_timeout_s: 60}
      /health: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
  train:
    name: ryla-train
    dir: apps/train
    functions:
      prepare: {timeout_s: 600}
      fit: {gpu: "H100:8", timeout_s: 86400}
  audio:
    name: ryla-audio
    dir: apps/audio
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
        endpoints:
          /: {kind: audio, client_timeout_s: 300}
      - function: health
        timeout_s: 60
        label: ryla-audio-health
        endpoints:
          /: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}
"""


def test_real_layouts_can_be_described(minimal_registry_text: str) -> None:
    registry = parse_registry(minimal_registry_text + REAL_LAYOUTS, SOURCE)
    llm, ocr, train = (registry.apps[k] for k in ("llm", "ocr", "train"))
    assert registry.url(llm, "/health") == "https://ryla-research--ryla-llm-serve.modal.run/health"
    assert registry.app_of("/v1/chat/completions") is llm
    # Paths several apps serve, or with parameters, are never a client's key.
    assert [registry.app_of(p) for p in ("/", "/health", "/result/{call_id}")] == [None] * 3
    assert llm.endpoints["/result/{call_id}"].method == "GET"
    assert llm.endpoints["/v1/chat/completions"].smoke is None
    assert (ocr.legacy, ocr.entry_path, llm.entry_path) == (
        True,
        "apps/endpoints/ocr.py",
        "apps/endpoints/llm.py",
    )
    assert (train.web, train.endpoints, train.webs, train.label) == (None, {}, [], "")
    assert train.functions["fit"].gpu == "H100:8"


def test_an_app_at_the_root_owns_its_file(minimal_registry_text: str) -> None:
    text = minimal_registry_text + REAL_LAYOUTS.replace("dir: apps/audio", "dir: .")
    audio = parse_registry(text, SOURCE).apps["audio"]
    assert (audio.entry_path, audio.own_path, audio.folder_name) == ("app.py", "app.py", "app")
    assert [audio.owns(p) for p in ("app.py", "README.md", "apps/app.py")] == [True, False, False]
    assert problems(text.replace("dir: .", "dir: ./audio")) == [
        "registry/fleet.yaml:52: apps.audio.dir: './audio' must be a relative POSIX path inside "
        "the repository, or `.` (its root)"
    ]


def test_an_app_with_several_web_functions_has_a_url_for_each(minimal_registry_text: str) -> None:
    registry = parse_registry(minimal_registry_text + REAL_LAYOUTS, SOURCE)
    audio = registry.apps["audio"]
    assert [(e.web.shown, e.path) for e in audio.served] == [
        ("Upscaler.upscale", "/"),
        ("Upscaler.stream", "/"),
        ("health", "/"),
    ]
    assert [registry.endpoint_url(audio, e) for e in audio.serving("/")] == [
        "https://ryla--ryla-audio-upscaler-upscale.modal.run/",
        "https://ryla--ryla-audio-upscaler-stream.modal.run/",
        "https://ryla--ryla-audio-health.modal.run/",
    ]
    assert [(w.gpus, w.timeout_s) for w in audio.webs] == [(["A10G"], 600)] * 2 + [([], 60)]
    assert audio.label == "ryla-audio-upscaler-upscale"  # its first web function's
    assert audio.web_field(audio.webs[2], "timeout_s") == "web[2].timeout_s"
    flux = registry.apps["flux"]
    assert (flux.web_field(flux.webs[0], "gpu"), flux.web_field(flux.webs[0], "label")) == (
        "gpu",
        "web.label",
    )
    assert registry.endpoint("/flux") is flux.webs[0].endpoints["/flux"]


def test_apps_of_one_file_each_name_their_app_s_variable(minimal_registry_text: str) -> None:
    text = minimal_registry_text + REAL_LAYOUTS
    text = text.replace("    entry: ocr.py\n", "    entry: llm.py::ocr_app\n")
    text = text.replace("    entry: llm.py\n", "    entry: llm.py::app\n")
    apps = parse_registry(text, SOURCE).apps
    assert [
        (a.entry_path, a.entry_variable, a.deploy_target) for a in (apps["llm"], apps["ocr"])
    ] == [
        ("apps/endpoints/llm.py", "app", "apps/endpoints/llm.py::app"),
        ("apps/endpoints/llm.py", "ocr_app", "apps/endpoints/llm.py::ocr_app"),
    ]
    assert apps["audio"].deploy_target == apps["audio"].entry_path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    entry: ocr.py\n",
            "    entry: llm.py\n",
            "registry/fleet.yaml:36: apps.ocr.entry: app entry file 'apps/endpoints/llm.py' is "
            "already used by app 'llm'",
        ),
        (
            "    entry: ocr.py\n",
            "    entry: llm.py::ocr_app\n",
            "registry/fleet.yaml:24: apps.llm.entry: entry file 'apps/endpoints/llm.py' is also "
            "app 'ocr''s: name this app's App variable in it (`entry: llm.py::VARIABLE`)",
        ),
        (
            "    entry: ocr.py\n",
            "    entry: ocr.py::2app\n",
            "registry/fleet.yaml:36: apps.ocr.entry: '2app' after `::` must be the "
            "Python name of the file's App",
        ),
        (
            "    functions:\n",
            "    endpoints: {/x: {kind: other, client_timeout_s: 5}}\n    functions:\n",
            "registry/fleet.yaml:44: apps.train: endpoints need a web function: give 'web'",
        ),
        (
            "    gpu: T4\n    timeout_s: 300\n",
            "",
            "registry/fleet.yaml:33: apps.ocr: an app with a web function needs timeout_s",
        ),
        (
            '      fit: {gpu: "H100:8", timeout_s: 86400}',
            '      fit: {gpu: "H100:9", timeout_s: 86400}',
            "registry/fleet.yaml:49: apps.train.functions.fit.gpu: H100 comes 1 to 8 per "
            "container, not 9",
        ),
        (
            "    dir: apps/audio\n",
            "    dir: apps/audio\n    timeout_s: 600\n",
            "registry/fleet.yaml:50: apps.audio: with several web functions, give gpu, "
            "timeout_s and endpoints in each",
        ),
        (
            "        timeout_s: 60\n",
            "",
            "registry/fleet.yaml:50: apps.audio: web function 3 (health) needs timeout_s",
        ),
        (
            "        method: stream\n        gpu: A10G\n",
            "        method: stream\n        gpu: T4\n",
            "registry/fleet.yaml:62: apps.audio.web[1].gpu: Upscaler.stream and "
            "Upscaler.upscale are methods of one class: its gpu is theirs ('A10G' and 'T4')",
        ),
        (
            "          /: {kind: audio, client_timeout_s: 300}\n      - class: Upscaler\n"
            "        method: stream\n",
            "          /: {kind: audio, client_timeout_s: 300}\n        settings: [AUDIO_URL]\n"
            "      - class: Upscaler\n        method: stream\n        settings: [AUDIO_URL]\n",
            "registry/fleet.yaml:63: apps.audio.web[1].settings: setting AUDIO_URL is also "
            "ryla-audio's Upscaler.upscale: one URL each",
        ),
        (
            "        label: ryla-audio-health\n",
            "        label: ryla-audio-upscaler-stream\n",
            "registry/fleet.yaml:66: apps.audio.web[2]: URL label 'ryla-audio-upscaler-stream' "
            "is already the label of app 'audio': two web functions cannot share a URL",
        ),
        (
            "          /: {kind: other, method: GET, client_timeout_s: 5, auxiliary: true}\n",
            "          /: {kind: other, method: GET, client_timeout_s: 90, auxiliary: true}\n",
            "registry/fleet.yaml:67: apps.audio.web[2].timeout_s: server timeout 60 s is below "
            "the client timeout of / (90 s) plus the policy margin (0 s): clients would see 408s",
        ),
        (
            "    web: {function: read}\n",
            "    web: {function: read, timeout_s: 30}\n",
            "registry/fleet.yaml:33: apps.ocr: with one web function, gpu, timeout_s and "
            "endpoints belong to the app; give 'web' as a list to set them per web function",
        ),
        (
            "      - function: health\n",
            "      - function: health\n        class: Health\n",
            "registry/fleet.yaml:66: apps.audio.web[2]: give either 'class' and 'method', or "
            "'function'",
        ),
    ],
)
def test_real_layouts_are_validated(
    minimal_registry_text: str, old: str, new: str, expected: str
) -> None:
    text = minimal_registry_text + REAL_LAYOUTS
    assert old in text
    assert problems(text.replace(old, new, 1)) == [expected]


def test_retired_endpoint_still_served(minimal_registry_text: str) -> None:
    text = minimal_registry_text + "retired:\n  endpoints:\n    - path: /flux\n      reason: x\n"
    assert problems(text) == [
        "registry/fleet.yaml:23: retired.endpoints[0].path: retired endpoint /flux is still "
        "served by app 'flux'"
    ]


def test_a_retired_web_function_is_of_a_registry_app_and_no_longer_live(
    minimal_registry_text: str,
) -> None:
    text = minimal_registry_text + (
        "retired:\n  functions:\n"
        "    - {app: flux, function: flux_start, reason: x, replaced_by: ComfyUI.fastapi_app}\n"
        "    - {app: flux, function: ComfyUI.fastapi_app, reason: x}\n"
        "    - {app: flux, function: flux_check, reason: x, replaced_by: flux_status}\n"
        "    - {app: nope, function: f, reason: x}\n"
    )
    assert problems(text) == [
        "registry/fleet.yaml:24: retired.functions[1].function: retired web function "
        "'ComfyUI.fastapi_app' is still a web function of app 'flux'",
        "registry/fleet.yaml:25: retired.functions[2].replaced_by: 'flux_status' is not a web "
        "function of app 'flux' (it has ComfyUI.fastapi_app)",
        "registry/fleet.yaml:26: retired.functions[3].app: no app 'nope'",
    ]
    named = "retired:\n  functions:\n    - {app: flux, function: 'not a name', reason: x}\n"
    assert problems(minimal_registry_text + named) == [
        "registry/fleet.yaml:23: retired.functions[0].function: String should match pattern "
        "'^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$'",
    ]


def test_a_retired_function_that_served_no_url_is_no_live_function_and_has_no_label(
    minimal_registry_text: str,
) -> None:
    text = minimal_registry_text.replace(
        "    web: {class: ComfyUI, method: fastapi_app}\n",
        "    web: {class: ComfyUI, method: fastapi_app}\n"
        "    functions:\n      train: {timeout_s: 600}\n",
    ) + (
        "retired:\n  functions:\n"
        "    - {app: flux, function: FluxSDK, web: false, reason: x, replaced_by: train}\n"
        "    - {app: flux, function: train, web: false, reason: x}\n"
        "    - {app: flux, function: warm_up, web: false, label: w, reason: x}\n"
        # a web function retired may live on as a plain function: its URL alone is gone
        "    - {app: flux, function: train, reason: x, replaced_by: train}\n"
    )
    assert problems(text) == [
        "registry/fleet.yaml:26: retired.functions[1].function: retired function 'train' is "
        "still a function of app 'flux'",
        "registry/fleet.yaml:27: retired.functions[2].label: a function with web: false had "
        "no URL, so no label",
        "registry/fleet.yaml:28: retired.functions[3].replaced_by: 'train' is not a web "
        "function of app 'flux' (it has ComfyUI.fastapi_app)",
    ]


def test_a_retired_secret_is_no_app_s_and_is_replaced_by_an_app_s(
    minimal_registry_text: str,
) -> None:
    text = minimal_registry_text.replace(
        "    gpu: L40S\n", "    gpu: L40S\n    secrets: [hf-token]\n"
    ) + (
        "retired:\n  secrets:\n"
        "    - {name: hf-secret, reason: renamed, replaced_by: hf-token}\n"
        "    - {name: hf-token, reason: x}\n"
        "    - {name: old, reason: x, replaced_by: nobody-s}\n"
    )
    assert problems(text) == [
        "registry/fleet.yaml:25: retired.secrets[1].name: retired secret 'hf-token' is still a "
        "secret of app 'flux'",
        "registry/fleet.yaml:26: retired.secrets[2].replaced_by: 'nobody-s' is no app's secret",
    ]


def test_every_problem_is_reported_in_line_order(minimal_registry_text: str) -> None:
    text = (
        minimal_registry_text.replace("workspace: ryla", "workspace: Ryla!")
        .replace("gpu: L40S", "gpu: 4")
        .replace("idempotent: true", "idempotent: 1")
    )
    assert problems(text) == [
        "registry/fleet.yaml:2: workspace: 'Ryla!' is not a valid workspace name "
        "(lower-case letters, digits, '-')",
        "registry/fleet.yaml:10: apps.flux.gpu: give a GPU type (H100), TYPE:COUNT "
        "(A100-80GB:2), or a list of them to fall back through (got 4)",
        "registry/fleet.yaml:17: apps.flux.endpoints[/flux].idempotent: "
        "Input should be a valid boolean (got 1)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "registry/fleet.yaml:1: the registry must be a mapping of keys to values"),
        ("- a\n- b\n", "registry/fleet.yaml:1: the registry must be a mapping of keys to values"),
        ("a: &x [*x]\n", "registry/fleet.yaml:1: nesting too deep (a recursive alias?)"),
        (
            "a: 1\n---\nb: 2\n",
            "registry/fleet.yaml:2: YAML syntax error: but found another document "
            "(expected a single document in the stream)",
        ),
    ],
)
def test_documents_that_are_not_a_registry(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_dotted_locations() -> None:
    assert (
        dotted(("apps", "flux", "endpoints", "/flux", "kind")) == "apps.flux.endpoints[/flux].kind"
    )
    assert dotted(("retired", "apps", 0, "name")) == "retired.apps[0].name"
    assert dotted(()) == "(top level)"


def test_registry_defaults_are_each_registry_s_own(minimal_registry_text: str) -> None:
    first, second = (parse_registry(minimal_registry_text, "fleet.yaml") for _ in range(2))
    app = next(iter(first.apps.values()))
    app.secrets.append("x")
    assert next(iter(second.apps.values())).secrets == []
