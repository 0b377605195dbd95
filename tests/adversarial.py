"""Adversarial input for regular expressions, built from each pattern's own words.

A backtracking engine is slow on an input that lets a pattern match a long run in many ways
and then fail: a run of one character or of a short piece (`--a`, `%s`, `\\"`), after the
words the pattern looks for (`modal deploy`, `const`, `fleet:begin`) and before a character
nothing expects. `inputs(pattern)` is every such run for a pattern; `benchmarks/patterns.py`
and `tests/test_bounded_patterns.py` feed them to fleet's patterns the way fleet applies each.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import tools

SIZE = 10_000  # characters in each run: a quadratic pattern takes seconds, a linear one ~1 ms
ALPHABET = [*" \t\na1Z_-./\\'\"`:={}()$%*#<>|;!,@&+?[]~^", "│", "é", "🔑"]
# Every character a pattern does not name behaves as any other of its kind: these stand for
# them (a space, a letter, a digit, a word character, a non-ASCII one, a character no
# pattern names); the others are tried where the pattern names them.
STANDING_IN = [" ", "\t", "\n", "a", "Z", "1", "_", "é", "🔑", "@"]
PIECES = [" -a", " --a", " --a=b", " --a b", '\\"', "a.", "1_", "a:", "/a", "${a}", "%s", "a-"]
OPENERS = ['"', "'", "{", "<"]  # what a string, an object or a marker opens with
ENDS = ["", "\n!"]  # the text ends, or something nothing expects comes

# How fleet applies each pattern (a `match` is anchored: its cost is one attempt).
Apply = Callable[[re.Pattern[str], str], Any]
APPLY: dict[str, Apply] = {
    "match": lambda p, text: p.match(text),
    "fullmatch": lambda p, text: p.fullmatch(text),
    "search": lambda p, text: p.search(text),
    "finditer": lambda p, text: list(p.finditer(text)),
    "sub": lambda p, text: p.sub("-", text),
}


def patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern at the top level of a module of `tools`, once, by name."""
    found: dict[str, re.Pattern[str]] = {}
    seen: set[int] = set()
    for module in pkgutil.walk_packages(tools.__path__, "tools."):
        if module.name.endswith("__main__"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, re.Pattern) and id(value) not in seen:
                seen.add(id(value))
                found[f"{module.name}.{name}"] = value
    return found


def words(pattern: re.Pattern[str]) -> list[str]:
    """The words a pattern looks for, in order: five at most (escapes, classes and group
    names left out)."""
    source = re.sub(r"\\[A-Za-z]|\[[^]]*\]|\(\?P<\w+>|\(\?P=\w+\)", " ", pattern.pattern)
    return list(dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z:_-]{2,}", source)))[:5]


def inputs(pattern: re.Pattern[str], size: int = SIZE) -> Iterator[tuple[str, str]]:
    """(class, text): a run of each piece after nothing, an opener, each word, the words in
    order (with a name after them), then the end of the text or an unexpected character."""
    said = words(pattern)
    phrases = [" ".join(said[:i]) for i in range(1, len(said) + 1)]  # `modal deploy`
    with_name = [f"{phrase} a" for phrase in phrases]  # `const a`: a name after its keyword
    prefixes = dict.fromkeys(["", *OPENERS, *said, *phrases, *with_name])
    from_words = [piece for w in said for piece in (f"{w} ", f" --{w}")]
    named = [c for c in ALPHABET if c in pattern.pattern]
    pumps = dict.fromkeys([*STANDING_IN, *named, *PIECES, *from_words])
    for prefix in prefixes:
        for pump in pumps:
            kind = "a character" if len(pump) == 1 else "a piece"
            for end in ENDS:
                yield f"{kind} repeated", prefix + pump * (size // len(pump)) + end


# The process timer's multiple of a budget: room for other threads, a stop for a runaway.
_PROCESS_MARGIN = 20


class OverBudget(Exception):
    pass


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget when the block takes more than `seconds` of this thread's CPU time
    (not the clock's: a busy machine does not make a pattern slow; nor another thread of the
    test process, such as a server a test left running). A timer on the process's CPU time,
    at a multiple of the budget, stops a catastrophic pattern instead of waiting for it: the
    regex engine checks for signals as it runs."""

    def expire(_number: int, _frame: object) -> None:
        # The timer counts the whole process: another thread's CPU time (a server a test left
        # running) expires it too. Only this thread's own time over the budget stops the block.
        if time.thread_time() - started > seconds:
            raise OverBudget
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds * _PROCESS_MARGIN)

    # Nor a collection of the test process's whole heap that the block's allocations happen
    # to set off (a pattern of 10,000 matches once went over the budget in CI).
    collecting = gc.isenabled()
    gc.disable()
    started = time.thread_time()
    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds * _PROCESS_MARGIN)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
        if collecting:
            gc.enable()
    if time.thread_time() - started > seconds:
        raise OverBudget
