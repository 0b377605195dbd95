"""Settings held in environment variables: where a text sets one for the reader to copy
(`MODAL_FLUX_URL=https://...` in a `.env.example` or a document's code), and whether code
reads one (`os.getenv("MODAL_FLUX_URL")`, `process.env.MODAL_FLUX_URL`, `${MODAL_FLUX_URL}`, a
settings class's `modal_flux_url` field)."""

from __future__ import annotations

import re
from typing import NamedTuple

# `NAME=value` or `export NAME=value` at a line's start, as a shell or a dotenv file sets it.
ASSIGNED = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Z][A-Z0-9_]{2,64})=(?P<value>[^\n]{0,500})",
    re.MULTILINE,
)
# A name built where it is read: `f"MODAL_{name}_URL"`, `` `MODAL_${name}` ``, `"MODAL_%s"`,
# `"MODAL_" + name`; every name with that beginning (and end) may be read.
BUILT_NAME = re.compile(
    r"[\"'`](?P<prefix>[A-Z][A-Z0-9_]{0,64})"
    r"(?:(?:\$?\{[^{}\"'`\n]{0,100}\}|%s)(?P<suffix>[A-Z0-9_]{0,64})[\"'`]|[\"'`][ \t]*\+)"
)
# A settings class reads its fields' names after a prefix: `env_prefix="APP_"`.
ENV_PREFIX = re.compile(r"env_prefix[\"']?[ \t]*[=:][ \t]*[\"'](?P<prefix>[A-Za-z0-9_]{1,64})[\"']")
_WORD_CHARS = re.compile(r"[A-Za-z0-9_]")

# The variables the Modal client reads itself (its configuration, `MODAL_` + a key of
# `modal.config._SETTINGS`, and those its code reads by name), as modal 1.6.4 has them; a
# test compares this list with the installed client.
MODAL_OWN = frozenset(
    {
        "MODAL_ASYNC_WARNINGS",
        "MODAL_BUILDER_WHEEL_DIR",
        "MODAL_BUILD_VALIDATION",
        "MODAL_CLOUD_PROVIDER",
        "MODAL_CONFIG_PATH",
        "MODAL_CONTAINER_ARGUMENTS_PATH",
        "MODAL_CUDA_CHECKPOINT_PATH",
        "MODAL_DEFAULT_CLOUD",
        "MODAL_DEV_SUFFIX",
        "MODAL_DISABLE_API_PROXY",
        "MODAL_ENABLE_SNAP_RESTORE",
        "MODAL_ENVIRONMENT",
        "MODAL_FORCE_BUILD",
        "MODAL_FUNCTION_RUNTIME",
        "MODAL_FUNCTION_RUNTIME_DEBUG",
        "MODAL_HEARTBEAT_INTERVAL",
        "MODAL_IDENTITY_TOKEN",
        "MODAL_IDENTITY_TOKEN_FILE",
        "MODAL_IGNORE_CACHE",
        "MODAL_IMAGE_ALLOW_GLOBAL_DEPLOYMENT",
        "MODAL_IMAGE_BUILDER_VERSION",
        "MODAL_IMAGE_ID",
        "MODAL_IS_REMOTE",
        "MODAL_LOGLEVEL",
        "MODAL_LOGS_TIMEOUT",
        "MODAL_LOG_FORMAT",
        "MODAL_LOG_PATTERN",
        "MODAL_MAX_THROTTLE_WAIT",
        "MODAL_OAUTH_CLIENT_ID",
        "MODAL_OAUTH_CLIENT_SECRET",
        "MODAL_OAUTH_JWT_KEY",
        "MODAL_OAUTH_REFRESH_TOKEN",
        "MODAL_OVERRIDE_HEADERS",
        "MODAL_PAYLOAD_FORMAT",
        "MODAL_PROFILE",
        "MODAL_RESTORE_STATE_PATH",
        "MODAL_RICH_CLI",
        "MODAL_RUNTIME_PERF_RECORD",
        "MODAL_SANDBOX_CHANNEL_IDLE_TIMEOUT",
        "MODAL_SANDBOX_V2",
        "MODAL_SERVER_URL",
        "MODAL_SERVE_TIMEOUT",
        "MODAL_SNAPSHOT_DEBUG",
        "MODAL_STREAMS_URL",
        "MODAL_SYNC_ENTRYPOINT",
        "MODAL_TASK_ID",
        "MODAL_TELEMETRY_SOCKET",
        "MODAL_TOKEN_ID",
        "MODAL_TOKEN_SECRET",
        "MODAL_TRACEBACK",
        "MODAL_USE_CONTROL_PLANE_SIDECAR_CREATE",
        "MODAL_USE_LEGACY_FILESYSTEM_SNAPSHOT",
        "MODAL_UV_PATH",
        "MODAL_VOLUME_BLOCK_READ_TIMEOUT",
        "MODAL_WORKER_ID",
    }
)
_TEMPLATE_MARKS = (".example", ".sample", ".template", ".env")


class Setting(NamedTuple):
    offset: int
    name: str
    value: str


def is_settings_template(path: str) -> bool:
    """Whether a file is settings for the reader to fill in: `.env.example`, `app.env.sample`."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".env") or name.endswith(_TEMPLATE_MARKS)


def settings_set(text: str) -> list[Setting]:
    """Every `NAME=value` a text sets at a line's start."""
    return [Setting(m.start("name"), m["name"], m["value"]) for m in ASSIGNED.finditer(text)]


def for_modal(setting: Setting) -> bool:
    """Whether a setting is about the fleet: its value is a modal.run URL, or its name says
    Modal and is not one the Modal client reads itself (`MODAL_TOKEN_ID`)."""
    if ".modal.run" in setting.value:
        return True
    return "MODAL" in setting.name.split("_") and setting.name not in MODAL_OWN


def read_in(text: str, names: set[str]) -> set[str]:
    """The `names` a code text reads: each written as a whole word in any case, other than as
    `NAME=` (a line that sets it, or prints how to: `print("NAME=<url>")`); and those whose
    beginning the text builds a name from, or a settings class's prefix stands before."""
    lowered = text.lower()
    found = set()
    for name in names:
        if _read(text, lowered, name):
            found.add(name)
    built = [(m["prefix"], m["suffix"] or "") for m in BUILT_NAME.finditer(text)]
    built = [(prefix, suffix) for prefix, suffix in built if len(prefix) > 2]
    field_prefixes = [m["prefix"].upper() for m in ENV_PREFIX.finditer(text)]
    for name in names - found:
        if any(name.startswith(p) and name.endswith(s) for p, s in built):
            found.add(name)
        field = next((name[len(p) :] for p in field_prefixes if name.startswith(p)), None)
        if field and _read(text, lowered, field):
            found.add(name)
    return found


def _read(text: str, lowered: str, name: str) -> bool:
    wanted = name.lower()
    at = lowered.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        before = at > 0 and _WORD_CHARS.match(text, at - 1) is not None
        after = end < len(text) and _WORD_CHARS.match(text, end) is not None
        sets = text.startswith("=", end) and not text.startswith("==", end)
        if not before and not after and not sets:
            return True
        at = lowered.find(wanted, end)
    return False
