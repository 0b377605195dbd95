"""The release tag grammar, checked before anything deploys.

    <app>/v<semver>              releases one app        flux/v1.4.0, qwen-image/v2.0.0-rc.1
    v<semver>                    releases the fleet      v1.4.0
    release-<YYYY.MM.DD>[.N]     releases the fleet      release-2026.11.27, release-2026.11.27.2

A fleet release deploys every app changed since the previous fleet tag. Tag text reaches a
shell or a URL only after it matched this grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.core.errors import FleetError
from tools.core.registry.model import Registry

SEMVER = r"v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
APP_TAG = re.compile(rf"^(?P<app>[a-z0-9][a-z0-9_-]{{0,62}})/(?P<version>{SEMVER})$")
FLEET_TAG = re.compile(
    rf"^(?:{SEMVER}|release-\d{{4}}\.(?:0[1-9]|1[0-2])\.(?:0[1-9]|[12]\d|3[01])(?:\.[1-9]\d*)?)$"
)
GRAMMAR = "<app>/v<semver> (e.g. flux/v1.4.0), v<semver>, or release-<YYYY.MM.DD>[.N]"


@dataclass(frozen=True)
class ReleaseTag:
    text: str
    app: str | None  # the app's registry key for an app release; None for the fleet


def tag_name(text: str) -> str:
    """The tag's name (without `refs/tags/`) once it matches the grammar; else a FleetError."""
    text = text.removeprefix("refs/tags/")
    if APP_TAG.fullmatch(text) or FLEET_TAG.fullmatch(text):
        return text
    raise FleetError(f"tag {text!r} is not a release tag; the grammar is {GRAMMAR}")


def parse_tag(text: str, registry: Registry) -> ReleaseTag:
    """The tag and what it releases, by the registry at the tagged commit."""
    text = tag_name(text)
    match = APP_TAG.fullmatch(text)
    if match is None:
        return ReleaseTag(text, None)
    app = registry.find_app(match["app"]) or registry.find_app(f"apps/{match['app']}")
    if app is None:
        raise FleetError(f"tag {text!r}: no app {match['app']!r} in the registry")
    return ReleaseTag(text, app.key)
