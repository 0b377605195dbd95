"""The dependency index: every file parsed at most once, and only when it could reach another."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tools.core.registry.load import parse_registry
from tools.core.registry.outline import AppOutline
from tools.release import dependencies
from tools.release.dependencies import DependencyIndex, Owners

REGISTRY = """\
version: 1
workspace: acme
environments: {{main: {{web_suffix: ''}}}}
apps:
{apps}
"""
APP = """\
  {key}:
    name: acme-{key}
    dir: apps/{key}
    gpu: L4
    timeout_s: 600
    web: {{class: Server, method: web}}
    endpoints:
      /{key}:
        kind: text-to-image
        client_timeout_s: 300
        idempotent: true
        smoke: {{request: {{prompt: a, width: 64, height: 64}}, expect: image}}
"""


class MemoryTree:
    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.reads: Counter[str] = Counter()

    def files(self) -> frozenset[str]:
        return frozenset(self.texts)

    def read(self, paths: list[str]) -> dict[str, str]:
        self.reads.update(paths)
        return {p: self.texts[p] for p in paths if p in self.texts}

    def grep(self, words: list[str], suffix: str) -> set[str]:
        """As `git grep -w`: a word is a run of letters, digits and underscores."""
        spelled = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))
        return {p for p, text in self.texts.items() if p.endswith(suffix) and spelled.search(text)}


def test_shared_files_are_read_and_parsed_once_and_plain_files_not_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = parse_registry(
        REGISTRY.format(apps="".join(APP.format(key=k) for k in ("a", "b", "c"))), "fleet.yaml"
    )
    tree = MemoryTree(
        {
            "apps/__init__.py": "",
            "apps/a/app.py": "import modal\nfrom apps.shared import codec\n",
            "apps/b/app.py": "import modal\nfrom ..shared import codec\n",
            "apps/c/app.py": "import modal\nimport torch\n",
            "apps/shared/__init__.py": "",
            "apps/shared/codec.py": "import json\nfrom apps.shared import tables\n",
            "apps/shared/tables.py": "X = 1\n",
        }
    )
    parsed = _parsed(monkeypatch)
    index = DependencyIndex(tree)
    found = {app.key: index.of(app).imports for app in registry.apps.values()}
    shared = {
        "apps/__init__.py": "apps.shared",
        "apps/shared/__init__.py": "apps.shared",
        "apps/shared/codec.py": "apps.shared.codec",
        "apps/shared/tables.py": "apps.shared.tables",
    }
    assert found["a"] == shared
    assert found["b"] == shared  # the same modules, reached by a relative import
    assert found["c"] == {}
    assert sorted(parsed) == ["apps/a/app.py", "apps/b/app.py", "apps/shared/codec.py"]
    assert max(tree.reads.values()) == 1


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = dependencies._references

    def counting(path: str, text: str, files: frozenset[str]) -> object:
        parsed.append(path)
        return real(path, text, files)

    monkeypatch.setattr(dependencies, "_references", counting)
    return parsed


KEYS = ("alpha", "beta", "gamma", "delta")
SHARED = {
    "apps/__init__.py": "",
    "apps/alpha/app.py": "import modal\nfrom apps.shared import codec\n",
    "apps/beta/app.py": "import modal\nfrom ..shared import codec\n",
    "apps/gamma/app.py": 'image = modal.Image.debian_slim().add_local_dir("assets")\n',
    "apps/delta/app.py": "import modal\nfrom apps.delta import helpers\n",
    "apps/delta/helpers.py": "from . import tables_view\n",
    "apps/delta/tables_view.py": "X = 2\n",
    "apps/shared/__init__.py": "",
    "apps/shared/codec.py": "import json\nfrom apps.shared import tables\n",
    "apps/shared/tables.py": "X = 1\n",
    "assets/logo.png": "png",
}


def test_a_change_reaches_the_apps_that_import_it_through_any_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = parse_registry(
        REGISTRY.format(
            apps="".join(APP.format(key=k) for k in ("alpha", "beta", "gamma", "delta"))
        ),
        "fleet.yaml",
    )
    parsed = _parsed(monkeypatch)
    index = DependencyIndex(MemoryTree(SHARED))
    changed = ["apps/shared/tables.py", "assets/logo.png", "docs/README.md"]
    assert index.reaching(registry.apps.values(), changed) == {
        "alpha": ["imports apps.shared.tables (apps/shared/tables.py changed)"],
        "beta": ["imports apps.shared.tables (apps/shared/tables.py changed)"],
        "gamma": ["mounts add_local_dir('assets') (assets/logo.png changed)"],
    }
    # The mounting file, the importer of `tables`, then the importers of `codec`: no other.
    assert sorted(parsed) == [
        "apps/alpha/app.py",
        "apps/beta/app.py",
        "apps/gamma/app.py",
        "apps/shared/codec.py",
    ]


def test_a_relative_import_in_a_shared_package_is_followed() -> None:
    registry = parse_registry(REGISTRY.format(apps=APP.format(key="epsilon")), "fleet.yaml")
    tree = MemoryTree(
        {
            "lib/__init__.py": "",
            "lib/core/__init__.py": "",
            "lib/core/helpers.py": "from . import tables\n",
            "lib/core/tables.py": "X = 1\n",
            "apps/epsilon/app.py": "from lib.core import helpers\n",
        }
    )
    assert DependencyIndex(tree).reaching(registry.apps.values(), ["lib/core/tables.py"]) == {
        "epsilon": ["imports lib.core.tables (lib/core/tables.py changed)"]
    }


def test_a_file_of_several_apps_is_each_of_theirs() -> None:
    apps = [
        AppOutline("gpu0", "ocr-gpu0", "services", "multi.py::app_gpu0", {}),
        AppOutline("gpu1", "ocr-gpu1", "services", "multi.py::app_gpu1", {}),
        AppOutline("llm", "llm", "services", "llm.py", {}),
    ]
    owners = Owners(apps)
    assert owners.of("services/multi.py") == ["gpu0", "gpu1"]
    assert owners.of("services/llm.py") == ["llm"]
    assert owners.of("services/shared.py") == ["gpu0", "gpu1", "llm"]
