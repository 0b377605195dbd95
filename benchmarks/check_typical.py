"""`fleet check` on a repository of a typical mix, against ripgrep, measured in one script.

    python benchmarks/check_typical.py [--files 6000] [--apps 12] [--kib 8] [--runs 5]

The tree is what teams adopting fleet bring: a monorepo of TypeScript, Python, Markdown,
shell, JSON and YAML of ordinary sizes (1 to `--kib` KiB), where a few files in a hundred name the
fleet (URLs, timeout maps, deploy commands), beside a registry of `--apps` apps. Measured:
`rg -l modal.run` over the tree (the floor: one native pass); `fleet check` cold (no cache,
as on a fresh CI machine), with its ripgrep pre-filter and without it; and a one-line change
to one file named as pre-commit names it; and the floor under any check, the interpreter with
the libraries fleet is built on imported. The cold check and ripgrep run by turns, and its
ratio is the median of each pair's, so that the machine's drift falls on both. Prints
medians and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from check import BIN, NO_CACHE, REPO, edit, measure, paired
from generated_registry import endpoint_paths, registry_yaml

# Without the pre-filter: the threshold above any tree's size.
NO_PREFILTER = (
    "import sys, tools.drift_check.prefilter as p; p.MIN_FILES = 1 << 60; "
    "from tools.fleet.cli import main; sys.argv[0] = 'fleet'; main()"
)
STACK = "import typer, pydantic.main"
WORDS = [
    "the",
    "request",
    "handler",
    "returns",
    "a",
    "response",
    "when",
    "the",
    "cache",
    "holds",
    "the",
    "value",
    "and",
    "otherwise",
    "loads",
    "it",
    "from",
    "the",
    "store,",
    "validates",
    "the",
    "schema,",
    "records",
    "metrics",
    "and",
    "retries",
    "on",
    "failure",
]


def _prose(rng: random.Random, size: int) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        words.append(rng.choice(WORDS))
        length += len(words[-1]) + 1
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    return "\n".join(lines) + "\n"


def _code(rng: random.Random, kind: str, n: int, size: int) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        name = f"{rng.choice(WORDS)}_{len(out)}"
        if kind == "py":
            out.append(
                f'def {name}(value, store):\n    """{" ".join(rng.sample(WORDS, 6))}."""\n'
                f"    result = store.get(value) or {n}\n    return result * {len(out)}\n\n\n"
            )
        elif kind == "ts":
            out.append(
                f"export function {name}(value: string, store: Map<string, number>): number {{\n"
                f"  // {' '.join(rng.sample(WORDS, 6))}\n"
                f"  return (store.get(value) ?? {n}) * {len(out)};\n}}\n\n"
            )
        elif kind == "sh":
            out.append(f'echo "{" ".join(rng.sample(WORDS, 5))}"\nls -la "$HOME" > /dev/null\n')
        elif kind == "json":
            out.append(f'  "{name}": {{"enabled": true, "weight": {n % 97}}},\n')
        else:  # yaml
            out.append(f"{name}:\n  enabled: true\n  weight: {n % 97}\n")
        length += len(out[-1])
    body = "".join(out)
    return "{\n" + body.rstrip(",\n") + "\n}\n" if kind == "json" else body


def _fleet_text(kind: str, n: int, app: int, path: str) -> str:
    url = f"https://acme--acme-app{app}-server-web.modal.run{path}"
    return {
        "py": f'URL = "{url}"\nTIMEOUTS_S = {{"{path}": 300}}\n',
        "ts": f"export const T_MS = {{ '{path}': 300_000 }} as const;\nconst u = '{url}';\n",
        "md": f"# Calling {path}\n\n```sh\ncurl -L -m 300 {url}\n```\n",
        "sh": f"modal deploy services/app{app}/app.py\n",
        "json": f'{{"{path}": 300}}\n',
        "yaml": f"endpoint: {url}\n",
    }[kind]


def generate(root: Path, files: int, apps: int, seed: int = 15, kib: int = 8) -> None:
    """A git work tree of `files` files; about two in a hundred name the fleet."""
    rng = random.Random(seed)
    (root / "registry").mkdir(parents=True)
    (root / "registry" / "fleet.yaml").write_text(registry_yaml(apps, 2))
    for i in range(apps):
        folder = root / "services" / f"app{i}"
        folder.mkdir(parents=True)
        routes = "".join(
            f'\n@api.post("{path}")\ndef op{j}() -> dict:\n    return {{}}\n'
            for j, path in enumerate(endpoint_paths(i, 2))
        )
        (folder / "app.py").write_text(
            f'import modal\nfrom fastapi import FastAPI\n\napp = modal.App("acme-app{i}")\n'
            f'api = FastAPI()\n{routes}\n\n@app.cls(gpu="L4", timeout=10 * 60)\nclass Server:\n'
            "    @modal.asgi_app()\n    def web(self):\n        return api\n"
        )
    kinds = ["ts"] * 35 + ["py"] * 25 + ["md"] * 20 + ["sh"] * 5 + ["json"] * 10 + ["yaml"] * 5
    for n in range(files - apps - 1):
        kind = rng.choice(kinds)
        folder = root / rng.choice(("web", "api", "libs", "docs", "scripts")) / f"part{n % 61}"
        folder.mkdir(parents=True, exist_ok=True)
        size = rng.randint(1024, kib * 1024)
        text = _prose(rng, size) if kind == "md" else _code(rng, kind, n, size)
        if rng.random() < 0.02:
            app = rng.randrange(apps)
            text += _fleet_text(kind, n, app, rng.choice(endpoint_paths(app, 2)))
        (folder / f"file{n}.{kind}").write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=6000)
    parser.add_argument("--apps", type=int, default=12)
    parser.add_argument("--kib", type=int, default=8, help="largest file size, KiB")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rg = str(BIN / "rg") if (BIN / "rg").exists() else "rg"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, args.files, args.apps, kib=args.kib)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20
        check = [sys.executable, "-m", "tools.fleet", "check", "--root", str(root)]
        # By turns, so that the machine's drift falls on both: the ratio is the median of
        # each pair's.
        grep, cold, ratio = paired(
            ([rg, "-l", "modal.run", "."], root), (check, REPO), args.runs, NO_CACHE
        )
        plain = [sys.executable, "-c", NO_PREFILTER, "check", "--root", str(root)]
        unfiltered, _ = measure(plain, REPO, args.runs, NO_CACHE)
        # The floor under any check: the interpreter, and the CLI and model libraries fleet
        # is built on (typer, pydantic) imported, nothing run.
        floor, _ = measure([sys.executable, "-c", STACK], REPO, args.runs)
        named_file = next(root.glob("web/part0/*.ts"))
        relative = str(named_file.relative_to(root))
        named, _ = measure([*check, relative], root, args.runs, before=edit(named_file))
    print(
        f"{args.files} files ({size:.0f} MiB), {args.apps} apps: rg -l modal.run "
        f"{grep * 1000:.0f} ms; fleet check without the cache {cold * 1000:.0f} ms "
        f"({ratio:.1f}x rg, the median of {args.runs} pairs), without its pre-filter "
        f"{unfiltered * 1000:.0f} ms "
        f"({unfiltered / grep:.1f}x rg); one file edited and named as pre-commit names it "
        f"{named * 1000:.0f} ms ({named / grep:.1f}x rg); the interpreter with typer and "
        f"pydantic imported {floor * 1000:.0f} ms ({floor / grep:.1f}x rg)"
    )


if __name__ == "__main__":
    main()
