from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def fleet(root: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """The CLI of this checkout (never the one in `root`), run in `root` as a user would,
    with `environ` added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "tools.fleet", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
    )
