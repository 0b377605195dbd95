"""Drift checker: compares tests, scripts, docs, client maps and workflows with the registry."""
