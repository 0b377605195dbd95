"""`fleet changed` against Turborepo, Nx and `git diff --name-only`, in one script.

    python benchmarks/changed.py [--apps 500] [--commits 5000] [--range 200] [--runs 5]

Builds a repository of N apps (`services/appI/app.py`, every third importing
`services.shared.codec`, three importing `services.shared.rare`) and a history of M commits
with `git fast-import`. Each app folder is also an npm workspace package (the shared folder
too), whose `package.json` depends on `shared` where the app imports it, so that the peers
see the same apps and the same dependencies at the granularity they know: packages.

The last R commits touch `services/shared/rare.py`, one app's registry entry, a doc, and the
files of a few apps: exactly 3 + 1 + those apps should deploy. Over that range the script
times, by turns:

    git diff --name-only BASE HEAD                 the floor: what every tool must at least do
    fleet changed --base BASE --json               with its cache, and without (FLEET_NO_CACHE)
    turbo ls --affected --output=json              Turborepo (npm `turbo`), TURBO_SCM_BASE=BASE
    nx show projects --affected --base=BASE        Nx (npm `nx`), no daemon

and says which apps each selected, against the exact set. Turborepo and Nx are installed from
npm into ~/.cache/fleet-benchmarks the first time. Prints medians; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generated_registry import registry_yaml

REPO = Path(__file__).resolve().parent.parent
PEERS = {"turbo": "2.11", "nx": "24.0"}
RARE_IMPORTERS = (7, 77, 177)
REGISTRY_CHANGE = 42
EDITED_APPS = (3, 100, 250, 333, 499)


def app_file(i: int, revision: int) -> str:
    imports = "import modal\n"
    if i % 3 == 0:
        imports += "from services.shared import codec\n"
    if i in RARE_IMPORTERS:
        imports += "from services.shared import rare\n"
    return f'{imports}\napp = modal.App("acme-app{i}")\nREVISION = {revision}\n'


def package_json(i: int) -> str:
    dependencies = {"shared": "*"} if i % 3 == 0 or i in RARE_IMPORTERS else {}
    return json.dumps({"name": f"app{i}", "version": "1.0.0", "dependencies": dependencies})


def workspace_files(apps: int) -> dict[str, str]:
    """What Turborepo and Nx need to see the apps as packages: npm workspaces."""
    files = {
        "package.json": json.dumps(
            {
                "name": "acme",
                "private": True,
                "packageManager": "npm@10.9.0",
                "workspaces": ["services/*"],
            }
        ),
        "turbo.json": json.dumps({"$schema": "https://turbo.build/schema.json", "tasks": {}}),
        "nx.json": json.dumps({"$schema": "./node_modules/nx/schemas/nx-schema.json"}),
        ".gitignore": "node_modules/\n.nx/\n.turbo/\n",
        "services/shared/package.json": json.dumps({"name": "shared", "version": "1.0.0"}),
    }
    files |= {f"services/app{i}/package.json": package_json(i) for i in range(apps)}
    return files


def history(apps: int, commits: int, last: int) -> bytes:
    """A fast-import stream: the first commit adds everything, then one change per commit;
    the last `last` commits change only the shared `rare` module, one registry entry, a doc
    and a few apps."""
    out: list[bytes] = []

    def commit(mark: int, files: dict[str, str], message: str) -> None:
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

    registry = registry_yaml(apps)
    initial = {
        "registry/fleet.yaml": registry,
        "services/__init__.py": "",
        "services/shared/__init__.py": "",
        "services/shared/codec.py": "X = 0\n",
        "services/shared/rare.py": "Y = 0\n",
        "docs/README.md": "# docs\n",
        **workspace_files(apps),
    }
    initial |= {f"services/app{i}/app.py": app_file(i, 0) for i in range(apps)}
    commit(1, initial, "initial")
    for n in range(2, commits + 1):
        if n > commits - last:
            files = _late_change(n, commits, registry)
        elif n % 10 == 0:
            files = {"services/shared/codec.py": f"X = {n}\n"}
        elif n % 10 == 5:
            files = {"docs/README.md": f"# docs {n}\n"}
        else:
            files = {f"services/app{n % apps}/app.py": app_file(n % apps, n)}
        commit(n, files, f"change {n}")
    return b"".join(out)


def _late_change(n: int, commits: int, registry: str) -> dict[str, str]:
    step = n % 4
    if n == commits - 1:
        entry = f"    dir: services/app{REGISTRY_CHANGE}\n    gpu: L4\n    timeout_s: 600\n"
        return {"registry/fleet.yaml": registry.replace(entry, entry.replace("600", "900"))}
    if step == 0:
        return {"services/shared/rare.py": f"Y = {n}\n"}
    if step == 1:
        return {"docs/README.md": f"# docs {n}\n"}
    i = EDITED_APPS[n % len(EDITED_APPS)]
    return {f"services/app{i}/app.py": app_file(i, n)}


def expected() -> set[str]:
    return {f"app{i}" for i in (*RARE_IMPORTERS, REGISTRY_CHANGE, *EDITED_APPS)}


def install_peers() -> Path:
    """turbo and nx from npm, once, outside any repository."""
    home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fleet-benchmarks"
    marker = home / "installed.json"
    if not marker.exists() or json.loads(marker.read_text()) != PEERS:
        home.mkdir(parents=True, exist_ok=True)
        (home / "package.json").write_text('{"name": "peers", "private": true}')
        packages = [f"{name}@{version}" for name, version in PEERS.items()]
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *packages],
            cwd=home,
            check=True,
        )
        marker.write_text(json.dumps(PEERS))
    return home / "node_modules"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {result.stderr[-2000:]}")
    return elapsed, result.stdout


def fleet_apps(output: str) -> set[str]:
    return {app["name"].removeprefix("acme-") for app in json.loads(output)["apps"]}


def turbo_apps(output: str) -> set[str]:
    return {item["name"] for item in json.loads(output)["packages"]["items"]}


def nx_apps(output: str) -> set[str]:
    return set(json.loads(output))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--range", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    modules = install_peers()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        stream = history(args.apps, args.commits, args.range)
        subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=stream, check=True)
        subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
        (root / "node_modules").symlink_to(modules)
        base = subprocess.run(
            ["git", "rev-parse", f"HEAD~{args.range}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        fleet = [sys.executable, "-m", "tools.fleet", "changed", "--base", base, "--json"]
        cache = {"FLEET_CACHE_DIR": str(root / ".fleet-cache"), "PYTHONPATH": str(REPO)}
        tools = {
            "git diff --name-only": (["git", "diff", "--name-only", base, "HEAD"], {}, None),
            "fleet changed": (fleet, cache, fleet_apps),
            "fleet changed, no cache": (fleet, {**cache, "FLEET_NO_CACHE": "1"}, fleet_apps),
            "turbo ls --affected": (
                [str(modules / ".bin" / "turbo"), "ls", "--affected", "--output=json"],
                {"TURBO_SCM_BASE": base, "TURBO_SCM_HEAD": "HEAD", "TURBO_TELEMETRY_DISABLED": "1"},
                turbo_apps,
            ),
            "nx show projects --affected": (
                [
                    str(modules / ".bin" / "nx"),
                    "show",
                    "projects",
                    "--affected",
                    f"--base={base}",
                    "--head=HEAD",
                    "--json",
                ],
                {"NX_DAEMON": "false", "NX_NO_CLOUD": "true", "NX_TUI": "false"},
                nx_apps,
            ),
        }
        picked: dict[str, set[str]] = {}
        for name, (command, env, read) in tools.items():  # one warm-up each
            _, output = timed(command, root, env)
            if read is not None:
                picked[name] = read(output)
        samples: dict[str, list[float]] = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, (command, env, _) in tools.items():
                samples[name].append(timed(command, root, env)[0])
    want = expected()
    floor = statistics.median(samples["git diff --name-only"])
    # Each round ran every tool once: the ratio of each round shares the machine's drift.
    turbo = samples["turbo ls --affected"]
    paired = {
        name: statistics.median(f / t for f, t in zip(samples[name], turbo, strict=True))
        for name in ("fleet changed", "fleet changed, no cache")
    }
    print(
        f"{args.apps} apps, {args.commits} commits, the last {args.range}: exactly "
        f"{len(want)} apps changed ({', '.join(sorted(want, key=lambda a: int(a[3:])))})"
    )
    for name, times in samples.items():
        median = statistics.median(times)
        line = f"  {name:<28} {median * 1000:7.1f} ms  {median / floor:6.1f}x git diff"
        if name in picked:
            got = picked[name] - {"shared"}
            line += (
                f"  selected {len(picked[name])}: {len(got & want)} of the {len(want)}, "
                f"{len(got - want)} more"
            )
        print(line)
    for name, ratio in paired.items():
        print(f"  {name} / turbo, round by round: {ratio:.2f}x (median of {args.runs})")


if __name__ == "__main__":
    main()
