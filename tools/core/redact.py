"""Secrets never reach a log: every line a subprocess prints passes through here first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SECRET_VARIABLES = ("MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET", "MODAL_KEY", "MODAL_SECRET")
MASK = "***"


class Redactor:
    def __init__(self, environ: Mapping[str, str], names: Iterable[str] = SECRET_VARIABLES) -> None:
        """Mask the values that `environ` holds under `names`."""
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted(
            {environ[n] for n in names if len(environ.get(n, "")) >= 4}, key=len, reverse=True
        )

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text
