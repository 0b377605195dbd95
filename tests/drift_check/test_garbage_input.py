"""Garbage never crashes the checker: findings or skips, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.drift_check.conftest import DRIFT, make_repo, run

SUFFIXES = ["py", "ts", "js", "md", "yml", "json", "sh", "txt"]
FRAGMENTS = [
    "modal deploy ",
    "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/",
    "${workspace}--",
    "/flux",
    "/seedvr2",
    "ryla-comfyui",
    "'/flux': ",
    "const X = {",
    "export const M: Record<string, number> = {",
    "{",
    "}",
    "[",
    "]",
    "(",
    '"',
    "'",
    "`",
    "/*",
    "//",
    "#",
    "<!-- fleet:begin endpoints -->",
    "<!-- fleet:end endpoints -->",
    "<!-- fleet: ignore[FL003] -->",
    "@app.cls(timeout=",
    "modal.App(",
    "| ryla-flux | /seedvr2 |",
    "jobs:\n  a:\n    steps:\n      - run: ",
    "&a [*a]",
    "\n",
    "    ",
    "10 * 60 * 1_000",
    "600_000",
    ": ",
    ",",
]

texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=400),
    st.builds(lambda n: "[" * n + "]" * n, st.integers(0, 3000)),
    st.builds(lambda n: "x" * n, st.integers(0, 20_000)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=st.lists(st.tuples(st.sampled_from(SUFFIXES), texts, st.binary(max_size=64)), max_size=4)
)
def test_any_files_give_findings_or_skips(files: list[tuple[str, str, bytes]]) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        repo = make_repo(root, {})
        for folder in (".github/workflows", "src"):
            (repo / folder).mkdir(parents=True)
        for i, (suffix, text, raw) in enumerate(files):
            folder = ".github/workflows" if suffix == "yml" else "src"
            (repo / folder / f"f{i}.{suffix}").write_text(text)
            (repo / "src" / f"b{i}.bin").write_bytes(raw)
        result = run(repo)
        assert result.files >= 3
        for finding in result.findings:
            assert finding.line >= 1
            assert finding.col >= 1
    finally:
        shutil.rmtree(root)


def test_deep_nesting_and_huge_lines(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "deep.py": "x = " + "(" * 5000 + ")" * 5000 + "\n",
            "deep.json": "[" * 100_000 + "]" * 100_000,
            "deep.yml": "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 400)),
            "long.ts": "const M = {" + "'/flux': 1," * 20_000 + "};\n",
            "fixtures.md": (DRIFT / "FL008" / "README.md").read_text() * 50,
        },
    )
    result = run(root)
    assert {f.code for f in result.findings} <= {"FL002", "FL003", "FL008"}
