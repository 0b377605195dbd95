"""Release tooling: change detection, deploy targets, smoke tests, rollback and live status."""
