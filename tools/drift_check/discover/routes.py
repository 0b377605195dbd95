"""The routes an app serves, followed from its app file into the modules it imports."""

from __future__ import annotations

import ast

from tools.drift_check.discover.route_sites import Route
from tools.drift_check.discover.sources import MAX_DEPTH, Module, Sources
from tools.drift_check.discover.syntax import dotted_name, excerpt


class Routes:
    """The routes one ASGI or WSGI app serves: its file's and those of the modules it imports,
    with the prefixes of routers and blueprints and of where they are included."""

    def __init__(self, sources: Sources, module: Module) -> None:
        self.sources = sources
        self.modules = {m.path: m for m in sources.followed(module)}
        self.found = {path: sources.routes(m) for path, m in self.modules.items()}
        self.parents: dict[tuple[str, str], tuple[tuple[str, str], ast.expr | None, Module]] = {}
        for path, routes in self.found.items():
            for include in routes.includes:
                router = self._identity(self.modules[path], include.router)
                if router is not None:
                    self.parents.setdefault(
                        router, ((path, include.owner), include.prefix, self.modules[path])
                    )

    def routes(self) -> list[Route]:
        found = []
        for path, routes in self.found.items():
            module = self.modules[path]
            for site in routes.routes:
                mounted = self._mounted((path, site.owner), 0)
                served = self.sources.resolve(module, site.path)
                written = excerpt(site.path, module.text)
                full = mounted + served if mounted is not None and isinstance(served, str) else None
                found += [
                    Route(method, full, written, site.handler, path, site.line)
                    for method in site.methods
                ]
        return found

    def _identity(self, module: Module, node: ast.expr) -> tuple[str, str] | None:
        """The module and the variable an included router is: local, imported by name, or an
        attribute of an imported module."""
        dotted = dotted_name(node)
        if not dotted:
            return None
        if dotted in module.names:
            return module.names[dotted]
        head, _, attribute = dotted.rpartition(".")
        if head in module.modules:
            return module.modules[head], attribute
        return module.path, dotted

    def _mounted(self, router: tuple[str, str], depth: int) -> str | None:
        """Where a router's routes start: where it is included, its own prefix."""
        if depth > MAX_DEPTH:
            return None
        path, owner = router
        routes = self.found.get(path)
        own_node = routes.prefixes.get(owner) if routes is not None else None
        own = self.sources.resolve(self.modules[path], own_node) if own_node is not None else ""
        if not isinstance(own, str):
            return None
        if router not in self.parents:
            return own
        parent, prefix_node, module = self.parents[router]
        above = self._mounted(parent, depth + 1)
        prefix = self.sources.resolve(module, prefix_node) if prefix_node is not None else ""
        if above is None or not isinstance(prefix, str):
            return None
        return above + prefix + own
