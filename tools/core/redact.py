"""Secrets never reach a log, a terminal or a file: what fleet prints or writes passes here.

A secret is the value of a variable fleet knows (Modal's token and proxy-auth keys) or of
one whose name says it holds a secret (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*API_KEY*`,
...). The CLI installs one `Redactor` for the run (`use`); its streams and every file fleet
writes for the user mask through it (`mask`), and local servers start without those
variables (`scrub`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TextIO
from urllib.parse import quote

SECRET_VARIABLES = ("MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET", "MODAL_KEY", "MODAL_SECRET")
# Other variables are secret by name; their values are masked from this length up, so that
# a short flag (`GIT_TOKEN_REQUIRED=true`) does not mask a word everywhere.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW(?:OR)?D|API_?KEY|PRIVATE_?KEY|CREDENTIAL")
MIN_KNOWN = 4
MIN_NAMED = 8
MASK = "***"


def is_secret_name(name: str) -> bool:
    return name in SECRET_VARIABLES or SECRET_NAME.search(name.upper()) is not None


def secret_values(environ: Mapping[str, str]) -> set[str]:
    values = set()
    for name, value in environ.items():
        least = MIN_KNOWN if name in SECRET_VARIABLES else MIN_NAMED
        if len(value) >= least and is_secret_name(name):
            values.add(value)
    return values


def scrub(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without the variables that hold secrets: what a local server starts with."""
    return {name: value for name, value in environ.items() if not is_secret_name(name)}


class Redactor:
    def __init__(self, environ: Mapping[str, str], names: Iterable[str] | None = None) -> None:
        """Mask the secrets `environ` holds (only those under `names`, when given)."""
        if names is not None:
            wanted = set(names)
            environ = {n: v for n, v in environ.items() if n in wanted}
        self._secrets = _forms(secret_values(environ))

    def without(self, values: Iterable[str]) -> Redactor:
        """This redactor, less `values` (what a command was asked to print)."""
        kept = Redactor({})
        dropped = _forms(set(values))
        kept._secrets = [s for s in self._secrets if s not in dropped]
        return kept

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text


def _forms(values: set[str]) -> list[str]:
    """Each secret as written plainly, inside a JSON string and in a URL; longest first, so a
    secret that contains another is masked whole."""
    forms = set()
    for value in values:
        forms |= {value, json.dumps(value)[1:-1], quote(value, safe="")}
    return sorted(forms, key=len, reverse=True)


_ACTIVE = [Redactor({})]  # the run's redactor; none until the CLI sets one


def use(redactor: Redactor) -> None:
    """The redactor of this run: the CLI sets it from its environment."""
    _ACTIVE[0] = redactor


def active() -> Redactor:
    return _ACTIVE[0]


def mask(text: str) -> str:
    return _ACTIVE[0](text)


class MaskedStream:
    """A text stream that masks what passes through it, a line at a time (so that a secret
    written in two pieces is still whole when it is masked); everything else is the
    wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream
        self._pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        data = self._pending + text
        cut = data.rfind("\n") + 1
        if len(data) - cut > 64 * 1024:  # a line without end: pass it on unbuffered
            cut = len(data)
        self._pending = data[cut:]
        if cut:
            self.wrapped.write(mask(data[:cut]))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            self.wrapped.write(mask(self._pending))
            self._pending = ""
        self.wrapped.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.wrapped, name)
