"""Changes since what a target runs: every app that is not Synced and Healthy there.

An app whose last deploy failed, that was never deployed, or whose live commit this history
lacks is selected again, with the status's reasons. An app rolled back from a commit that
nothing since has changed it from is held back: deploying it would deploy what failed.
"""

from __future__ import annotations

from tools.core.repository import Repository, Revision
from tools.release.changed import AppChange, ChangePlan
from tools.release.status import fleet_status
from tools.release.targets.base import Target


def plan_since_deployed(repo: Repository, desired: Revision, target: Target) -> ChangePlan:
    status = fleet_status(repo, desired, target)
    registry = desired.registry
    apps = tuple(
        AppChange(app.key, app.name, app.dir, entry.detail)
        for app, entry in zip(registry.apps.values(), status.apps, strict=True)
        if not entry.ok and entry.held_at is None and not app.legacy
    )
    held = tuple(
        AppChange(app.key, app.name, app.dir, entry.detail)
        for app, entry in zip(registry.apps.values(), status.apps, strict=True)
        if entry.held_at is not None
    )
    return ChangePlan(
        base="deployed",
        head=desired.commit,
        apps=apps,
        removed=status.removed,
        all=len(apps) == sum(not app.legacy for app in registry.apps.values()),
        desired=desired,
        held=held,
    )
