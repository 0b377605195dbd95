"""`fleet check` on real repositories nobody here wrote, each with a registry written for it.

    python benchmarks/realworld.py [--shared ../shared/realworld] [--shared DIR ...]

For each repository in the shared folder that `benchmarks/realworld/NAME/fleet.yaml` describes:
copy it, make it a git repository, add that registry, run `fleet check --format json` without
the cache, and compare the findings with `benchmarks/realworld/NAME/judged.json`, where each
finding a reader has judged is listed as real or false, and the drift the reader found that
fleet does not report is listed as missed. Prints, per repository: findings, judged real,
false and not yet judged, precision, recall, and the time against `rg -l modal.run` over the
same tree. Asserts nothing: the numbers go into the issue's note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
JUDGED = HERE / "realworld"
BIN = Path(sys.executable).parent


def findings(root: Path) -> tuple[list[tuple[str, str, int]], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tools.fleet", "check", "--format", "json", "--root", str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FLEET_NO_CACHE": "1"},
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"fleet check failed on {root}: {done.stderr.strip()}")
    report = json.loads(done.stdout)
    return [(f["code"], f["path"], f["line"]) for f in report["findings"]], elapsed


def ripgrep(root: Path) -> float:
    rg = str(BIN / "rg") if (BIN / "rg").exists() else "rg"
    started = time.perf_counter()
    subprocess.run([rg, "-l", "modal.run", "."], cwd=root, capture_output=True, check=False)
    return time.perf_counter() - started


def prepare(source: Path, folder: Path) -> Path:
    """A writable git copy of `source`, named as it is, with the judged registry in it."""
    root = folder / source.name
    shutil.copytree(source, root, symlinks=True)
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    (root / "registry").mkdir(exist_ok=True)
    shutil.copy(JUDGED / source.name / "fleet.yaml", root / "registry" / "fleet.yaml")
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    # `--force`: every file of the commit, those its .gitignore matches too (tracked there).
    for args in (["init", "-q"], ["add", "-A", "--force"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=environment)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared",
        type=Path,
        action="append",
        help="a folder holding the repositories by name (repeatable; default ../shared/realworld)",
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folders = args.shared or [REPO.parent / "shared" / "realworld"]
    totals = {"repositories": 0, "findings": 0, "real": 0, "false": 0, "judged": 0, "missed": 0}
    for described in sorted(p for p in JUDGED.iterdir() if (p / "fleet.yaml").is_file()):
        source = next((f / described.name for f in folders if (f / described.name).is_dir()), None)
        if source is None:
            where = (described / "SOURCE.md").relative_to(REPO)
            print(f"{described.name}: not in {', '.join(map(str, folders))} (fetch: {where})")
            continue
        judged = json.loads((described / "judged.json").read_text())
        real = {tuple(f) for f in judged["real"]}
        false = {tuple(f) for f in judged["false"]}
        missed = judged["missed"]
        with tempfile.TemporaryDirectory() as folder:
            root = prepare(source, Path(folder))
            found, _ = findings(root)
            seconds = sorted(findings(root)[1] for _ in range(args.runs))[args.runs // 2]
            grep = sorted(ripgrep(root) for _ in range(args.runs))[args.runs // 2]
        reported = set(found)
        hits = reported & real
        unjudged = sorted(reported - real - false)
        precision = len(hits) / len(reported) if reported else 1.0
        recall = len(hits) / (len(real) + len(missed)) if real or missed else 1.0
        print(
            f"{described.name}: {len(reported)} findings, {len(hits)} judged real, "
            f"{len(reported & false)} false, {len(unjudged)} not judged; precision "
            f"{precision:.2f}, recall {recall:.2f} ({len(real - reported)} judged real not "
            f"reported, {len(missed)} missed by every rule); {seconds * 1000:.0f} ms against "
            f"rg {grep * 1000:.0f} ms ({seconds / grep:.1f}x)"
        )
        for finding in unjudged:
            print(f"  not judged: {finding}")
        for finding in sorted(reported & false):
            print(f"  judged false: {finding}")
        for finding in sorted(real - reported):
            print(f"  judged real, not reported: {finding}")
        counts = (1, len(reported), len(hits), len(reported & false), len(real), len(missed))
        for key, count in zip(totals, counts, strict=True):
            totals[key] += count
    if totals["repositories"] > 1:
        found, hits = totals["findings"], totals["real"]
        print(
            f"all {totals['repositories']}: {found} findings, {hits} judged real, "
            f"{totals['false']} false; precision {hits / found if found else 1.0:.3f}, recall "
            f"{hits / (totals['judged'] + totals['missed']):.3f}"
        )


if __name__ == "__main__":
    main()
