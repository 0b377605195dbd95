"""The fleet toolkit: registry, drift checker and release tooling for Modal app fleets."""
