"""Start-up cost of the CLI as a ratio of a bare interpreter, measured in one script.

    python benchmarks/startup.py [--runs N]

Prints the median wall time of `python3 -c pass`, `fleet --help` and
`fleet registry validate`, and each ratio against the bare interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def median_seconds(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    fleet = [sys.executable, "-m", "tools.fleet"]
    cases = {
        "python3 -c pass": [sys.executable, "-c", "pass"],
        "fleet --help": [*fleet, "--help"],
        "fleet registry validate": [*fleet, "registry", "validate"],
    }
    times = {name: median_seconds(command, runs) for name, command in cases.items()}
    baseline = times["python3 -c pass"]
    for name, seconds in times.items():
        print(f"{name:<26} {seconds * 1000:7.1f} ms  {seconds / baseline:5.1f}x")


if __name__ == "__main__":
    main()
