"""One module per `fleet` command."""
