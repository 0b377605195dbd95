"""Bounded work: every regular expression fleet applies to text it does not control (files of
the repository, the registry, event files, the `modal` CLI's output) answers in time linear
in its input. Each is fed adversarial input (`tests/adversarial.py`), applied as fleet applies
it, under a time budget a linear pattern meets a hundred times over; the patterns built at
run time (globs, the registry's names) likewise; and the checker itself on the lines that
once hung it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.adversarial import APPLY, OverBudget, budget, inputs, patterns
from tests.conftest import FIXTURES, REPO, run_fleet
from tools.core.globs import GlobSet
from tools.core.registry.load import load_registry
from tools.drift_check.index import RegistryIndex

BUDGET_S = 0.25

MODES = {
    "tools.core.config._SELECTOR": "fullmatch",
    "tools.core.redact.SECRET_NAME": "search",
    "tools.core.registry.load._PLAIN_KEY": "match",
    "tools.core.registry.modal_names._OBJECT_NAME": "match",
    "tools.core.registry.modal_names._APP_ID": "match",
    "tools.core.registry.modal_names._LABEL": "match",
    "tools.core.registry.modal_names._INVALID_LABEL_CHARS": "sub",
    "tools.core.registry.modal_names._ENVIRONMENT": "match",
    "tools.core.registry.modal_names._WORKSPACE": "match",
    "tools.core.registry.model._ENDPOINT_PATH": "match",
    "tools.core.registry.model._VARIABLE": "fullmatch",
    "tools.core.registry.parse._AT_LINE": "search",
    "tools.core.render.blocks.BEGIN": "finditer",
    "tools.core.render.blocks._MARKER": "finditer",
    "tools.drift_check.extract.commands.DEPLOY": "finditer",
    "tools.drift_check.extract.commands.SCRIPT": "finditer",
    "tools.drift_check.extract.commands.APP_COMMAND": "finditer",
    "tools.drift_check.extract.commands._READER_S": "search",
    "tools.drift_check.extract.commands._REST": "match",
    "tools.drift_check.extract.legacy.LEGACY": "search",
    "tools.drift_check.extract.script_folders._ASSIGNMENT": "finditer",
    "tools.drift_check.extract.script_folders._VARIABLE": "match",
    "tools.drift_check.extract.setting_joins._BINDING": "finditer",
    "tools.drift_check.extract.setting_joins._USE": "finditer",
    "tools.drift_check.extract.shell_blocks._BRANCH": "finditer",
    "tools.drift_check.extract.shell_blocks._PRINTS": "match",
    "tools.drift_check.extract.shell_blocks._PRINT_OPTIONS": "match",
    "tools.drift_check.extract.powershell._LOCATION": "sub",
    "tools.drift_check.extract.powershell._POP": "sub",
    "tools.drift_check.extract.powershell._WRITE": "sub",
    "tools.drift_check.extract.powershell._SCRIPT_ROOT": "sub",
    "tools.drift_check.extract.powershell._ASSIGNMENT": "sub",
    "tools.drift_check.extract.powershell._WORD": "finditer",
    "tools.drift_check.extract.powershell._PATH": "fullmatch",
    "tools.drift_check.extract.powershell._ARRAY": "finditer",
    "tools.drift_check.extract.powershell._FOREACH": "finditer",
    "tools.drift_check.extract.powershell._ITEM": "finditer",
    "tools.drift_check.extract.powershell._ENTRY": "finditer",
    "tools.drift_check.extract.legacy.PLANNED": "search",
    "tools.drift_check.extract.legacy.DATED": "match",
    "tools.drift_check.rules.fl008_docs._CREATES": "search",
    "tools.drift_check.selection._PLANNED": "search",
    "tools.drift_check.selection._INVESTIGATED": "search",
    "tools.drift_check.selection._ARCHIVED": "search",
    "tools.drift_check.rules.fl009_modal_limits._MODAL_WORD": "finditer",
    "tools.drift_check.rules.fl009_modal_limits._OTHER_THAN": "search",
    "tools.drift_check.rules.fl003_retired_reference._APP_SLOT": "search",
    "tools.drift_check.rules.fl003_retired_reference._WORD": "fullmatch",
    "tools.drift_check.rules.fl003_retired_reference._KEYWORD_BEFORE": "search",
    "tools.drift_check.rules.fl003_retired_reference._RECORD": "search",
    "tools.drift_check.rules.fl005_app_map.LOOKUP": "finditer",
    "tools.drift_check.rules.fl013_docs_config._PROSE_GPU": "finditer",
    "tools.drift_check.rules.fl013_docs_config._ANY_TYPE": "finditer",
    "tools.drift_check.rules.fl013_docs_config._CHANGE": "search",
    "tools.drift_check.rules.fl013_docs_config._CODE_FIELD": "match",
    "tools.drift_check.extract.commands.CLI": "finditer",
    "tools.drift_check.extract.commands._COMMAND_START": "search",
    "tools.drift_check.extract.commands.PYTHON_RUN": "finditer",
    "tools.drift_check.extract.commands.CLONE": "finditer",
    "tools.drift_check.extract.commands.MAKE": "finditer",
    "tools.drift_check.extract.commands._NAME_OPTION": "search",
    "tools.drift_check.extract.commands._RULE": "finditer",
    "tools.drift_check.extract.commands._MORE_RULES": "search",
    "tools.drift_check.extract.commands._PHONY": "finditer",
    "tools.drift_check.rules.fl008_docs._PATH_RUN": "search",
    "tools.drift_check.rules.fl004_unknown_url._BASE": "finditer",
    "tools.drift_check.rules.fl004_unknown_url._JOINED": "finditer",
    "tools.drift_check.rules.fl004_unknown_url._TEMPLATED": "sub",
    "tools.drift_check.project._LABEL": "finditer",
    "tools.drift_check.project._JS_SECRET": "finditer",
    "tools.drift_check.rules.fl017_unused_secret._CREATE": "finditer",
    "tools.drift_check.rules.fl017_unused_secret._WORD": "finditer",
    "tools.drift_check.rules.fl017_unused_secret._NAME": "fullmatch",
    "tools.drift_check.rules.fl006_app_definition._FIELD": "finditer",
    "tools.drift_check.rules.fl013_docs_config._JSON_GPU": "finditer",
    "tools.drift_check.extract.python.DECLARED_APP": "search",
    "tools.drift_check.rules.fl013_docs_config._COUNT": "search",
    "tools.drift_check.rules.fl013_docs_config._STAMPED": "search",
    "tools.drift_check.rules.fl013_docs_config._KEYWORD": "finditer",
    "tools.drift_check.rules.fl013_docs_config._DECORATOR": "search",
    "tools.drift_check.rules.fl013_docs_config._SECRET": "finditer",
    "tools.drift_check.rules.fl013_docs_config._ROW": "match",
    "tools.drift_check.rules.fl013_docs_config._NO_GPU": "search",
    "tools.drift_check.extract.markdown._HEADING": "fullmatch",
    "tools.drift_check.extract.commands.CD": "finditer",
    "tools.drift_check.extract.commands.ASGI_SERVE": "finditer",
    "tools.drift_check.extract.commands._OPTION_NAME": "match",
    "tools.drift_check.rules.fl005_app_map._LABEL": "fullmatch",
    "tools.drift_check.rules.fl005_app_map._WORD": "finditer",
    "tools.drift_check.rules.fl008_docs._REPOSITORY_LINK": "finditer",
    "tools.drift_check.rules.fl008_docs._NOT_THIS": "search",
    "tools.drift_check.rules.fl003_retired_reference._SETTING_BEFORE": "search",
    "tools.drift_check.rules.fl003_retired_reference.REPLACING": "search",
    "tools.drift_check.rules.fl003_retired_reference._IMAGE_TAG": "match",
    "tools.drift_check.extract.settings.ASSIGNED": "finditer",
    "tools.drift_check.extract.settings.BUILT_NAME": "finditer",
    "tools.drift_check.extract.settings.ENV_PREFIX": "finditer",
    "tools.drift_check.extract.settings._WORD_CHARS": "match",
    "tools.drift_check.extract.commands.FENCE": "finditer",
    "tools.drift_check.extract.commands.LOOP": "finditer",
    "tools.drift_check.extract.commands._DONE": "search",
    "tools.drift_check.extract.commands.HEREDOC": "finditer",
    "tools.drift_check.extract.commands._BLANK_LINE": "finditer",
    "tools.drift_check.extract.commands._PAREN": "finditer",
    "tools.drift_check.extract.typescript._ASSIGNMENT": "finditer",
    "tools.drift_check.extract.typescript._KEY": "match",
    "tools.drift_check.extract.typescript._NUMERIC": "fullmatch",
    "tools.drift_check.extract.typescript._CONSTANT": "finditer",
    "tools.drift_check.extract.typescript._AS_CONST": "sub",
    "tools.drift_check.extract.typescript._INTEGER_LITERAL": "fullmatch",
    "tools.drift_check.extract.urls.URL": "finditer",
    "tools.drift_check.extract.urls._TEMPLATE": "search",
    "tools.drift_check.index._KEY_BEFORE_COLON": "match",
    "tools.drift_check.index._SEVERAL_WORDS": "search",
    "tools.drift_check.rules.fl003_retired_reference._SECRET_COMMAND": "search",
    "tools.drift_check.rules.fl002_client_timeout_map.PATH_LIKE": "match",
    "tools.drift_check.rules.fl002_client_timeout_map._CALLED_PATH": "search",
    "tools.drift_check.rules.fl003_retired_reference.RETIREMENT": "search",
    "tools.drift_check.rules.fl003_retired_reference._BYGONE": "search",
    "tools.drift_check.rules.fl013_docs_config._DEFINED": "match",
    "tools.drift_check.rules.fl008_docs._MACHINE_PATH": "finditer",
    "tools.drift_check.rules.fl013_docs_config._PLAIN_WORD": "fullmatch",
    "tools.drift_check.rules.fl013_docs_config._DETERMINED": "search",
    "tools.drift_check.rules.fl003_retired_reference.NEGATED": "search",
    "tools.drift_check.rules.fl003_retired_reference.STOP_COMMAND": "search",
    "tools.drift_check.selection._DATED": "search",
    "tools.drift_check.selection._STAMPED": "search",
    "tools.drift_check.rules.fl008_docs._PATH_TOKEN": "finditer",
    "tools.drift_check.rules.fl009_modal_limits.CURL": "finditer",
    "tools.drift_check.rules.fl009_modal_limits.LOCATION": "search",
    "tools.drift_check.rules.fl009_modal_limits.MAX_TIME": "search",
    "tools.drift_check.rules.fl009_modal_limits.MANUAL_REDIRECT": "finditer",
    "tools.drift_check.rules.fl007_workflow_deploy._REDIRECT": "match",
    "tools.drift_check.extract.python._LOCAL_PATH": "finditer",
    "tools.drift_check.rules.fl008_docs._NOT_COMMENT": "finditer",
    "tools.drift_check.rules.fl008_docs._ENDPOINT_HEADING": "finditer",
    "tools.drift_check.rules.fl008_docs._ENDPOINT_SAID": "finditer",
    "tools.drift_check.rules.fl008_docs._COMMENT_MARK": "finditer",
    "tools.drift_check.rules.fl007_workflow_deploy.COMPOUND_NAME": "search",
    "tools.drift_check.rules.fl007_workflow_deploy._STRING_END": "search",
    "tools.drift_check.rules.fl007_workflow_deploy._CONTINUED": "finditer",
    "tools.drift_check.rules.fl009_modal_limits.READS_LOCATION": "search",
    "tools.drift_check.rules.fl016_modal_api._PEP440": "finditer",
    "tools.drift_check.rules.fl016_modal_api._POETRY": "finditer",
    "tools.drift_check.rules.fl016_modal_api._DEPENDENCY_FILES": "search",
    "tools.drift_check.rules.fl009_modal_limits.ASSIGNMENT": "finditer",
    "tools.drift_check.rules.fl009_modal_limits.DEFAULT": "sub",
    "tools.drift_check.rules.fl009_modal_limits.REFERENCE": "sub",
    "tools.drift_check.rules.fl008_docs._ROW": "match",
    "tools.drift_check.rules.fl008_docs._COMMAND": "search",
    "tools.drift_check.suppress._SUPPRESSION": "finditer",
    "tools.drift_check.units._MILLISECONDS_CASED": "search",
    "tools.drift_check.units._SECONDS": "search",
    "tools.drift_check.units._NOT_A_WAIT": "search",
    "tools.drift_check.units._A_WAIT": "search",
    "tools.emulator.servicer.FAILS_ANYWHERE": "fullmatch",
    "tools.release.dependencies._RELATIVE_IMPORT": "search",
    "tools.release.ranges.ZERO_SHA": "match",
    "tools.release.ranges._SHA": "fullmatch",
    "tools.release.release.CONVENTIONAL": "match",
    "tools.release.release_tags.APP_TAG": "fullmatch",
    "tools.release.release_tags.FLEET_TAG": "fullmatch",
    "tools.release.status._COMMIT": "fullmatch",
    "tools.release.tags._NOT_ALLOWED": "sub",
    "tools.release.targets.local.VERSION": "fullmatch",
    "tools.release.targets.local._COMMIT": "fullmatch",
    "tools.release.targets.modal.VERSION": "fullmatch",
    "tools.release.targets.modal_output._PREFIX": "match",
    "tools.release.targets.modal_output._FUNCTION": "fullmatch",
    "tools.release.targets.modal_output._URL": "fullmatch",
    "tools.release.targets.modal_output._ERROR": "match",
    "tools.release.targets.processes._PS_LINE": "match",
}


def test_every_pattern_says_how_it_is_applied() -> None:
    # A new pattern is tested once it is named here, with the way the code applies it.
    assert sorted(patterns()) == sorted(MODES)


@pytest.mark.parametrize("name", sorted(MODES))
def test_adversarial_input_is_read_in_linear_time(name: str) -> None:
    pattern, apply = patterns()[name], APPLY[MODES[name]]
    for _, text in inputs(pattern):
        try:
            with budget(BUDGET_S):
                apply(pattern, text)
        except OverBudget:
            pytest.fail(f"{name} took over {BUDGET_S} s of CPU on {text[:60]!r}...")


def test_a_glob_of_many_stars_is_matched_in_linear_time() -> None:
    # Python's engine took time exponential in the stars of a glob that fails to match.
    globs = GlobSet(["*a*a*a*a*a*a*a*a*a*b", "**/x/**/x/**/x/**/x/**/y", "a?" * 50 + "b"])
    path = "/".join(["x" * 40] * 100) + "/" + "a" * 4_000
    with budget(BUDGET_S):
        assert not globs.match(path)
        assert globs.matching([path] * 20) == set()
    assert globs.match("apps/flux/x/1/x/x/x/y/z")


def test_the_registry_s_own_patterns_read_a_long_line_in_linear_time() -> None:
    index = RegistryIndex(load_registry(REPO / "registry" / "fleet.yaml"))
    for piece in ("ryla-", "ryla-flux", "/flux", "-", "--", "comfyui-", "a"):
        text = piece * (10_000 // len(piece)) + "!"
        with budget(BUDGET_S):
            list(index.retired_matches(text))
            list(index.app_name_regex.finditer(text))


HANGED = {
    "docs/deploy.md": "Run `modal deploy" + " --opt" * 40 + "`.\n",
    "client/strings.ts": 'export const K = {"' + "\\" * 5_000 + "\n};\n",
    "client/numbers.ts": "const N = " + "1" * 50_000 + ";\nconst M = {a" + " " * 20_000 + "};\n",
    "docs/blocks.md": "<!-- fleet:begin endpoints -->\n" * 3_000,
    "docs/hosts.md": "modal.run " + "%s" * 20_000 + "\n",
    "config/bomb.yaml": "a: &a {x: 1}\nb: &b {<<: [*a, *a, *a, *a]}\nc: &c {<<: [*b, *b, *b, *b]}\n"
    "d: &d {<<: [*c, *c, *c, *c]}\ne: {<<: [*d, *d, *d, *d]}\n",
}


def test_the_checker_reads_the_lines_that_once_hung_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    (root / "registry" / "fleet.yaml").write_text(
        (FIXTURES / "registry" / "minimal.yaml").read_text()
    )
    for path, text in HANGED.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    result = run_fleet("check", "--no-cache", "--format", "json", cwd=root)  # each once hung
    report = json.loads(result.stdout)
    found = Counter((f["path"], f["code"], f["message"]) for f in report["findings"])
    unclosed = "generated block 'endpoints' has no `<!-- fleet:end endpoints -->`"
    assert (result.returncode, report["summary"]["files"], found) == (
        1,
        len(HANGED),
        {
            ("docs/blocks.md", "FL008", unclosed): 3_000,
            ("registry/fleet.yaml", "FL006", "apps.flux: apps/flux/app.py does not exist"): 1,
        },
    )
