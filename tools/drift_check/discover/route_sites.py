"""The routes one module declares (FastAPI, Starlette, Flask), and the registry path of a
served one."""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from tools.core.registry.model import ENDPOINT_PATH_PATTERN
from tools.drift_check.discover.syntax import dotted_name, keyword
from tools.drift_check.extract.python import (
    ROUTE_METHODS,
    walk,
)

_ANY_METHOD_ROUTES = frozenset({"api_route", "route"})  # methods=[...], else GET
_ADDED_ROUTES = frozenset({"add_api_route", "add_route", "add_url_rule"})  # ditto
_ROUTER_PREFIXES = {"APIRouter": "prefix", "Blueprint": "url_prefix"}
_INCLUDES = {"include_router": "prefix", "register_blueprint": "url_prefix"}


class RouteSite(NamedTuple):
    owner: str  # the object it is declared on: `web_app`, `router`, `self.app`
    methods: tuple[str, ...]
    path: ast.expr
    handler: str
    line: int


class IncludeSite(NamedTuple):
    owner: str
    router: ast.expr
    prefix: ast.expr | None


class ModuleRoutes(NamedTuple):
    routes: list[RouteSite]
    prefixes: dict[str, ast.expr]  # router variable -> its prefix= expression
    includes: list[IncludeSite]


class Route(NamedTuple):
    method: str
    path: str | None  # as served, prefixes applied; None when the code does not say
    written: str  # as written, for comments
    handler: str
    file: str  # where it is declared
    line: int


def module_routes(tree: ast.Module) -> ModuleRoutes:
    routes: list[RouteSite] = []
    prefixes: dict[str, ast.expr] = {}
    includes: list[IncludeSite] = []
    for node in walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            routes += [r for d in node.decorator_list if (r := _decorated_route(d, node.name))]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attribute, owner = node.func.attr, dotted_name(node.func.value)
            if attribute in _ADDED_ROUTES and owner:
                path = keyword(node, "path", "rule", position=0)
                handler = keyword(node, "endpoint", "view_func", position=1)
                shown = dotted_name(handler) if handler is not None else ""
                if path is not None:
                    routes.append(RouteSite(owner, _methods(node), path, shown, node.lineno))
            elif attribute in _INCLUDES and owner and node.args:
                prefix = keyword(node, _INCLUDES[attribute])
                includes.append(IncludeSite(owner, node.args[0], prefix))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            kind = dotted_name(node.value.func).rsplit(".", 1)[-1]
            prefix = (
                keyword(node.value, _ROUTER_PREFIXES[kind]) if kind in _ROUTER_PREFIXES else None
            )
            for target in node.targets if prefix is not None else []:
                if dotted_name(target):
                    prefixes[dotted_name(target)] = prefix
    return ModuleRoutes(routes, prefixes, includes)


def _decorated_route(decorator: ast.expr, handler: str) -> RouteSite | None:
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    attribute, owner = decorator.func.attr, dotted_name(decorator.func.value)
    if attribute in ROUTE_METHODS:
        methods: tuple[str, ...] = (attribute.upper(),)  # `websocket`: WEBSOCKET
    elif attribute in _ANY_METHOD_ROUTES:
        methods = _methods(decorator)
    else:
        return None
    path = keyword(decorator, "path", "rule", position=0)
    if not owner or path is None:
        return None
    return RouteSite(owner, methods, path, handler, decorator.lineno)


def _methods(call: ast.Call) -> tuple[str, ...]:
    """`methods=["GET", "POST"]` as written; GET, as FastAPI and Flask default to."""
    given = keyword(call, "methods")
    if isinstance(given, ast.List | ast.Tuple | ast.Set):
        found = [
            e.value.upper()
            for e in given.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        if found:
            return tuple(dict.fromkeys(found))
    return ("GET",)


def registry_path(served: str) -> tuple[str | None, bool]:
    """The registry's form of a served path (`{name}` for `{name:path}` or Flask's
    `<int:name>`), or None when it has none; and whether a trailing `/` was dropped."""
    if served in ("", "/"):
        return "/", False
    if not served.startswith("/"):
        return None, False
    segments = served.split("/")[1:]
    trailing = len(segments) > 1 and segments[-1] == ""
    if trailing:
        segments.pop()
    converted = [_parameter(segment) for segment in segments]
    path = "/" + "/".join(converted)
    # The registry's own pattern, linear: each segment starts with `/` and holds none.
    return (path if re.fullmatch(ENDPOINT_PATH_PATTERN, path) else None), trailing


def _parameter(segment: str) -> str:
    """A path segment, with a parameter written `{name}` (FastAPI's `{name:path}`, Flask's
    `<int:name>`)."""
    if segment.startswith("{") and segment.endswith("}"):
        return "{" + segment[1:-1].split(":", 1)[0] + "}"
    if segment.startswith("<") and segment.endswith(">"):
        return "{" + segment[1:-1].rsplit(":", 1)[-1] + "}"
    return segment
