"""The fleet's Modal apps: one folder per app, `_shared/` for what they share."""
