"""The Modal SDK that code is checked against: what modal 1.6 takes in the calls fleet reads,
and the names it no longer has, each with what replaced it.

tests/test_modal_api.py checks every fact here against the installed modal: an upgrade that
changes one fails that test, not a check of somebody's repository.
"""

from __future__ import annotations

VERSION = (1, 6)

_AUTOSCALING = ("min_containers", "max_containers", "buffer_containers", "scaledown_window")
_CONTAINER = (
    "image",
    "secrets",
    "gpu",
    "serialized",
    "network_file_systems",
    "volumes",
    "cpu",
    "memory",
    "ephemeral_disk",
    *_AUTOSCALING,
    "proxy",
    "retries",
    "timeout",
    "startup_timeout",
    "cloud",
    "region",
    "routing_region",
    "nonpreemptible",
    "enable_memory_snapshot",
    "block_network",
    "restrict_modal_access",
    "single_use_containers",
    "i6pn",
    "include_source",
    "experimental_options",
    "_experimental_restrict_output",
    "max_inputs",
)
_WEB = ("label", "custom_domains", "requires_proxy_auth")

# The keyword arguments each call takes, by the call as code names it under `modal`
# (`App.function` is `@app.function(...)`).
ARGUMENTS: dict[str, frozenset[str]] = {
    "App": frozenset({"name", "tags", "image", "secrets", "volumes", "include_source"}),
    "App.function": frozenset({*_CONTAINER, "schedule", "env", "name", "is_generator"}),
    "App.cls": frozenset({*_CONTAINER, "env"}),
    "method": frozenset({"is_generator"}),
    "fastapi_endpoint": frozenset({*_WEB, "method", "docs"}),
    "asgi_app": frozenset(_WEB),
    "wsgi_app": frozenset(_WEB),
    "web_server": frozenset({*_WEB, "port", "startup_timeout"}),
    "Secret.from_name": frozenset({"name", "environment_name", "required_keys", "client"}),
    "Volume.from_name": frozenset(
        {"name", "environment_name", "create_if_missing", "version", "create_options", "client"}
    ),
}

# What replaced a keyword argument those calls no longer take; any other is simply unknown.
REPLACED_ARGUMENTS: dict[str, str] = {
    "keep_warm": "min_containers=",
    "container_idle_timeout": "scaledown_window=",
    "concurrency_limit": "max_containers=",
    "allow_concurrent_inputs": "the @modal.concurrent(max_inputs=...) decorator",
    "mounts": "Image.add_local_dir, add_local_file or add_local_python_source",
    "shared_volumes": "network_file_systems=",
    "checkpointing_enabled": "enable_memory_snapshot=",
    # `Secret.from_name(name, required=False)`: every secret named must exist
    "required": "a list of secrets= without the one that may not exist",
}

# Names under `modal` that modal 1.6 no longer has (or refuses to use), and what replaced each.
REMOVED: dict[str, str] = {
    "Stub": "modal.App",
    "Mount": "Image.add_local_dir, add_local_file or add_local_python_source",
    "SharedVolume": "modal.NetworkFileSystem",
    "gpu": 'a string: gpu="A100-80GB:2"',
    "web_endpoint": "@modal.fastapi_endpoint",
    "build": "@modal.enter or Image.run_function",
    **{
        f"{kind}.lookup": f"modal.{kind}.from_name"
        for kind in ("Function", "Cls", "Dict", "Queue", "Volume", "Secret", "NetworkFileSystem")
    },
    "Volume.persisted": "modal.Volume.from_name(..., create_if_missing=True)",
    "NetworkFileSystem.persisted": "modal.NetworkFileSystem.from_name(..., create_if_missing=True)",
    "Dict.new": "modal.Dict.from_name(..., create_if_missing=True)",
    "Queue.new": "modal.Queue.from_name(..., create_if_missing=True)",
    "Volume.new": "modal.Volume.from_name(..., create_if_missing=True)",
    "Image.copy_local_dir": "Image.add_local_dir(..., copy=True)",
    "Image.copy_local_file": "Image.add_local_file(..., copy=True)",
    "Image.copy_mount": "Image.add_local_dir or add_local_python_source",
    "Image.from_dockerhub": "Image.from_registry",
    "Image.conda": "Image.micromamba",
}

# The removed names and arguments that are the same thing under a new name (modal's 1.0
# migration guide: "a simple name change"), as written where they stand: `--fix` renames them.
RENAMED: dict[str, str] = {
    "keep_warm": "min_containers",
    "container_idle_timeout": "scaledown_window",
    "concurrency_limit": "max_containers",
    "Stub": "App",
    "web_endpoint": "fastapi_endpoint",
    "Function.lookup": "from_name",
    "Cls.lookup": "from_name",
}

# Words a file holds before it can use one of the names above (the pre-filter's strings).
WORDS: tuple[str, ...] = (
    *REPLACED_ARGUMENTS,
    "Stub",
    "Mount",
    "SharedVolume",
    "modal.gpu",
    "gpu import",
    "web_endpoint",
    "modal.build",
    "import build",
    ".lookup(",
    ".persisted(",
    ".new(",
    "copy_local_",
    "copy_mount",
    "from_dockerhub",
    ".conda(",
)
