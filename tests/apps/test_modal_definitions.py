"""Every app.py imports offline and declares what the registry says, statically and at runtime."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import modal
import pytest

from apps._shared.local import package_of
from tests.apps.conftest import APPS, app_id
from tests.conftest import REPO
from tools.core.registry.model import App


def _literal_keywords(call: ast.Call) -> dict[str, object]:
    return {
        k.arg: k.value.value
        for k in call.keywords
        if k.arg is not None and isinstance(k.value, ast.Constant)
    }


def _decorator(node: ast.ClassDef | ast.FunctionDef, dotted: str) -> ast.Call | None:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == dotted:
            return decorator
    return None


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_app_module_imports_offline_with_the_registry_name(app: App) -> None:
    module = importlib.import_module(f"{package_of(app.dir)}.app")
    assert isinstance(module.app, modal.App)
    assert module.app.name == app.name
    assert isinstance(getattr(module, app.web.cls or ""), modal.Cls)


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_app_source_declares_the_registry_class_gpu_timeout_and_web_method(app: App) -> None:
    tree = ast.parse(Path(REPO, app.entry_path).read_text())
    app_call = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "app"
    )
    assert ast.unparse(app_call) == f"modal.App({app.name!r})"

    cls = _class(tree, app.web.cls or "")
    decorator = _decorator(cls, "app.cls")
    assert decorator is not None
    keywords = _literal_keywords(decorator)
    assert (keywords["gpu"], keywords["timeout"]) == (app.gpu, app.timeout_s)

    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert _decorator(methods[app.web.method or ""], "modal.asgi_app") is not None
    assert _decorator(methods["load"], "modal.enter") is not None


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_http_layer_does_not_import_modal(app: App) -> None:
    for module in ("service", "pipelines"):
        tree = ast.parse(Path(REPO, app.dir, f"{module}.py").read_text())
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert "modal" not in imported, f"{app.dir}/{module}.py imports modal"
