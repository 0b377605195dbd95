"""The `modal` client is pinned to one version everywhere fleet installs it, and that version
is the one installed here: the one every Modal test ran against `fleet emulate`. Upgrading it
is a change to pyproject.toml and requirements/release.txt, re-tested."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
LOCK = (REPO / "requirements" / "release.txt").read_text()
MODAL = re.compile(r"modal\b(?P<spec>[^;\s]*)")


def modal_specs() -> dict[str, str]:
    """The `modal` requirement of every extra that installs it."""
    found = {}
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items():
        for requirement in requirements:
            match = MODAL.fullmatch(requirement.strip())
            if match:
                found[extra] = match["spec"]
    return found


def test_every_extra_pins_one_exact_modal() -> None:
    specs = modal_specs()
    assert set(specs) == {"apps", "release"}
    assert len(set(specs.values())) == 1
    [spec] = set(specs.values())
    assert re.fullmatch(r"==\d+\.\d+\.\d+", spec), spec


def test_the_installed_client_is_the_pinned_one() -> None:
    [spec] = set(modal_specs().values())
    assert version("modal") == spec.removeprefix("==")


def test_the_hash_pinned_lock_has_the_same_modal() -> None:
    [spec] = set(modal_specs().values())
    assert f"\nmodal{spec} \\\n" in LOCK
    pinned = re.findall(r"^([a-z0-9][a-z0-9._-]*)==", LOCK, re.MULTILINE)
    wanted = [
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
        for requirement in [
            *PYPROJECT["project"]["dependencies"],
            *PYPROJECT["project"]["optional-dependencies"]["release"],
        ]
    ]
    assert sorted(set(wanted) - set(pinned)) == []
    assert all(
        line.startswith("    --hash=sha256:") for line in LOCK.splitlines() if "--hash" in line
    )
