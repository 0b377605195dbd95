"""FL001 server timeouts, FL006 app definitions and FL012 GPUs and proxy auth, against a
small app tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drift_check.conftest import APP_FILES, make_repo, places, run


def repo_with(tmp_path: Path, path: str, old: str, new: str) -> Path:
    root = make_repo(tmp_path, {})
    target = root / path
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    return root


def test_a_matching_app_tree_is_clean(tmp_path: Path) -> None:
    assert places(run(make_repo(tmp_path, {}))) == []


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        pytest.param(
            "apps/seedvr2/app.py",
            "TIMEOUT_S = 900",
            "TIMEOUT_S = 300",
            (
                "FL001",
                "apps/seedvr2/app.py",
                14,
                30,
                "ryla-seedvr2: timeout=TIMEOUT_S but the registry says 900 s; below the client "
                "timeout of /seedvr2 (600 s with the margin): clients would see 408s",
            ),
            id="constant-below-client",
        ),
        pytest.param(
            "apps/flux/app.py",
            "timeout=5 * MINUTES",
            "timeout=4 * MINUTES + 60 * 2",
            (
                "FL001",
                "apps/flux/app.py",
                7,
                30,
                "ryla-flux: timeout=4 * MINUTES + 60 * 2 but the registry says 300 s",
            ),
            id="arithmetic-differs",
        ),
        pytest.param(
            "apps/flux/app.py",
            "timeout=5 * MINUTES",
            "timeout=int(os.environ['T'])",
            None,  # set when it deploys: nothing in the code says it differs
            id="unresolvable",
        ),
        pytest.param(
            "apps/seedvr2/app.py",
            'gpu="A100", timeout=TIMEOUT_S',
            'gpu="A100"',
            (
                "FL001",
                "apps/seedvr2/app.py",
                14,
                2,
                "ryla-seedvr2: no timeout= (Modal's default 300 s) but the registry says 900 s; "
                "below the client timeout of /seedvr2 (600 s with the margin): clients would see "
                "408s",
            ),
            id="missing-timeout",
        ),
        pytest.param(
            "apps/flux/app.py",
            'modal.App("ryla-flux")',
            'modal.App("ryla-flux-v2")',
            (
                "FL006",
                "apps/flux/app.py",
                3,
                7,
                """modal.App("ryla-flux-v2"): the registry names this app 'ryla-flux'""",
            ),
            id="app-name",
        ),
        pytest.param(
            "apps/flux/app.py",
            "class ComfyUI:",
            "class Flux:",
            (
                "FL006",
                "apps/flux/app.py",
                1,
                1,
                "no @app.cls 'ComfyUI': the registry's web function, whose name forms the label "
                "ryla-flux-comfyui-fastapi-app",
            ),
            id="web-class",
        ),
        pytest.param(
            "apps/flux/app.py",
            "@modal.asgi_app()",
            '@modal.asgi_app(label="flux")',
            (
                "FL006",
                "apps/flux/app.py",
                13,
                27,
                'label="flux" makes the URL label differ from the registry\'s '
                "ryla-flux-comfyui-fastapi-app",
            ),
            id="custom-label",
        ),
        pytest.param(
            "apps/flux/service.py",
            '@api.post("/flux-dev")',
            '@api.post("/flux-schnell")',
            (
                "FL006",
                "apps/flux/service.py",
                11,
                11,
                "route /flux-schnell is not an endpoint of ryla-flux in the registry",
            ),
            id="extra-route",
        ),
        pytest.param(
            "apps/flux/app.py",
            'gpu="L40S"',
            'gpu="A10G"',
            (
                "FL012",
                "apps/flux/app.py",
                7,
                14,
                'ryla-flux: gpu="A10G" but the registry says L40S',
            ),
            id="gpu-literal",
        ),
        pytest.param(
            "apps/flux/app.py",
            'gpu="L40S"',
            'gpu="l40s:1"',
            None,
            id="gpu-case-and-count-one",
        ),
        pytest.param(
            "apps/flux/app.py",
            'gpu="L40S", ',
            "",
            (
                "FL012",
                "apps/flux/app.py",
                7,
                2,
                "ryla-flux: no gpu= (a CPU container) but the registry says L40S",
            ),
            id="gpu-missing",
        ),
        pytest.param(
            "apps/flux/app.py",
            'gpu="L40S"',
            "gpu=pick()",
            None,  # set when it deploys
            id="gpu-unresolvable",
        ),
        pytest.param(
            "apps/flux/app.py",
            "@modal.asgi_app()",
            "@modal.asgi_app(requires_proxy_auth=True)",
            (
                "FL012",
                "apps/flux/app.py",
                13,
                41,
                "ryla-flux.fastapi_app: requires_proxy_auth=True but the registry says "
                "requires_proxy_auth: false",
            ),
            id="proxy-auth",
        ),
    ],
)
def test_each_disagreement_is_one_finding(
    tmp_path: Path,
    path: str,
    old: str,
    new: str,
    expected: tuple[str, str, int, int, str] | None,
) -> None:
    result = run(repo_with(tmp_path, path, old, new))
    found = [(f.code, f.path, f.line, f.col, f.message) for f in result.findings]
    if expected is None:
        assert found == []
        return
    assert expected in found
    if expected[-1].startswith("route"):
        assert (
            "FL006",
            "registry/fleet.yaml",
            32,
            1,
            "/flux-dev: no route in apps/flux serves it",
        ) in found
        assert len(found) == 2
    else:
        assert found == [expected]


@pytest.mark.parametrize(
    ("gpus", "registry", "found"),
    [
        ('["A100", "H100"]', "[A100, H100]", []),
        ('["H100", "A100"]', "[A100, H100]", ["gpu=GPUS but the registry says A100 or H100"]),
        ('("A100", FALLBACK)', "[A100, H100]", []),
        ('["A100", f"{FALLBACK}:{1}"]', "[A100, H100]", []),
        ('f"{FALLBACK}:{2}"', "H100:2", []),
        ('f"{FALLBACK}:{2}"', "H100", ["gpu=GPUS but the registry says H100"]),
        (
            '["A100", FALLBACK, "L4"]',
            "[A100, H100]",
            ["gpu=GPUS but the registry says A100 or H100"],
        ),
    ],
)
def test_gpu_fallbacks_from_a_module_constant(
    tmp_path: Path, gpus: str, registry: str, found: list[str]
) -> None:
    root = make_repo(tmp_path, {})
    app = root / "apps/seedvr2/app.py"
    app.write_text(
        app.read_text()
        .replace("TIMEOUT_S = 900\n", f'TIMEOUT_S = 900\nFALLBACK = "H100"\nGPUS = {gpus}\n')
        .replace('gpu="A100"', "gpu=GPUS")
    )
    fleet = root / "registry/fleet.yaml"
    fleet.write_text(fleet.read_text().replace("gpu: A100", f"gpu: {registry}"))
    result = run(root)
    assert [f.message.removeprefix("ryla-seedvr2: ") for f in result.findings] == found


def test_missing_app_file_and_unregistered_app(tmp_path: Path) -> None:
    files = {k: v for k, v in APP_FILES.items() if k != "apps/seedvr2/app.py"}
    files["apps/legacy/app.py"] = 'import modal\napp = modal.App("ryla-old")\n'
    files["apps/harness/app.py"] = (  # a harness `modal run` starts: never deployed
        'import modal\napp = modal.App("ryla-harness")\n\n\n@app.function()\ndef bench():\n'
        "    pass\n\n\n@app.local_entrypoint()\ndef main():\n    bench.remote()\n"
    )
    files["apps/nightly/app.py"] = (  # a schedule runs only once deployed
        'import modal\napp = modal.App("ryla-nightly")\n\n\n'
        '@app.function(schedule=modal.Cron("0 3 * * *"))\ndef nightly():\n    pass\n\n\n'
        "@app.local_entrypoint()\ndef main():\n    nightly.remote()\n"
    )
    result = run(make_repo(tmp_path, files, apps=False))
    assert [(f.code, f.path, f.line, f.message) for f in result.findings] == [
        (
            "FL006",
            "apps/legacy/app.py",
            2,
            "Modal app 'ryla-old' is not in the registry: CI will never deploy it",
        ),
        (
            "FL006",
            "apps/nightly/app.py",
            2,
            "Modal app 'ryla-nightly' is not in the registry: CI will never deploy it",
        ),
        ("FL006", "registry/fleet.yaml", 39, "apps.seedvr2: apps/seedvr2/app.py does not exist"),
    ]


def test_fix_edit_rewrites_only_plain_literals(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "apps/flux/app.py", "timeout=5 * MINUTES", "timeout=600")
    [finding] = run(root).findings
    assert finding.fix is not None
    assert (finding.fix.line, finding.fix.col, finding.fix.old, finding.fix.new) == (
        7,
        30,
        "600",
        "300",
    )


@pytest.mark.parametrize(
    ("header", "registry", "found"),
    [
        pytest.param(
            'hf = modal.Secret.from_name("hf")\nw = modal.Volume.from_name("w")\n',
            "    secrets: [hf]\n    volumes: [w]\n",
            [],
            id="listed",
        ),
        pytest.param(
            'hf = modal.Secret.from_name("hf")\n',
            "",
            [
                (
                    "apps/flux/app.py",
                    "ryla-flux uses secret 'hf', which apps.flux.secrets does not list: no "
                    "deploy checks that it exists first",
                )
            ],
            id="secret-not-listed",
        ),
        pytest.param(
            "",
            "    volumes: [weights]\n",
            [
                (
                    "registry/fleet.yaml",
                    "apps.flux.volumes lists 'weights', which neither apps/flux/app.py nor a "
                    "module it imports uses",
                )
            ],
            id="volume-not-used",
        ),
        pytest.param(
            "from common.names import HF\nhf = modal.Secret.from_name(HF)\n",
            "    secrets: [hf-token]\n",
            [],
            id="constant-imported-by-name",
        ),
        pytest.param(
            "from common import names\nhf = modal.Secret.from_name(names.HF)\n",
            "    secrets: [hf]\n",
            [
                (
                    "apps/flux/app.py",
                    "ryla-flux uses secret 'hf-token', which apps.flux.secrets does not list: "
                    "no deploy checks that it exists first",
                ),
                (
                    "registry/fleet.yaml",
                    "apps.flux.secrets lists 'hf', which neither apps/flux/app.py nor a module "
                    "it imports uses",
                ),
            ],
            id="module-constant-differs",
        ),
        pytest.param(
            "import os\nhf = modal.Secret.from_name(os.environ['S'])\n",
            "    secrets: [hf]\n",
            [],  # the name is set when it deploys: the registry's hf may be it
            id="unresolvable",
        ),
        pytest.param(
            "import os\nhf = [modal.Secret.from_name('hf')] if os.environ.get('HF') else []\n",
            "",
            [],  # used only when the environment asks for it: the registry may leave it out
            id="conditional",
        ),
    ],
)
def test_secrets_and_volumes_against_the_registry(
    tmp_path: Path, header: str, registry: str, found: list[tuple[str, str]]
) -> None:
    root = make_repo(tmp_path, {"common/names.py": 'HF = "hf-token"\n', "common/__init__.py": ""})
    app = root / "apps/flux/app.py"
    app.write_text(app.read_text().replace("import modal\n", f"import modal\n{header}", 1))
    fleet = root / "registry/fleet.yaml"
    fleet.write_text(fleet.read_text().replace("    gpu: L40S\n", f"    gpu: L40S\n{registry}", 1))
    result = run(root)
    assert [(f.path, f.message) for f in result.findings] == found


def test_modal_apps_outside_the_fleet_s_folders_are_outside_the_fleet(tmp_path: Path) -> None:
    app = 'import modal\napp = modal.App("{}")\n'
    files = {
        "examples/hello/app.py": app.format("hello"),
        "tools/one_off.py": app.format("one-off"),
        "apps/flux/debug.py": app.format("ryla-flux-debug"),  # a registry app's own folder
    }
    result = run(make_repo(tmp_path, files))
    assert [(f.code, f.path) for f in result.findings] == [("FL006", "apps/flux/debug.py")]
    # A folder where most Modal apps are not the fleet's is not the fleet's folder.
    examples = {f"apps/example{i}/app.py": app.format(f"example{i}") for i in range(3)}
    result = run(make_repo(tmp_path / "b", {**files, **examples}))
    assert [(f.code, f.path) for f in result.findings] == [("FL006", "apps/flux/debug.py")]
