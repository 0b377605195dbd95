"""Every fact of `tools.drift_check.modal_api` against the modal this project installs."""

from __future__ import annotations

import importlib.metadata
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import modal
import pytest

from tools.drift_check import modal_api

CALLS: dict[str, Callable[..., Any]] = {
    "App": modal.App.__init__,
    "App.function": modal.App.function,
    "App.cls": modal.App.cls,
    "method": modal.method,
    "fastapi_endpoint": modal.fastapi_endpoint,
    "asgi_app": modal.asgi_app,
    "wsgi_app": modal.wsgi_app,
    "web_server": modal.web_server,
    "Secret.from_name": modal.Secret.from_name,
    "Volume.from_name": modal.Volume.from_name,
}


def test_the_version_is_the_installed_one() -> None:
    major, minor = importlib.metadata.version("modal").split(".")[:2]
    assert (int(major), int(minor)) == modal_api.VERSION


def test_the_arguments_are_exactly_each_call_s_keywords() -> None:
    assert set(CALLS) == set(modal_api.ARGUMENTS)
    for name, call in CALLS.items():
        parameters = inspect.signature(call).parameters.values()
        assert not any(p.kind is p.VAR_KEYWORD for p in parameters), name  # none takes **kw
        taken = {p.name for p in parameters if p.name != "self" and p.kind is not p.VAR_POSITIONAL}
        assert modal_api.ARGUMENTS[name] == taken, name


def test_a_replaced_argument_is_taken_by_no_call_and_its_replacement_is() -> None:
    taken = set().union(*modal_api.ARGUMENTS.values())
    assert not taken & set(modal_api.REPLACED_ARGUMENTS)
    for replacement in modal_api.REPLACED_ARGUMENTS.values():
        if replacement.endswith("="):
            assert replacement.removesuffix("=") in modal_api.ARGUMENTS["App.function"]


def _resolve(dotted: str) -> object:
    found: object = modal
    for part in dotted.split("."):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("name", sorted(modal_api.REMOVED))
def test_a_removed_name_fails(name: str) -> None:
    if name == "web_endpoint":  # still importable; using it raises
        app = modal.App("removed")
        with pytest.raises(modal.exception.DeprecationError), warnings.catch_warnings():
            # fleet: ignore[FL016] (the removed decorator is what this test uses)
            app.function()(modal.web_endpoint()(lambda: None))
        return
    with pytest.raises(AttributeError):
        _resolve(name)


@pytest.mark.parametrize("name", sorted(modal_api.REMOVED))
def test_what_replaced_a_removed_name_exists(name: str) -> None:
    replacement = modal_api.REMOVED[name].split(" or ")[0].split(",")[0].split("(")[0]
    replacement = replacement.removeprefix("@").removeprefix("modal.").split(":")[0]
    if replacement.startswith("a string"):
        return  # `gpu="A100"`: a value, not a name
    assert _resolve(replacement) is not None
