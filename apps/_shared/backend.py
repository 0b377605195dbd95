"""Which pipelines an app builds: `production` on Modal, `tiny` everywhere else.

One environment variable decides; the Modal images set it to `production`.
"""

from __future__ import annotations

import os
from typing import Literal, get_args

BACKEND_VARIABLE = "FLEET_BACKEND"
BackendName = Literal["production", "tiny"]
DEFAULT_BACKEND: BackendName = "tiny"


def selected_backend() -> BackendName:
    value = os.environ.get(BACKEND_VARIABLE, DEFAULT_BACKEND)
    if value not in get_args(BackendName):
        choices = ", ".join(get_args(BackendName))
        raise ValueError(f"{BACKEND_VARIABLE}={value!r}: expected one of {choices}")
    return value  # type: ignore[return-value]
