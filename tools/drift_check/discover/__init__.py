"""A starting registry drafted from a repository's Modal app files: what `fleet init` writes.

An app file is a Python file that defines `modal.App(...)` (`App` imported from modal, or
`modal.Stub`). Each is read with `ast`, never imported: the app's name; its Modal functions and
classes with their `gpu=` and `timeout=` (module constants, arithmetic, and constants of the
repository modules it imports); its web entry points, each a web function at a URL of its own,
and, for an ASGI or WSGI app, the routes it serves, followed into the repository modules it
imports with router prefixes applied; and the secrets and volumes it names. Client timeout
maps keyed by the endpoints or apps found give client timeouts. A value the code does not say
is guessed, and says why (`Noted`): a person reviews each guess before the registry is trusted.
"""
