"""The `fleet` command line: the top layer, the only one that reads the environment or prints."""
