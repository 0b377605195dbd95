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
WEB_REQUEST_LIMIT_S = 150

_OBJECT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
_APP_ID = re.compile(r"^ap-[a-zA-Z0-9]{22}$")
_LABEL = re.compile(r"^(?![0-9]+$)(?!-)[a-z0-9-]+(?<!-)$")
_INVALID_LABEL_CHARS = re.compile(r"[^a-z0-9-]")
_ENVIRONMENT = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$")
_WORKSPACE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


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


def web_source(workspace: str, web_suffix: str) -> str:
    """The part of the host before `--`: the workspace, suffixed for non-default environments."""
    return f"{workspace}-{web_suffix}" if web_suffix else workspace


def web_host(workspace: str, web_suffix: str, label: str) -> str:
    return f"{web_source(workspace, web_suffix)}--{label}.{MODAL_RUN_DOMAIN}"


def web_url(workspace: str, web_suffix: str, label: str, path: str = "") -> str:
    return f"https://{web_host(workspace, web_suffix, label)}{path}"
