"""`fleet changed` against `git diff --name-only` over the same range, in one script.

    python benchmarks/changed.py [--apps 500] [--commits 5000] [--range 200] [--runs 5]

Builds a repository of N apps and a history of M commits (with `git fast-import`), each
commit touching one app's file or, every tenth, a shared module or a doc; then times, over the
last R commits, `git diff --name-only`, the `fleet changed` command (with `python3 -c pass`, the
interpreter's own start-up, beside it) and the same work called in this process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generated_registry import registry_yaml

REPO = Path(__file__).resolve().parent.parent


def app_file(i: int, revision: int) -> str:
    shared = "from services.shared import codec\n" if i % 3 == 0 else ""
    return f'import modal\n{shared}\napp = modal.App("acme-app{i}")\nREVISION = {revision}\n'


def history(apps: int, commits: int) -> bytes:
    """A fast-import stream: the first commit adds everything, then one change per commit."""
    out: list[bytes] = []

    def blob_commit(mark: int, files: dict[str, str], message: str) -> None:
        out.append(f"commit refs/heads/main\nmark :{mark}\n".encode())
        out.append(f"committer Bench <b@example.invalid> {1700000000 + mark} +0000\n".encode())
        data = message.encode()
        out.append(f"data {len(data)}\n".encode() + data + b"\n")
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for path, text in files.items():
            body = text.encode()
            out.append(f"M 644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
        out.append(b"\n")

    initial = {
        "registry/fleet.yaml": registry_yaml(apps),
        "services/__init__.py": "",
        "services/shared/__init__.py": "",
        "services/shared/codec.py": "X = 0\n",
        "docs/README.md": "# docs\n",
    }
    initial |= {f"services/app{i}/app.py": app_file(i, 0) for i in range(apps)}
    blob_commit(1, initial, "initial")
    for n in range(2, commits + 1):
        if n % 10 == 0:
            files = {"services/shared/codec.py": f"X = {n}\n"}
        elif n % 10 == 5:
            files = {"docs/README.md": f"# docs {n}\n"}
        else:
            files = {f"services/app{n % apps}/app.py": app_file(n % apps, n)}
        blob_commit(n, files, f"change {n}")
    return b"".join(out)


def median(command: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            command, cwd=cwd, check=True, capture_output=True, env={**os.environ, **(env or {})}
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--range", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=root,
            input=history(args.apps, args.commits),
            check=True,
        )
        subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
        base = f"HEAD~{args.range}"
        diff = median(["git", "diff", "--name-only", base, "HEAD"], root, args.runs)
        bare = median([sys.executable, "-c", "pass"], root, args.runs)
        command = [sys.executable, "-m", "tools.fleet", "changed", "--base", base, "--json"]
        cold = median(command, root, args.runs, {"FLEET_NO_CACHE": "1"})
        fleet = median(command, root, args.runs)
        selected = subprocess.run(
            command, cwd=root, check=True, capture_output=True, text=True
        ).stdout.count('"name"')
        in_process = plan_median(root, base, args.runs)
    print(
        f"{args.apps} apps, {args.commits} commits, range of {args.range}, {selected} apps "
        f"selected:\n"
        f"  git diff --name-only {diff * 1000:.1f} ms\n"
        f"  fleet changed        {fleet * 1000:.0f} ms ({fleet / diff:.1f}x), of which "
        f"python3 -c pass {bare * 1000:.0f} ms ({bare / diff:.1f}x); without the cache "
        f"{cold * 1000:.0f} ms ({cold / diff:.1f}x)\n"
        f"  plan() in process    {in_process * 1000:.1f} ms ({in_process / diff:.1f}x): the "
        f"work itself, start-up and imports excluded"
    )


def plan_median(root: Path, base: str, runs: int) -> float:
    """`fleet changed`'s work called in this process, after one warm-up call."""
    sys.path.insert(0, str(REPO))
    from tools.core.repository import open_repository
    from tools.release.changed import plan

    def sha(ref: str) -> str:
        return subprocess.run(
            ["git", "rev-parse", ref], cwd=root, check=True, capture_output=True, text=True
        ).stdout.strip()

    commits = (sha(base), sha("HEAD"))
    repo = open_repository(root)
    plan(repo, *commits)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        plan(repo, *commits)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
