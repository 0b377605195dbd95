"""fleet's regular expressions on adversarial input, against one pass of `str.count` over it.

    python benchmarks/patterns.py [--size 10000]

Every pattern of `tools` (`tests/adversarial.py` finds them and builds the inputs: runs of a
character or a piece after the pattern's own words, up to the end or an unexpected character)
is applied as fleet applies it (`tests/test_bounded_patterns.py` says how). Prints the inputs
tried by class, how many each pattern answered within its budget, and the slowest case as a
time and as a ratio of `str.count` over the same text: the floor of any reading of it. A
linear pattern stays a small multiple of that floor at any size; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.adversarial import APPLY, OverBudget, budget, inputs, patterns  # noqa: E402
from tests.test_bounded_patterns import BUDGET_S, MODES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    size = parser.parse_args().size
    tried: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    slowest = (0.0, 0.0, "", "")
    for name, pattern in sorted(patterns().items()):
        apply = APPLY[MODES[name]]
        for kind, text in inputs(pattern, size):
            tried[kind] += 1
            started = time.perf_counter()
            try:
                with budget(BUDGET_S):
                    apply(pattern, text)
            except OverBudget:
                continue
            took = time.perf_counter() - started
            answered[kind] += 1
            if took > slowest[0]:
                floor = time.perf_counter()
                text.count("\0")
                slowest = (took, time.perf_counter() - floor, name, text[:40])
    print(f"{len(patterns())} patterns, inputs of about {size} characters")
    for kind in sorted(tried):
        print(f"  {kind:<22} {tried[kind]:>6} tried, {answered[kind]:>6} within {BUDGET_S} s")
    took, floor, name, text = slowest
    print(f"slowest: {took * 1000:.2f} ms ({took / floor:.0f}x str.count) {name} on {text!r}...")


if __name__ == "__main__":
    main()
