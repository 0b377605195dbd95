"""`fleet check` as a user runs it: rule catalogue, exit codes, JSON, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_fleet
from tests.drift_check.conftest import make_repo, places, run
from tools.drift_check.rules import ALL_RULES


def test_list_rules_names_every_rule_once() -> None:
    result = run_fleet("check", "--list-rules")
    assert result.returncode == 0
    codes = [line.split()[0] for line in result.stdout.splitlines()]
    assert codes == [rule.code for rule in ALL_RULES]
    assert len(set(codes)) == len(codes)


def test_explain_prints_the_rule_documentation() -> None:
    result = run_fleet("check", "--explain", "fl003")
    assert result.returncode == 0
    assert result.stdout.startswith("FL003 retired-reference:")
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"\n{section}\n" in result.stdout


def test_explain_unknown_rule_exits_2() -> None:
    result = run_fleet("check", "--explain", "FL999")
    assert (result.returncode, result.stderr) == (
        2,
        "fleet: unknown rule 'FL999'; `fleet check --list-rules` lists them\n",
    )


def test_clean_repository_exits_0(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"README.md": "Deploy with `fleet deploy flux`.\n"})
    result = run_fleet("check", "--root", str(root))
    assert (result.returncode, result.stdout) == (0, "No problems found: 4 files checked.\n")


def test_findings_exit_1_with_text_grouped_by_file(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.py": 'URL = "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/seedvr2"\n',
            "b.md": "Call `/flux-instantid`.\n",
        },
    )
    result = run_fleet("check", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout == (
        "a.py:1:8: FL004 https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/seedvr2: "
        "/seedvr2 is served by ryla-seedvr2, not ryla-flux\n"
        "  hint: use https://ryla--ryla-seedvr2-comfyui-fastapi-app.modal.run/seedvr2\n"
        "\n"
        "b.md:1:7: FL003 removed endpoint '/flux-instantid': removed\n"
        "  hint: remove the call\n"
        "\n"
        "Found 2 problems in 2 files: 5 files checked.\n"
    )


def test_json_format(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"b.md": "Call `/flux-instantid`.\n", "logo.png": "\0PNG"})
    result = run_fleet("check", "--root", str(root), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "version": 2,
        "summary": {"files": 4, "skipped": {"binary": 1}, "findings": 1},
        "skipped_files": {"logo.png": "binary"},
        "findings": [
            {
                "code": "FL003",
                "rule": "retired-reference",
                "path": "b.md",
                "line": 1,
                "col": 7,
                "message": "removed endpoint '/flux-instantid': removed",
                "hint": "remove the call",
                "fixable": False,
            }
        ],
    }


def test_suppressions_in_any_comment_syntax_on_the_line_or_above(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.py": 'X = "/flux-instantid"  # fleet: ignore[FL003]\n',
            "b.ts": '// fleet: ignore[FL004, FL003]\nconst x = "/flux-instantid";\n',
            "c.md": "<!-- fleet: ignore[FL003] -->\n\nSee /flux-instantid.\n",
            "d.sh": "# fleet: ignore[FL004]\ncurl /flux\n",
        },
    )
    result = run(root)
    assert places(result) == [
        ("FL010", "b.ts", 1, 4),
        ("FL010", "c.md", 1, 6),
        ("FL003", "c.md", 3, 5),
        ("FL010", "d.sh", 1, 3),
    ]
    assert [f.message for f in result.findings if f.code == "FL010"] == [
        "suppression of FL004 suppresses nothing",
        "suppression of FL003 suppresses nothing",
        "suppression of FL004 suppresses nothing",
    ]


def test_unreadable_files_are_skipped_and_counted(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {"bin.dat": "a\0b", "latin1.txt": "x", "ok.txt": "fine"},
    )
    (root / "latin1.txt").write_bytes(b"caf\xe9 /flux-instantid")
    (root / "huge.txt").write_bytes(b"/flux-instantid\n" * 70_000)
    result = run(root)
    assert (result.files, dict(result.skipped), places(result)) == (
        4,
        {"binary": 1, "undecodable": 1, "huge": 1},
        [],
    )


def test_a_file_larger_than_one_read_is_read_whole(tmp_path: Path) -> None:
    # 200 KB: several 64 KiB reads; the retired endpoint is on the last line.
    filler = "x = 1\n" * 34_000
    root = make_repo(tmp_path, {"big.txt": f"{filler}see /flux-instantid\n"})
    result = run(root)
    assert [(f.code, f.path, f.line) for f in result.findings] == [("FL003", "big.txt", 34_001)]
