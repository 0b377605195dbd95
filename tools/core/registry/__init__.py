"""The fleet registry: model, loader and schema of `registry/fleet.yaml`."""
