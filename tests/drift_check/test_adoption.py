"""A way in for a repository with drift already in it: rules selected and ignored, per path or
for the project (ruff's model), and a baseline of the findings accepted for now."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_main
from tests.drift_check.conftest import make_repo, places, run

RETIRED = "Call /flux-instantid for faces.\n"  # FL003: a retired endpoint, named
UNKNOWN = "See https://ryla--ryla-flux-v1.modal.run/x\n"  # FL004: a stale label of ryla-flux


def configured(tmp_path: Path, table: str, files: dict[str, str] | None = None) -> Path:
    return make_repo(
        tmp_path,
        {
            "pyproject.toml": f"[tool.fleet]\n{table}",
            "docs/a.md": RETIRED + UNKNOWN,
            "docs/guide/b.md": RETIRED,
            **(files or {}),
        },
    )


def codes_at(root: Path) -> list[tuple[str, str, int]]:
    return [(code, path, line) for code, path, line, _ in places(run(root))]


def test_every_rule_reports_by_default(tmp_path: Path) -> None:
    assert codes_at(configured(tmp_path, "")) == [
        ("FL003", "docs/a.md", 1),
        ("FL004", "docs/a.md", 2),
        ("FL003", "docs/guide/b.md", 1),
    ]


def test_select_takes_codes_and_prefixes(tmp_path: Path) -> None:
    assert codes_at(configured(tmp_path, 'select = ["FL004"]\n')) == [("FL004", "docs/a.md", 2)]


def test_ignore_takes_a_prefix_out_of_the_selection(tmp_path: Path) -> None:
    root = configured(tmp_path, 'select = ["ALL"]\nignore = ["FL00"]\n')
    assert codes_at(root) == []


def test_per_file_ignores_drop_codes_in_matching_files(tmp_path: Path) -> None:
    root = configured(tmp_path, '[tool.fleet.per-file-ignores]\n"docs/guide/**" = ["FL003"]\n')
    assert codes_at(root) == [("FL003", "docs/a.md", 1), ("FL004", "docs/a.md", 2)]


def test_extend_exclude_adds_and_exclude_replaces_the_built_in_excludes(tmp_path: Path) -> None:
    files = {"x.lock": RETIRED}
    root = configured(tmp_path / "a", 'extend-exclude = ["docs/guide/"]\n', files)
    assert codes_at(root) == [("FL003", "docs/a.md", 1), ("FL004", "docs/a.md", 2)]
    root = configured(tmp_path / "b", 'exclude = ["docs/"]\n', files)
    assert codes_at(root) == [("FL003", "x.lock", 1)]


def test_command_line_selection_replaces_the_configuration(tmp_path: Path) -> None:
    root = configured(tmp_path, 'select = ["FL004"]\n')
    code, out, _ = run_main(root, ["check", "--select", "fl003", "--ignore", "FL004"])
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines() if ": FL" in line] == [
        "docs/a.md",
        "docs/guide/b.md",
    ]


def test_a_selector_that_selects_nothing_is_bad_input(tmp_path: Path) -> None:
    root = configured(tmp_path, 'ignore = ["FL9"]\n')
    assert run_main(root, ["check"]) == (
        2,
        "",
        "pyproject.toml: tool.fleet.ignore: 'FL9' selects no rule (`fleet check --list-rules`)\n",
    )
    assert run_main(root, ["check", "--select", "FL003,X1"]) == (
        2,
        "",
        "fleet: --select: 'X1' selects no rule (`fleet check --list-rules`)\n",
    )
    root = configured(tmp_path / "b", 'select = ["E501"]\n')
    assert run_main(root, ["check"])[2] == (
        "pyproject.toml: tool.fleet.select: 'E501' is not a rule code or prefix (FL001, FL0, ALL)\n"
    )


def test_a_baseline_reports_only_new_findings_and_survives_moved_lines(tmp_path: Path) -> None:
    root = configured(tmp_path, "")
    assert run_main(root, ["check", "--baseline", "b.json", "--update-baseline"]) == (
        0,
        "",
        "Wrote 3 findings to b.json.\n",
    )
    entries = json.loads((root / "b.json").read_text())["findings"]
    assert [(e["code"], e["path"], e["line"], e["count"]) for e in entries] == [
        ("FL003", "docs/a.md", "Call /flux-instantid for faces.", 1),
        ("FL003", "docs/guide/b.md", "Call /flux-instantid for faces.", 1),
        ("FL004", "docs/a.md", "See https://ryla--ryla-flux-v1.modal.run/x", 1),
    ]
    assert run_main(root, ["check", "--baseline", "b.json"])[0] == 0
    # Lines moved down: still known. A second copy of a known finding: new.
    (root / "docs/a.md").write_text("# Title\n\n" + RETIRED + UNKNOWN + RETIRED)
    code, out, _ = run_main(root, ["check", "--baseline", "b.json"])
    assert (code, out.splitlines()[0].split(": ")[0]) == (1, "docs/a.md:5:6")
    assert out.count(": FL") == 1
    # The offending line edited: a new finding.
    (root / "docs/a.md").write_text(RETIRED.replace("faces", "a face") + UNKNOWN)
    code, out, _ = run_main(root, ["check", "--baseline", "b.json"])
    assert (code, out.splitlines()[0].split(" ")[:2]) == (1, ["docs/a.md:1:6:", "FL003"])


def test_the_configured_baseline_is_used_by_every_check(tmp_path: Path) -> None:
    root = configured(tmp_path, 'baseline = "fleet-baseline.json"\n')
    assert run_main(root, ["check", "--update-baseline"])[0] == 0
    assert (root / "fleet-baseline.json").is_file()
    assert run_main(root, ["check"])[0] == 0
    assert run_main(root, ["check", "docs/a.md"])[0] == 0


def test_a_bad_baseline_is_bad_input(tmp_path: Path) -> None:
    root = configured(tmp_path, "")
    assert run_main(root, ["check", "--baseline", "none.json"])[2] == (
        "none.json: no such baseline; --update-baseline writes it\n"
    )
    (root / "b.json").write_text('{"version": 1, "findings": [{"code": "FL003"}]}')
    assert run_main(root, ["check", "--baseline", "b.json"]) == (
        2,
        "",
        "b.json: not a fleet baseline: missing 'path'\n",
    )
    assert run_main(root, ["check", "--update-baseline"]) == (
        2,
        "",
        "fleet: --update-baseline needs --baseline FILE or tool.fleet.baseline\n",
    )


def test_named_files_are_read_from_the_folder_the_command_runs_in(tmp_path: Path) -> None:
    root = configured(tmp_path, "")
    code, out, _ = run_main(root / "docs", ["check", "--root", "..", "guide/b.md"])
    assert (code, out.splitlines()[0].split(" ")[:2]) == (1, ["docs/guide/b.md:1:6:", "FL003"])
    assert out.splitlines()[-1] == "Found 1 problem in 1 file: 1 file checked."


HISTORY = {
    "CHANGELOG.md": RETIRED,
    "docs/adr/0003-split-apps.md": RETIRED,
    "docs/specs/2025-03-14-faces.md": RETIRED,
    "docs/specs/faces.md": RETIRED,
    "docs/adr/notes.py": 'X = "/flux-instantid"\n',
}


def test_historical_documents_are_not_read_for_references_by_default(tmp_path: Path) -> None:
    root = make_repo(tmp_path, HISTORY)
    assert codes_at(root) == [
        ("FL003", "docs/adr/notes.py", 1),  # code is never history
        ("FL003", "docs/specs/faces.md", 1),
    ]


def test_history_can_be_set_or_turned_off(tmp_path: Path) -> None:
    files = {**HISTORY, "pyproject.toml": '[tool.fleet]\nhistory = ["docs/specs/faces.md"]\n'}
    assert [path for _, path, _ in codes_at(make_repo(tmp_path / "a", files))] == [
        "CHANGELOG.md",
        "docs/adr/0003-split-apps.md",
        "docs/adr/notes.py",
        "docs/specs/2025-03-14-faces.md",
    ]
    files["pyproject.toml"] = "[tool.fleet]\nhistory = []\n"
    assert len(codes_at(make_repo(tmp_path / "b", files))) == 5


def test_a_document_in_a_dated_folder_is_historical(tmp_path: Path) -> None:
    files = {
        "docs/2026-01-18-faces/plan.md": RETIRED,
        "docs/2026-01-18-faces/guides/setup.md": RETIRED,
        "docs/2026-01-18-faces/call.py": 'X = "/flux-instantid"\n',  # code is never history
        "docs/v2026-1-18/notes.md": RETIRED,  # no date
    }
    assert codes_at(make_repo(tmp_path, files)) == [
        ("FL003", "docs/2026-01-18-faces/call.py", 1),
        ("FL003", "docs/v2026-1-18/notes.md", 1),
    ]


def test_a_dated_entry_of_a_log_is_historical(tmp_path: Path) -> None:
    log = (
        "# Deploy workbook\n\n"
        "## How to deploy\n\nNever call `/flux-instantid`.\n\n"  # 5: what to do now
        "## Changelog\n\n"
        "### 2026-04-11 — faces deploy\n\nCalled `/flux-instantid`: it answered.\n\n"
        "### March 3, 2026\n\n- moved `/flux-instantid` to flux\n\n"
        "### Next\n\nCall `/flux-instantid` for faces.\n"  # 19: under no date
    )
    assert codes_at(make_repo(tmp_path, {"docs/workbook.md": log})) == [
        ("FL003", "docs/workbook.md", 5),
        ("FL003", "docs/workbook.md", 19),
    ]


def test_a_record_of_a_run_named_by_its_time_is_historical(tmp_path: Path) -> None:
    called = '{"url": "https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux-instantid"}\n'
    files = {
        "test/results/verify_20260202_020129.json": called,
        "logs/smoke-2026-02-02.log": called,
        "config/endpoints.json": called,  # no time: what the code reads today
        "test/results/verify_2026.json": called,  # a year is not a time
        "records/2026-03-22_baseline/metrics.json": called,  # a dated run's folder
        "data/quality/pro-20260516T222314Z/p01.json": called,  # a folder stamped by its time
        "data/v2/p01.json": called,  # no time
        "config/2026-03-22_cutover.py": called,  # code, not a record
    }
    assert codes_at(make_repo(tmp_path, files)) == [
        ("FL003", "config/2026-03-22_cutover.py", 1),
        ("FL003", "config/endpoints.json", 1),
        ("FL003", "data/v2/p01.json", 1),
        ("FL003", "test/results/verify_2026.json", 1),
    ]


def test_a_line_that_documents_a_retirement_is_not_a_reference(tmp_path: Path) -> None:
    text = (
        "| endpoint | status |\n"
        "| `/flux-instantid` | removed in v2 |\n"
        "Deprecated: `/flux-instantid` answers 404.\n"
        "Call `/flux-instantid` for faces.\n"
        "Import './flux-instantid' or apps/flux-instantid/app.py: module paths.\n"
        "curl https://ryla--ryla-flux-comfyui-fastapi-app.modal.run/flux-instantid\n"
        "The new API replaces `/flux-instantid`; deprecate and de-deploy it.\n"
        "The faces path was `/flux-instantid`.\n"
        "Faces go to **`/flux`** (not `/flux-instantid`).\n"
        "The router has no `/flux-instantid` branch.\n"
        "This release deprecates and de-deploys\n"
        "**`/flux-instantid`**.\n"
        "Send faces to\n"
        "`/flux-instantid` first.\n"  # 14: the sentence says nothing is gone
    )
    script = (
        'echo "ryla-comfyui is deprecated: do not deploy it"\nmodal deploy ryla-comfyui\n'
        'echo "WARN: the ryla-comfyui secret still exists: retire it after the smoke test"\n'
    )
    root = make_repo(tmp_path, {"docs/faces.md": text, "ops.sh": script})
    assert codes_at(root) == [
        ("FL003", "docs/faces.md", 4),
        ("FL003", "docs/faces.md", 6),
        ("FL003", "docs/faces.md", 14),
        ("FL003", "ops.sh", 2),
    ]


def test_in_code_only_a_comment_documents_a_retirement(tmp_path: Path) -> None:
    code = (
        "# /flux-instantid was removed in v2\n"
        'LEGACY_FACES = "/flux-instantid"\n'
        "x = 1  # calls /flux-instantid, retired\n"
    )
    root = make_repo(tmp_path, {"client.py": code})
    assert codes_at(root) == [("FL003", "client.py", 2), ("FL003", "client.py", 3)]


def test_a_line_that_stops_a_retired_app_documents_its_retirement(tmp_path: Path) -> None:
    doc = (
        "Stop: `ryla-comfyui`, to free endpoint slots.\n"
        "The single app `ryla-comfyui` will be **stopped**.\n"
        "```bash\n"
        "modal app stop ryla-comfyui\n"
        "```\n"
        "Call `ryla-comfyui` for faces.\n"
    )
    code = (
        'subprocess.run(["modal", "app", "stop", "ryla-comfyui"], check=True)\n'
        "# ryla-comfyui is stopped\n"
        'stop = True; APP = "ryla-comfyui"\n'
        'APP = "ryla-comfyui"  # then: modal app stop it\n'
    )
    files = {"docs/faces.md": doc, "scripts/stop.sh": "modal app stop ryla-comfyui\n", "a.py": code}
    assert codes_at(make_repo(tmp_path, files)) == [
        ("FL003", "a.py", 3),
        ("FL003", "a.py", 4),
        ("FL003", "docs/faces.md", 6),
    ]


CALLS_RETIRED = 'URL = "https://ryla--ryla-comfyui-comfyui-fastapi-app.modal.run/flux-dev"\n'


def test_a_file_the_repository_keeps_for_reference_holds_retired_references(
    tmp_path: Path,
) -> None:
    readme = (
        "# Benchmarks\n"
        "- `compare.py`: faces against the single app (legacy)\n"
        "- `scripts/run.py`: every endpoint\n"
        "- `sweep.py`: the old sweep (legacy)\n"
        "## Run the old comparison (kept for reference)\n"
        "python old.py\n"
        "## Run the current one\n"
        "```bash\n"
        "# Legacy flags: a comment in a code block is no heading\n"
        "python current.py\n"
        "```\n"
    )
    files = {
        "bench/README.md": readme,
        "bench/compare.py": CALLS_RETIRED,  # a line names it as legacy
        "bench/old.py": CALLS_RETIRED,  # named under a heading that says so
        "bench/scripts/run.py": CALLS_RETIRED,  # named without a mark
        "bench/current.py": CALLS_RETIRED,  # under a heading without a mark
        "bench/own.py": '"""Legacy: the single app\'s benchmark."""\n' + CALLS_RETIRED,
        "bench/run.sh": "#!/bin/sh\n# Deprecated: kept for the record.\ncurl " + CALLS_RETIRED[7:],
        # A comment after the header's blank line is of the code below it, not of the file.
        "bench/client.ts": "// Endpoints.\n\n// Legacy map\nconst OLD = 1;\n" + CALLS_RETIRED,
        "other/compare.py": CALLS_RETIRED,  # bench/README.md is not in its folder or above
        "bench/compare.py.bak.py": CALLS_RETIRED,  # another file's name extends it
        # A bare name names the file beside the document, or the one of that name below it;
        # not one of several below it.
        "bench/sub/compare.py": CALLS_RETIRED,
        "bench/tools/sweep.py": CALLS_RETIRED,
    }
    assert [path for _, path, _ in codes_at(make_repo(tmp_path / "a", files))] == [
        "bench/client.ts",
        "bench/compare.py.bak.py",
        "bench/current.py",
        "bench/scripts/run.py",
        "bench/sub/compare.py",
        "other/compare.py",
    ]
    files["pyproject.toml"] = "[tool.fleet]\nhistory = []\n"
    assert len(codes_at(make_repo(tmp_path / "b", files))) == 11


def test_a_bad_table_is_named_in_one_line(tmp_path: Path) -> None:
    cases = {
        '"per-file-ignores" = 3\n': (
            "tool.fleet.per-file-ignores: must map globs to lists of rule codes"
        ),
        'select = "FL003"\n': "tool.fleet.select: must be a list of rule codes",
        "history = 3\n": "tool.fleet.history: must be a list of strings",
        'baseline = "../b.json"\n': (
            "tool.fleet.baseline: must be a relative path inside the repository"
        ),
    }
    for number, (table, message) in enumerate(cases.items()):
        root = configured(tmp_path / str(number), table)
        assert run_main(root, ["check"]) == (2, "", f"pyproject.toml: {message}\n")


def test_plans_proposals_and_session_logs_are_historical(tmp_path: Path) -> None:
    files = {
        "docs/planning/faces.md": RETIRED,
        "docs/sessions/2-debugging.md": RETIRED,
        "docs/research/options.md": RETIRED,
        "SUPABASE_INTEGRATION_PLAN.md": RETIRED,
        "docs/modal-xgrammar-setup-plan.md": RETIRED,
        "docs/RFC_ARCHITECTURE.md": RETIRED,
        "docs/planner.md": RETIRED,  # a word that starts with "plan": checked
        "docs/explanation.md": RETIRED,
        "scripts/plan.py": 'X = "/flux-instantid"\n',  # code is never history
        # Records of an investigation: what was found then.
        "ASIA_TIMEOUT_ANALYSIS.md": RETIRED,
        "docs/EXECUTION-FAILURE-ROOT-CAUSE-FIXED.md": RETIRED,
        "HEALTH-CHECK-DEBUG-SESSION.md": RETIRED,
        "docs/reporting.md": RETIRED,  # a word that starts with "report": checked
        "Dockerfile.flyio.bak": "CMD uvicorn hybrid:app\n",  # set aside: not read
        "docs/README (1).md": RETIRED,  # a downloaded second copy: not read
        "docs/notes (12).md": RETIRED,
        "docs/setup (linux).md": RETIRED,  # a name in brackets, not a copy's number: read
        "hybrid/__init__.py": "x = 1\n",  # no `app`: what FL014 reports of a live Dockerfile
        "archive/2025-06/scripts/old_test.py": 'X = "/flux-instantid"\n',  # kept for the record
        "archives_index.py": 'X = "/flux-instantid"\n',  # a name, not an archive folder
    }
    assert [path for _, path, _ in codes_at(make_repo(tmp_path, files))] == [
        "archives_index.py",
        "docs/explanation.md",
        "docs/planner.md",
        "docs/reporting.md",
        "docs/setup (linux).md",
        "scripts/plan.py",
    ]


def test_a_document_whose_status_says_it_is_a_plan_is_historical(tmp_path: Path) -> None:
    files = {
        "docs/xgrammar.md": "# XGrammar backend\n\n**Status**: Planning\n\n" + RETIRED,
        "docs/auto.md": "---\nstatus: experimental - not yet tested\n---\n" + RETIRED,
        "docs/faces.md": "# Faces\n\n**Status**: ✅ Complete\n\n" + RETIRED,  # done: checked
    }
    assert [path for _, path, _ in codes_at(make_repo(tmp_path, files))] == ["docs/faces.md"]


def test_a_file_the_guide_creates_first_is_no_missing_file(tmp_path: Path) -> None:
    doc = (
        "Create `apps/flux/xgrammar.py` from the llguidance one, then\n"
        "```bash\n"
        "cp apps/flux/app.py \\\n"
        "   apps/flux/auto.py\n"
        "modal deploy apps/flux/xgrammar.py\n"
        "modal deploy apps/flux/auto.py\n"
        "modal deploy apps/flux/gone.py\n"
        "```\n"
    )
    root = make_repo(tmp_path, {"docs/backends.md": doc})
    assert [(code, line) for code, _, line in codes_at(root)] == [("FL008", 7)]
