"""Where a Python module uses the Modal SDK in a way modal 1.6 does not take: a name it no longer
has (`modal.Stub`, `modal.Function.lookup`, `Image.copy_local_dir` in a builder chain) or a
keyword argument a call no longer takes (`@app.function(keep_warm=1)`)."""

from __future__ import annotations

import ast
from typing import NamedTuple

from tools.drift_check import modal_api
from tools.drift_check.extract.base import Located

_MAX_CHAIN = 64


class SdkUse(NamedTuple):
    name: str  # as under `modal`: "Stub", "Function.lookup", "Image.copy_local_dir", "App.cls"
    argument: str  # the keyword it is given that it does not take, or "" for a removed name
    at: Located
    # The word at `at` is the use itself (an attribute, a keyword): renaming it renames the use.
    # Not so for a name imported from modal: the code below uses it by that name.
    renamable: bool = True


class SdkUses:
    """Collects the uses of one module, node by node, as its walk meets them."""

    def __init__(self) -> None:
        self.found: list[SdkUse] = []
        # `import modal`, `import modal as m`: the names that stand for the module.
        self.modules: set[str] = set()
        # `from modal import Image as I`: local name -> the name under `modal`.
        self.names: dict[str, str] = {}
        # `image = modal.Image.debian_slim()...`: names that hold an Image.
        self.images: set[str] = set()

    def visit(self, node: ast.AST) -> None:
        """One node of the module's walk, parents first and in source order: an import or an
        assignment is met before the code below it that uses what it binds."""
        if isinstance(node, ast.Attribute):
            self._attribute(node)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Import | ast.ImportFrom | ast.Assign):
            self._statement(node)

    def _statement(self, node: ast.Import | ast.ImportFrom | ast.Assign) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "modal":
                    self.modules.add(alias.asname or "modal")
        elif isinstance(node, ast.ImportFrom):
            if node.module == "modal" and not node.level:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = alias.name
                    self._removed(alias.name, alias, renamable=False)
        elif (
            len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and self._under_modal(node.value)[:1] == ["Image"]
        ):
            self.images.add(node.targets[0].id)

    def _attribute(self, node: ast.Attribute) -> None:
        """`modal.Stub`, `modal.Function.lookup`, `.copy_local_dir` of an Image."""
        parts = self._under_modal(node)
        if not parts:
            return
        # each call of a builder chain returns an Image
        image = parts[0] == "Image" and len(parts) > 1
        self._removed(f"Image.{parts[-1]}" if image else ".".join(parts), node)

    def _call(self, node: ast.Call) -> None:
        """`modal.Secret.from_name("x", required=False)`, `@modal.method(keep_warm=1)`."""
        name = ".".join(self._under_modal(node.func))
        if name in modal_api.ARGUMENTS:
            self.arguments(name, node)

    def arguments(self, name: str, node: ast.Call) -> None:
        """The keywords written in a call of `name` (`App.function` for `@app.function(...)`)
        that modal 1.6 does not take."""
        taken = modal_api.ARGUMENTS[name]
        for keyword in node.keywords:
            if keyword.arg is not None and keyword.arg not in taken:
                at = Located(keyword.lineno, keyword.col_offset + 1)
                self.found.append(SdkUse(name, keyword.arg, at))

    def _removed(
        self, name: str, node: ast.Attribute | ast.alias, *, renamable: bool = True
    ) -> None:
        if name not in modal_api.REMOVED:
            return
        if isinstance(node, ast.Attribute) and node.end_lineno and node.end_col_offset:
            # the attribute's own name: its line in a chain written over several lines
            at = Located(node.end_lineno, node.end_col_offset - len(node.attr) + 1)
        else:
            at = Located(node.lineno, node.col_offset + 1)
        self.found.append(SdkUse(name, "", at, renamable))

    def _under_modal(self, node: ast.expr) -> list[str]:
        """The attributes named after `modal` in `modal.Image.debian_slim().pip_install`
        (["Image", "debian_slim", "pip_install"]), through the calls between them; [] when the
        chain does not start at the module or at a name imported from it."""
        parts: list[str] = []
        for _ in range(_MAX_CHAIN):
            if isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            else:
                break
        if not isinstance(node, ast.Name):
            return []
        parts.reverse()
        if node.id in self.modules:
            return parts
        if node.id in self.names:
            return [self.names[node.id], *parts]
        if node.id in self.images and parts:
            return ["Image", *parts]
        return []
