"""Modal's naming rules and URL shape, in one place.

The rules mirror the `modal` client's `modal._utils.name_utils` (1.6.x) and the URL shape in
Modal's web endpoint guide: `https://{workspace}[-{env suffix}]--{label}.modal.run{path}`.
"""

from __future__ import annotations

import re

MODAL_RUN_DOMAIN = "modal.run"
MAX_LABEL_LENGTH = 63
MAX_OBJECT_NAME_LENGTH = 64
MAX_DEPLOY_TAG_LENGTH = 50
MIN_TIMEOUT_S = 1
MAX_TIMEOUT_S = 86_400
# A function without `timeout=` gets this many seconds.
DEFAULT_TIMEOUT_S = 300
WEB_REQUEST_LIMIT_S = 150

_OBJECT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
_APP_ID = re.compile(r"^ap-[a-zA-Z0-9]{22}$")
_LABEL = re.compile(r"^(?![0-9]+$)(?!-)[a-z0-9-]+(?<!-)$")
_INVALID_LABEL_CHARS = re.compile(r"[^a-z0-9-]")
_ENVIRONMENT = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$")
_WORKSPACE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def split_target(target: str) -> tuple[str, str | None]:
    """`app.py::app_gpu0` (what `modal deploy` takes: a file, and the App's variable in it
    when the file defines several) as the file and the variable."""
    file, _, variable = target.partition("::")
    return file, variable or None


def is_valid_app_name(name: str) -> bool:
    return (
        len(name) <= MAX_OBJECT_NAME_LENGTH
        and _OBJECT_NAME.match(name) is not None
        and _APP_ID.match(name) is None
    )


def is_valid_environment_name(name: str) -> bool:
    return (
        len(name) <= MAX_OBJECT_NAME_LENGTH
        and _ENVIRONMENT.match(name) is not None
        and not name.lower().startswith("en-")
    )


def is_valid_workspace(name: str) -> bool:
    return _WORKSPACE.match(name) is not None


def is_valid_label(label: str) -> bool:
    """A DNS label as Modal accepts it, length aside (long labels are checked on their own)."""
    return _LABEL.match(label) is not None


def default_label(app_name: str, *parts: str) -> str:
    """Modal's label for a web function: `{app}-{function}` or `{app}-{class}-{method}`."""
    return _INVALID_LABEL_CHARS.sub("-", "-".join((app_name, *parts)).lower())


def truncates(label: str, derived: str, source: str) -> bool:
    """Whether `label` is how Modal shortens `derived` under `source` (`workspace[-suffix]`)
    when the host's first part would pass 63 characters: the derived label cut to fit, then
    `-` and a 6-character hash (and `-dev` under `modal serve`). The hash is Modal's to
    compute; only the shape is read."""
    room = MAX_LABEL_LENGTH - len(source) - len("--")
    # `modal serve` adds `-dev` to the label; cut short, the hash comes before it.
    dev = "-dev" if label.endswith("-dev") else ""
    if len(derived) + len(dev) <= room or room <= 7 + len(dev):
        return False
    kept = derived[: room - 7 - len(dev)]
    return re.fullmatch(rf"{re.escape(kept)}-[a-z0-9]{{6}}{dev}", label) is not None


def web_source(workspace: str, web_suffix: str) -> str:
    """The part of the host before `--`: the workspace, suffixed for non-default environments."""
    return f"{workspace}-{web_suffix}" if web_suffix else workspace


def web_host(workspace: str, web_suffix: str, label: str) -> str:
    return f"{web_source(workspace, web_suffix)}--{label}.{MODAL_RUN_DOMAIN}"


def web_url(workspace: str, web_suffix: str, label: str, path: str = "") -> str:
    return f"https://{web_host(workspace, web_suffix, label)}{path}"


# GPUs: `gpu="TYPE"` or `gpu="TYPE:COUNT"`, case-insensitive, or a list of those to fall back
# through in order (modal.com/docs/guide/gpu; the client's `parse_gpu_config`).
GPU_MAX_COUNT = {
    "T4": 8,
    "L4": 8,
    "A10": 4,
    "A10G": 4,
    "L40S": 8,
    "A100": 8,
    "A100-40GB": 8,
    "A100-80GB": 8,
    "RTX-PRO-6000": 8,
    "H100": 8,
    "H100!": 8,
    "H200": 8,
    "B200": 8,
    "B200+": 8,
    # Any of L4, A10 or T4 (modal-examples' gpu_fallbacks.py): what all three allow.
    "ANY": 4,
}


def legacy_gpu(gpu_type: str, count: int = 1, size: str = "") -> str:
    """Modal's older `modal.gpu.A100(count=2, size="80GB")` as its string: `A100-80GB:2`."""
    spec = f"{gpu_type}-{size}" if size else gpu_type
    return spec if count == 1 else f"{spec}:{count}"


def gpu_type_problem(gpu_type: str, count: int) -> str | None:
    """Why Modal refuses `count` GPUs of `gpu_type` (as the client sends it: upper case)."""
    most = GPU_MAX_COUNT.get(gpu_type)
    if most is None:
        return f"GPU type {gpu_type!r} is not one Modal offers"
    if not 1 <= count <= most:
        return f"{gpu_type} comes 1 to {most} per container, not {count}"
    return None


def parse_gpu(spec: str) -> tuple[str, int]:
    """`"h100:2"` -> `("H100", 2)`, as the `modal` client reads it; ValueError when the count
    is not an integer."""
    gpu_type, _, count = spec.partition(":")
    return gpu_type.upper(), int(count) if count else 1


def gpu_problem(spec: str) -> str | None:
    """Why Modal refuses one GPU specification such as `"A100-80GB:4"`, or None."""
    try:
        gpu_type, count = parse_gpu(spec)
    except ValueError:
        return f"GPU count in {spec!r} is not an integer"
    return gpu_type_problem(gpu_type, count)
