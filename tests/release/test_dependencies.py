"""The dependency index: every file parsed at most once, and only when it could reach another."""

from __future__ import annotations

from collections import Counter

import pytest

from tools.core.registry.load import parse_registry
from tools.release import dependencies
from tools.release.dependencies import DependencyIndex

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
    parsed: list[str] = []
    real = dependencies._references

    def counting(path: str, text: str, files: frozenset[str]) -> object:
        parsed.append(path)
        return real(path, text, files)

    monkeypatch.setattr(dependencies, "_references", counting)
    index = DependencyIndex(tree)
    found = {key: deps.imports for key, deps in index.of_apps(registry.apps.values()).items()}
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
