"""An emulator of Modal's control-plane API for the real `modal` CLI, offline, on 127.0.0.1."""
