"""Deploy commands in shell text: `modal deploy TARGET` and calls of `*.sh` scripts."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each option is read one way only (`--?`, then a name that starts with a word character), so
# a line of many options is read in linear time; `-{1,2}[\w-]+` read each option two ways,
# and a line of dozens of options that ends without a target took exponential time.
DEPLOY = re.compile(
    r"(?<![\w-])modal\s+deploy\b"
    r"(?P<options>(?:\s+--?\w[\w-]*(?:[= ](?!-)[^\s;&|]+)?)*?)"
    r"\s+(?P<module>(?:-m|--module)\s+)?(?P<target>(?!-)[^\s;&|'\"`)]+)"
)
SCRIPT = re.compile(r"(?:^|[\s;&|(])(?P<script>(?:\./|bash\s+|sh\s+)[\w./-]*\.sh)\b")


@dataclass(frozen=True)
class DeployCommand:
    offset: int  # of the target in the text
    target: str  # as written
    path: str | None  # the file it names, None when templated
    module: bool


@dataclass(frozen=True)
class ScriptCall:
    offset: int
    path: str


def deploy_commands(text: str) -> list[DeployCommand]:
    if "deploy" not in text:
        return []
    found = []
    for match in DEPLOY.finditer(text):
        target = match["target"]
        templated = any(c in target for c in "${}<>*")
        module = bool(match["module"])
        file = target.split("::", 1)[0]
        if module and not templated:
            file = file.replace(".", "/") + ".py"
        found.append(
            DeployCommand(match.start("target"), target, None if templated else file, module)
        )
    return found


def script_calls(text: str) -> list[ScriptCall]:
    if ".sh" not in text:
        return []
    found = []
    for match in SCRIPT.finditer(text):
        script = match["script"].split()[-1]
        if not any(c in script for c in "${}"):
            found.append(ScriptCall(match.start("script"), script.removeprefix("./")))
    return found
