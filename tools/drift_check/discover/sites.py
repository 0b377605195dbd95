"""An app file: its apps, its Modal functions and classes, their web entry points."""

from __future__ import annotations

import ast
from typing import NamedTuple

from tools.drift_check.discover.sources import MAX_DEPTH
from tools.drift_check.discover.syntax import dotted_name
from tools.drift_check.extract.python import (
    WEB_DECORATORS,
    walk,
)


class WebEntry(NamedTuple):
    member: str  # the method of a class, or the function itself
    decorator: str  # asgi_app, wsgi_app, fastapi_endpoint, web_endpoint or web_server
    call: ast.Call | None
    line: int
    body: range  # the lines of the method or function, decorators aside


class ModalSite(NamedTuple):
    """A class or function under `@app.cls(...)` or `@app.function(...)`."""

    app: str  # the app variable the decorator names
    kind: str  # "cls" or "function"
    target: str
    web: tuple[WebEntry, ...]


class AppDefinition(NamedTuple):
    variable: str
    call: ast.Call


def app_definitions(tree: ast.Module) -> list[AppDefinition]:
    """`app = modal.App(...)` at module level (`App` imported from modal, or `modal.Stub`)."""
    from_modal = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "modal" and not node.level
        for alias in node.names
        if alias.name in ("App", "Stub")
    }
    found = []
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        called = dotted_name(node.value.func)
        if called in ("modal.App", "modal.Stub") or called in from_modal:
            found += [
                AppDefinition(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)
            ]
    return found


def modal_sites(tree: ast.Module, variables: set[str]) -> list[ModalSite]:
    classes = {n.name: n for n in walk(tree) if isinstance(n, ast.ClassDef)}
    sites = []
    for node in walk(tree):
        if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in variables
                and func.attr in ("cls", "function")
            ):
                web = _web_entries(node, classes, 0)
                sites.append(ModalSite(func.value.id, func.attr, node.name, web))
                break
    return sites


def _web_entries(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
    classes: dict[str, ast.ClassDef],
    depth: int,
) -> tuple[WebEntry, ...]:
    """The web entry points of a function, or of a class with those it inherits from classes
    of its module (as python_facts reads them)."""
    found: list[WebEntry] = []
    if isinstance(node, ast.ClassDef) and depth < MAX_DEPTH:
        for base in node.bases:
            parent = classes.get(base.id) if isinstance(base, ast.Name) else None
            if parent is not None and parent is not node:
                found += _web_entries(parent, classes, depth + 1)
    members = node.body if isinstance(node, ast.ClassDef) else [node]
    for member in members:
        if not isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in member.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            name = dotted_name(call.func if call else decorator).rsplit(".", 1)[-1]
            if name in WEB_DECORATORS:
                found = [entry for entry in found if entry.member != member.name]
                body = range(member.lineno, (member.end_lineno or member.lineno) + 1)
                found.append(WebEntry(member.name, name, call, decorator.lineno, body))
    return tuple(found)


def included_apps(tree: ast.Module, chosen: str, variables: set[str]) -> set[str]:
    """The app variable `modal deploy` takes and those it includes (`app.include(other)`)."""
    edges: dict[str, set[str]] = {}
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "include"
            and isinstance(call.func.value, ast.Name)
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in variables
        ):
            edges.setdefault(call.func.value.id, set()).add(call.args[0].id)
    found, queue = {chosen}, [chosen]
    while queue:
        for other in edges.get(queue.pop(), set()) - found:
            found.add(other)
            queue.append(other)
    return found
