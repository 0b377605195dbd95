"""Modal's deploy tag alphabet, in one place: letters, digits, `-`, `.`, `_`, at most 50."""

from __future__ import annotations

import re

from tools.core.registry.modal_names import MAX_DEPLOY_TAG_LENGTH

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._-]+")


def modal_tag(text: str) -> str:
    """`flux/v1.4.0` -> `flux-v1.4.0`; a commit stays as it is; long text is cut to 50."""
    tag = _NOT_ALLOWED.sub("-", text).strip("-.") or "untagged"
    return tag[:MAX_DEPLOY_TAG_LENGTH]
