"""Which pipelines an app builds: `production` loads weights on Modal's GPUs (the app's
`@modal.enter()` asks for it), `tiny` builds small random ones on a CPU (the local target,
`fleet serve` and the tests ask for it)."""

from __future__ import annotations

from typing import Literal

BackendName = Literal["production", "tiny"]
