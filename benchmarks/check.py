"""`fleet check` against `python3 -c pass` and ripgrep, measured in one script.

    python benchmarks/check.py [--apps 500] [--files 10000] [--runs 5]

1. On this repository: `fleet check` as a ratio of a bare interpreter's start-up.
2. On a generated monorepo (a registry of N apps, M files of Python, TypeScript, Markdown
   and workflows, in a git work tree): `fleet check` as a ratio of `rg -l modal.run` over the
   same tree, with the peak memory of each, and the same at half the size to show growth.
Each `fleet check` is measured five ways: with nothing changed since the previous check (its
result is replayed), with one file edited before each run (that file is checked again and the
other files' findings are kept), with that file named as pre-commit names it (that file and
the registry-wide invariants), with the registry edited before each run (every file is checked
again), and without the cache (`FLEET_NO_CACHE=1`), the way a fresh CI machine meets it.
With nothing changed, the check and its baseline run by turns and the ratio is the median of
each pair's: the machine's drift falls on both. Prints medians; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generated_registry import endpoint_paths, registry_yaml

from tools.core.inputs import RACY_NS

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NO_CACHE = {"FLEET_NO_CACHE": "1"}


def measure(
    command: list[str],
    cwd: Path,
    runs: int,
    env: dict[str, str] | None = None,
    before: Callable[[int], object] | None = None,
) -> tuple[float, float]:
    """Median seconds and the largest peak RSS (MiB) over `runs` runs; `before(run)` untimed."""
    seconds, peaks = [], []
    for run in range(runs):
        if before is not None:
            before(run)
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        _, _, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(seconds), max(peaks)


def paired(
    baseline: tuple[list[str], Path],
    command: tuple[list[str], Path],
    runs: int,
    env: dict[str, str] | None = None,
) -> tuple[float, float, float]:
    """The baseline and the command (with `env`) run by turns, so that the machine's drift
    falls on both: the median of each (seconds) and the median of the ratios of each pair."""
    base, timed, ratios = [], [], []
    for _ in range(runs):
        base.append(measure(*baseline, 1)[0])
        timed.append(measure(*command, 1, env)[0])
        ratios.append(timed[-1] / base[-1])
    return statistics.median(base), statistics.median(timed), statistics.median(ratios)


def generate(root: Path, apps: int, files: int) -> None:
    """A monorepo: one registry, `apps` app folders, and `files` files in all."""
    endpoints = [(i, path) for i in range(apps) for path in endpoint_paths(i, 2)]
    (root / "registry").mkdir(parents=True)
    (root / "registry" / "fleet.yaml").write_text(registry_yaml(apps, 2))
    written = 1
    for i in range(apps):
        folder = root / "services" / f"app{i}"
        folder.mkdir(parents=True)
        routes = "".join(
            f'\n@api.post("/app{i}-op{j}")\ndef op{j}() -> dict:\n    return {{}}\n'
            for j in range(2)
        )
        (folder / "app.py").write_text(
            f'import modal\nfrom fastapi import FastAPI\n\napp = modal.App("acme-app{i}")\n'
            f'api = FastAPI()\n{routes}\n\n@app.cls(gpu="L4", timeout=10 * 60)\nclass Server:\n'
            "    @modal.asgi_app()\n    def web(self):\n        return api\n"
        )
        (folder / "README.md").write_text(
            f"# app{i}\n\nCall https://acme--acme-app{i}-server-web.modal.run/app{i}-op0\n"
        )
        written += 2
    kinds = ("py", "ts", "md", "txt")
    n = 0
    while written < files:
        i, path = endpoints[n % len(endpoints)]
        kind = kinds[n % len(kinds)]
        target = root / "src" / f"pkg{n % 97}" / f"module{n}.{kind}"
        target.parent.mkdir(parents=True, exist_ok=True)
        url = f"https://acme--acme-app{i}-server-web.modal.run{path}"
        body = {
            "py": (
                f'"""Module {n}."""\nURL = "{url}"\nTIMEOUTS_S = {{"{path}": 300}}\n\n\n'
                f"def f(x):\n    return x * {n}\n"
            ),
            "ts": (
                f"export const URL_{n} = '{url}';\n"
                f"export const T_MS = {{ '{path}': 300_000 }} as const;\n"
            ),
            "md": f"# Notes {n}\n\nThe endpoint `{path}` is served at {url}.\n",
            "txt": "lorem ipsum dolor sit amet\n" * 20,
        }[kind]
        target.write_text(body)
        written += 1
        n += 1
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fleet = [sys.executable, "-m", "tools.fleet", "check"]
    rg = str(BIN / "rg") if (BIN / "rg").exists() else "rg"

    cold, _ = measure(fleet, REPO, args.runs, NO_CACHE)
    settle(fleet, REPO)
    _, own_peak = measure(fleet, REPO, 1)
    bare, own, own_ratio = paired(([sys.executable, "-c", "pass"], REPO), (fleet, REPO), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "repo"
        subprocess.run(["git", "clone", "-q", str(REPO), str(copy)], check=True)
        command = [*fleet, "--root", str(copy)]
        changing = edit(copy / "docs" / "REGISTRY.md")
        measure(command, REPO, 1)
        edited, _ = measure(command, REPO, args.runs, before=changing)
        named, _ = measure([*command, "docs/REGISTRY.md"], REPO, args.runs, before=changing)
        wide, _ = measure(command, REPO, args.runs, before=edit(copy / "registry" / "fleet.yaml"))
    print(
        f"this repository: python3 -c pass {bare * 1000:.0f} ms; fleet check, nothing changed "
        f"{own * 1000:.0f} ms ({own_ratio:.1f}x run by turns, peak {own_peak:.0f} MiB), "
        f"one file edited "
        f"{edited * 1000:.0f} ms ({edited / bare:.1f}x), that file named as pre-commit does "
        f"{named * 1000:.0f} ms ({named / bare:.1f}x), registry edited {wide * 1000:.0f} ms "
        f"({wide / bare:.1f}x), without the cache {cold * 1000:.0f} ms ({cold / bare:.1f}x)"
    )

    results: dict[float, tuple[float, float, float]] = {}
    for scale in (0.5, 1.0):
        apps, files = int(args.apps * scale), int(args.files * scale)
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            generate(root, apps, files)
            command = [*fleet, "--root", str(root)]
            grep, grep_peak = measure([rg, "-l", "modal.run", "."], root, args.runs)
            cold, cold_peak = measure(command, REPO, args.runs, NO_CACHE)
            changing = edit(root / "src" / "pkg0" / "module0.py")
            measure(command, REPO, 1)
            edited, edited_peak = measure(command, REPO, args.runs, before=changing)
            named, _ = measure([*command, "src/pkg0/module0.py"], REPO, args.runs, before=changing)
            registry_edit = edit(root / "registry" / "fleet.yaml")
            wide, _ = measure(command, REPO, args.runs, before=registry_edit)
            settle(command, REPO)
            _, check_peak = measure(command, REPO, 1)
            _, check, check_ratio = paired(
                ([rg, "-l", "modal.run", "."], root), (command, REPO), args.runs
            )
            results[scale] = (check, edited, cold)
            print(
                f"{apps} apps, {files} files: rg {grep * 1000:.0f} ms ({grep_peak:.0f} MiB); "
                f"fleet check, nothing changed {check * 1000:.0f} ms ({check_peak:.0f} MiB), "
                f"{check_ratio:.1f}x run by turns with rg; one file edited {edited * 1000:.0f} ms "
                f"({edited_peak:.0f} MiB), {edited / grep:.1f}x; that file named "
                f"{named * 1000:.0f} ms, {named / grep:.1f}x; registry edited "
                f"{wide * 1000:.0f} ms, {wide / grep:.1f}x; without the cache "
                f"{cold * 1000:.0f} ms ({cold_peak:.0f} MiB), {cold / grep:.1f}x"
            )
    growth = [full / half for full, half in zip(results[1.0], results[0.5], strict=True)]
    print(
        "growth from half to full size (linear: 2x): nothing changed {:.2f}x, one file edited "
        "{:.2f}x, without the cache {:.2f}x".format(*growth)
    )


def settle(command: list[str], cwd: Path) -> None:
    """Keep a check, and let its files age past the window in which they are compared by
    content (files written moments before a check): the state a developer's next check meets."""
    measure(command, cwd, 1)
    time.sleep(RACY_NS / 1e9)
    measure(command, cwd, 1)


def edit(path: Path) -> Callable[[int], None]:
    """Before each run, one more line in `path`: that file changed, no other."""

    def append(run: int) -> None:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"\n<!-- edit {run} -->\n" if path.suffix == ".md" else f"# {run}\n")

    return append


if __name__ == "__main__":
    main()
