from __future__ import annotations

from tools.fleet.cli import main

main()
