"""The registry's data model: the fleet's desired state, and every fact derived from it.

Pydantic validates the shape of `registry/fleet.yaml`; `semantic_problems` checks what spans
several fields (paths used twice, server timeouts below client timeouts, label lengths).
URLs, hosts and timeout units are derived here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)

from tools.core.errors import FleetError
from tools.core.paths import ROOT, is_folder, is_inside, joined
from tools.core.registry import modal_names

Loc = tuple[str | int, ...]

EndpointKind = Literal[
    "text-to-image",
    "image-edit",
    "face-reference",
    "video",
    "upscale",
    "faceswap",
    "llm",
    "audio",
    "ocr",
    "embedding",
    "other",
]
# WEBSOCKET: a route that upgrades to a WebSocket (`@app.websocket`); no JSON request reaches it.
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "WEBSOCKET"]
MediaKind = Literal["image", "mask", "video"]
OutputKind = Literal["image", "video"]

# `/`, or segments of lower-case names and `{parameters}`: /flux, /v1/chat/completions,
# /result/{call_id}. Linear: each segment starts with `/` and holds no `/`.
ENDPOINT_PATH_PATTERN = r"^(?:/|(?:/(?:[a-z0-9][a-z0-9._-]*|\{[A-Za-z_][A-Za-z0-9_]*\}))+)$"
_ENDPOINT_PATH = re.compile(ENDPOINT_PATH_PATTERN)


def _modal_timeout(seconds: int) -> int:
    if not modal_names.MIN_TIMEOUT_S <= seconds <= modal_names.MAX_TIMEOUT_S:
        raise ValueError(
            f"{seconds} s is outside Modal's timeout range "
            f"{modal_names.MIN_TIMEOUT_S}..{modal_names.MAX_TIMEOUT_S} s"
        )
    return seconds


def _app_name(name: str) -> str:
    if not name.strip("."):
        raise ValueError(f"{name!r} is not a usable app name (it would name a folder above)")
    if not modal_names.is_valid_app_name(name):
        raise ValueError(
            f"{name!r} is not a valid Modal app name (letters, digits, '-', '_', '.'; "
            f"at most {modal_names.MAX_OBJECT_NAME_LENGTH} characters)"
        )
    return name


def _endpoint_path(path: str) -> str:
    if not _ENDPOINT_PATH.match(path):
        raise ValueError(
            "an endpoint path is '/', or segments of lower-case letters, digits, '.', '_', '-' "
            "or {parameters} (/v1/chat/completions, /result/{call_id})"
        )
    return path


def _app_dir(path: str) -> str:
    if not is_folder(path):
        raise ValueError(
            f"{path!r} must be a relative POSIX path inside the repository, or `.` (its root)"
        )
    return path


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # fullmatch: a Python name


def _entry(target: str) -> str:
    path, variable = modal_names.split_target(target)
    if not is_inside(path) or not path.endswith(".py"):
        raise ValueError(f"{path!r} must be a Python file inside the app's folder")
    if variable is not None and not _VARIABLE.fullmatch(variable):
        raise ValueError(f"{variable!r} after `::` must be the Python name of the file's App")
    return target


def _environment_name(name: str) -> str:
    if not modal_names.is_valid_environment_name(name):
        raise ValueError(f"{name!r} is not a valid Modal environment name")
    return name


def _workspace(name: str) -> str:
    if not modal_names.is_valid_workspace(name):
        raise ValueError(
            f"{name!r} is not a valid workspace name (lower-case letters, digits, '-')"
        )
    return name


def _gpu(spec: str) -> str:
    problem = modal_names.gpu_problem(spec)
    if problem is not None and problem.endswith("is not one Modal offers"):
        problem += f" ({', '.join(modal_names.GPU_MAX_COUNT)})"
    if problem is not None:
        raise ValueError(problem)
    return spec


def _gpus(value: object) -> str | list[str]:
    specs = [value] if isinstance(value, str) else value
    if not isinstance(specs, list) or not specs or not all(isinstance(s, str) for s in specs):
        raise ValueError(
            "give a GPU type (H100), TYPE:COUNT (A100-80GB:2), or a list of them to fall "
            f"back through (got {value!r})"
        )
    for spec in specs:
        _gpu(spec)
    return value  # type: ignore[return-value]


GpuSpec = Annotated[
    str,
    Field(json_schema_extra={"examples": ["H100", "A100-80GB:2"]}),
    AfterValidator(_gpu),
]
Gpus = Annotated[
    str | list[str],
    PlainValidator(_gpus),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "examples": ["H100", "A100-80GB:2"]},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        }
    ),
]
ModalObjectName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-zA-Z0-9._-]+$", max_length=modal_names.MAX_OBJECT_NAME_LENGTH),
]
EndpointPath = Annotated[
    str,
    Field(json_schema_extra={"pattern": ENDPOINT_PATH_PATTERN}),
    AfterValidator(_endpoint_path),
]
TimeoutSeconds = Annotated[
    int,
    Field(
        json_schema_extra={
            "minimum": modal_names.MIN_TIMEOUT_S,
            "maximum": modal_names.MAX_TIMEOUT_S,
        }
    ),
    AfterValidator(_modal_timeout),
]
AppName = Annotated[
    str,
    Field(
        json_schema_extra={
            "pattern": r"^[a-zA-Z0-9._-]+$",
            "maxLength": modal_names.MAX_OBJECT_NAME_LENGTH,
        }
    ),
    AfterValidator(_app_name),
]
RepoPath = Annotated[str, AfterValidator(_app_dir)]
EnvironmentName = Annotated[str, AfterValidator(_environment_name)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
AppKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_by_alias=True, defer_build=True)


class Environment(_Model):
    """A Modal environment; its web suffix is part of every URL served in it."""

    web_suffix: Annotated[str, StringConstraints(pattern=r"^([a-z0-9][a-z0-9-]*)?$")] = Field(
        default="", description="Suffix after the workspace in URLs; empty for the default."
    )
    description: str = ""


class Policy(_Model):
    timeout_margin_s: Annotated[int, Field(ge=0)] = Field(
        default=0,
        description="Seconds a server timeout must keep above its app's largest client timeout.",
    )
    web_request_limit_s: Annotated[int, Field(ge=1)] = Field(
        default=modal_names.WEB_REQUEST_LIMIT_S,
        description="Modal's per-request web limit; longer calls are answered with 303.",
    )
    gpus: list[GpuSpec] | None = Field(
        default=None,
        description="The GPU types apps may ask for (counts aside); any Modal offers when unset.",
    )
    max_timeout_s: TimeoutSeconds | None = Field(
        default=None, description="The longest server timeout an app may set."
    )
    deployers: list[str] = Field(
        default=[],
        description="Who may deploy (Modal's deployed_by, e.g. the CI identity); a live "
        "version deployed by anyone else is drift. Anyone, when empty.",
    )


class Fixture(_Model):
    """Generated media for a smoke request field; its size defaults to the request's."""

    kind: MediaKind
    width: Annotated[int, Field(gt=0, multiple_of=8)] | None = None
    height: Annotated[int, Field(gt=0, multiple_of=8)] | None = None


class Smoke(_Model):
    """A minimal request that proves an endpoint works, and what it must answer."""

    request: dict[str, JsonValue] = Field(
        description="JSON body; width and height give the expected output size."
    )
    fixtures: dict[Identifier, MediaKind | Fixture] = Field(
        default_factory=dict,
        description="Request fields filled with generated media (base64) at send time.",
    )
    expect: OutputKind

    def fixture(self, field: str) -> Fixture:
        """The fixture for `field`, its size resolved against the request's width and height."""
        spec = self.fixtures[field]
        fixture = Fixture(kind=spec) if isinstance(spec, str) else spec
        return fixture.model_copy(
            update={
                "width": fixture.width or self.request["width"],
                "height": fixture.height or self.request["height"],
            }
        )


class Endpoint(_Model):
    kind: EndpointKind
    method: HttpMethod = "POST"
    client_timeout_s: TimeoutSeconds
    idempotent: bool = Field(default=False, description="Retried once on 408 when true.")
    auxiliary: bool = Field(
        default=False,
        description="A route beside the product endpoints (health, listings): clients do not "
        "key maps by it, so several apps may serve its path.",
    )
    description: str = ""
    smoke: Smoke | None = Field(
        default=None, description="The smoke test; none yet: smoke reports it untested."
    )

    @model_validator(mode="after")
    def _websocket_untested(self) -> Endpoint:
        if self.method == "WEBSOCKET" and self.smoke is not None:
            raise ValueError(
                "a WEBSOCKET endpoint takes no smoke request (a smoke test sends JSON over "
                "HTTP): leave `smoke` out, and `fleet smoke` reports it untested"
            )
        return self

    @property
    def keyed(self) -> bool:
        """Whether clients can name it by its path alone: one app serves it (validated)."""
        return not self.auxiliary and "{" not in self._path and self._path != "/"

    _path: str = PrivateAttr(default="")
    _web: WebFunction | None = PrivateAttr(default=None)

    @property
    def path(self) -> str:
        return self._path

    @property
    def web(self) -> WebFunction:
        """The web function that serves it (its URL label, timeout and GPU)."""
        assert self._web is not None
        return self._web

    @property
    def client_timeout_ms(self) -> int:
        return self.client_timeout_s * 1000


class WebFunction(_Model):
    """A web function of an app: its label forms the URL of the endpoints it serves."""

    cls: Identifier | None = Field(default=None, alias="class")
    method: Identifier | None = None
    function: Identifier | None = None
    label: str | None = Field(
        default=None, description="A custom label=; replaces the derived one, unnormalised."
    )
    requires_proxy_auth: bool = Field(
        default=False,
        description="Modal's proxy auth: requests need the Modal-Key and Modal-Secret headers.",
    )
    gpu: Gpus | None = Field(
        default=None,
        description="Its gpu=, when the app has several web functions (else the app's gpu).",
    )
    timeout_s: TimeoutSeconds | None = Field(
        default=None,
        description="Its timeout, when the app has several web functions (else the app's).",
    )
    endpoints: dict[EndpointPath, Endpoint] = Field(
        default_factory=dict,
        description="What it serves, when the app has several web functions (else the app's).",
    )
    settings: list[Identifier] = Field(
        default=[],
        description="The settings (environment variables) clients read its URL from: a path "
        "joined to one (`${MODAL_BASE_URL}/generate`) must be one of its endpoints.",
    )

    @model_validator(mode="after")
    def _class_method_or_function(self) -> WebFunction:
        by_method = self.cls is not None and self.method is not None and self.function is None
        by_function = self.function is not None and self.cls is None and self.method is None
        if not (by_method or by_function):
            raise ValueError("give either 'class' and 'method', or 'function'")
        return self

    _label: str = PrivateAttr(default="")

    @property
    def url_label(self) -> str:
        """The label in its URL: `label`, or the one Modal derives from the names."""
        return self._label

    @property
    def gpus(self) -> list[str]:
        """Its GPU specifications, in the order Modal tries them."""
        return gpu_list(self.gpu)

    @property
    def target(self) -> str:
        """The name of the decorated object: the class, or the function."""
        return self.cls or self.function or ""

    @property
    def callable(self) -> str:
        """The name of the web-decorated callable: the method, or the function."""
        return self.method or self.function or ""

    @property
    def shown(self) -> str:
        """The name `modal deploy` prints for it: `function`, or `Class.method`."""
        return self.function or f"{self.cls}.{self.method}"

    def label_for(self, app_name: str) -> str:
        return self.label if self.label is not None else self.derived_label(app_name)

    def derived_label(self, app_name: str) -> str:
        """The label Modal derives from the names, whatever `label` says."""
        if self.function is not None:
            return modal_names.default_label(app_name, self.function)
        assert self.cls is not None
        assert self.method is not None
        return modal_names.default_label(app_name, self.cls, self.method)


class Function(_Model):
    """A Modal function or class of an app that serves no web endpoint (training, batch)."""

    gpu: Gpus | None = None
    timeout_s: TimeoutSeconds

    @property
    def gpus(self) -> list[str]:
        """Its GPU specifications, in the order Modal tries them."""
        return gpu_list(self.gpu)


class App(_Model):
    name: AppName = Field(description="The Modal app name, as written in modal.App(...).")
    dir: RepoPath = Field(
        description="The app's directory, relative to the repository root (`.`: the root, "
        "where the app owns only its files); apps may share one when their entry files differ."
    )
    entry: Annotated[str, AfterValidator(_entry)] = Field(
        default="app.py",
        description="The file `modal deploy` takes, in dir; `file.py::app_x` names the App's "
        "variable where the file defines several (one registry app each).",
    )
    description: str = ""
    workspace: Annotated[str, AfterValidator(_workspace)] | None = Field(
        default=None, description="The Modal workspace that serves it, when not the fleet's."
    )
    legacy: bool = Field(
        default=False,
        description="Kept live on purpose and never deployed by CI: checked, not deployed.",
    )
    gpu: Gpus | None = Field(
        default=None,
        description="The web function's gpu=: `TYPE` or `TYPE:COUNT`, or a list tried in "
        "order; none for a CPU container.",
    )
    timeout_s: TimeoutSeconds | None = Field(
        default=None, description="The web function's timeout, in seconds."
    )
    web: WebFunctions | None = Field(
        default=None,
        description="The web function; or a list of them, each with its own gpu, timeout_s "
        "and endpoints; an app without one serves no endpoints.",
    )
    functions: dict[Identifier, Function] = Field(
        default_factory=dict, description="Its other Modal functions and classes, by name."
    )
    secrets: list[ModalObjectName] = Field(
        default=[], description="Modal secrets the app uses: they must exist first."
    )
    volumes: list[ModalObjectName] = Field(
        default=[], description="Modal volumes the app mounts: they must exist first."
    )
    endpoints: dict[EndpointPath, Endpoint] = Field(default_factory=dict)

    _key: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _web_and_endpoints(self) -> App:
        if isinstance(self.web, list):
            self._several_webs(self.web)
        elif self.web is None:
            if self.endpoints:
                raise ValueError("endpoints need a web function: give 'web'")
        else:
            self._one_web(self.web)
        for web in self.webs:
            web._label = web.label_for(self.name)
            for path, endpoint in web.endpoints.items():
                endpoint._path = path
                endpoint._web = web
        return self

    def _one_web(self, web: WebFunction) -> None:
        if web.gpu is not None or web.timeout_s is not None or web.endpoints:
            raise ValueError(
                "with one web function, gpu, timeout_s and endpoints belong to the app; "
                "give 'web' as a list to set them per web function"
            )
        if self.timeout_s is None:
            raise ValueError("an app with a web function needs timeout_s")
        if not self.endpoints:
            raise ValueError("an app with a web function needs at least one endpoint")
        # The app's fields are its one web function's: every reader asks the web function.
        web.gpu, web.timeout_s, web.endpoints = self.gpu, self.timeout_s, self.endpoints

    def _several_webs(self, webs: list[WebFunction]) -> None:
        if not webs:
            raise ValueError("give at least one web function, or leave 'web' out")
        if self.gpu is not None or self.timeout_s is not None or self.endpoints:
            raise ValueError(
                "with several web functions, give gpu, timeout_s and endpoints in each"
            )
        for i, web in enumerate(webs):
            if web.timeout_s is None:
                raise ValueError(f"web function {i + 1} ({web.shown}) needs timeout_s")
            if not web.endpoints:
                raise ValueError(f"web function {i + 1} ({web.shown}) needs an endpoint")

    @property
    def key(self) -> str:
        """The app's short name: the registry key, used in tags such as `flux/v1.4.0`."""
        return self._key

    @property
    def webs(self) -> list[WebFunction]:
        """Its web functions, in the registry's order (none for an app without one)."""
        return [] if self.web is None else self.web if isinstance(self.web, list) else [self.web]

    @property
    def label(self) -> str:
        """The URL label of its first web function ("" for an app without one)."""
        return self.webs[0].url_label if self.webs else ""

    def web_field(self, web: WebFunction, name: str) -> str:
        """The key of one of `web`'s fields, under the app: `web[1].gpu`; with one web
        function, `gpu`, `timeout_s` and `endpoints` are the app's (`web.label` is not)."""
        if isinstance(self.web, list):
            return f"web[{self.web_loc(web)[-1]}].{name}"
        return name if name in ("gpu", "timeout_s", "endpoints") else f"web.{name}"

    def web_loc(self, web: WebFunction) -> Loc:
        """Where `web`'s own fields are in the registry: the app's, or its entry in the list."""
        if isinstance(self.web, list):
            return ("apps", self.key, "web", next(i for i, w in enumerate(self.web) if w is web))
        return ("apps", self.key)

    def endpoint_loc(self, endpoint: Endpoint) -> Loc:
        return (*self.web_loc(endpoint.web), "endpoints", endpoint.path)

    @property
    def served(self) -> list[Endpoint]:
        """Every endpoint of every web function, in the registry's order."""
        return [endpoint for web in self.webs for endpoint in web.endpoints.values()]

    def serving(self, path: str) -> list[Endpoint]:
        """Its endpoints at `path`: one, or one per web function serving it."""
        return [endpoint for endpoint in self.served if endpoint.path == path]

    @property
    def entry_path(self) -> str:
        """The entry file, from the repository's root."""
        return joined(self.dir, modal_names.split_target(self.entry)[0])

    @property
    def entry_variable(self) -> str | None:
        """The variable of its App in the entry file, where the file defines several."""
        return modal_names.split_target(self.entry)[1]

    @property
    def deploy_target(self) -> str:
        """What `modal deploy` takes: the entry file, `::variable` when one is named."""
        variable = self.entry_variable
        return self.entry_path if variable is None else f"{self.entry_path}::{variable}"

    @property
    def at_root(self) -> bool:
        """An app whose file is at the repository's root: it owns that file, not the root."""
        return self.dir == ROOT

    @property
    def own_path(self) -> str:
        """The path that is the app's own: its folder, or its entry file at the root."""
        return self.entry_path if self.at_root else self.dir

    def owns(self, path: str) -> bool:
        """Whether `path` is in the app's folder; an app at the root owns its entry file."""
        return path == self.entry_path if self.at_root else path.startswith(f"{self.dir}/")

    @property
    def folder_name(self) -> str:
        """What people call it after its place: its folder's name, or its file's stem."""
        return self.entry.removesuffix(".py") if self.at_root else self.dir.rsplit("/", 1)[-1]


# One web function, or a list: told apart by shape, so an error names one of them only.
# The tags are not keys of the file: error locations drop them (`UNION_TAGS`).
UNION_TAGS = frozenset({"<one>", "<list>"})
WebFunctions = Annotated[
    Annotated[WebFunction, Tag("<one>")] | Annotated[list[WebFunction], Tag("<list>")],
    Discriminator(lambda value: "<list>" if isinstance(value, list) else "<one>"),
]


def gpu_list(gpu: str | list[str] | None) -> list[str]:
    return [] if gpu is None else [gpu] if isinstance(gpu, str) else list(gpu)


class RetiredApp(_Model):
    name: AppName
    url: str | None = None
    files: list[str] = Field(default=[])
    reason: str
    replaced_by: list[AppKey] = Field(default=[])


class RetiredEndpoint(_Model):
    path: EndpointPath
    reason: str
    replaced_by: EndpointPath | None = None


class RetiredFile(_Model):
    path: str
    reason: str


class RetiredFunction(_Model):
    """A function or class a live app no longer has: a web function (merged into another,
    removed), whose name and URL label must not be referenced, or one that served no URL of
    its own (`web: false`: a batch function, a class called through the SDK), whose name
    must not."""

    app: AppKey
    function: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
    web: bool = Field(
        default=True,
        description="Whether it served the web at a URL of its own; false for a function or "
        "class reached through the SDK (Function.from_name, Cls.from_name) or by others.",
    )
    label: str | None = None  # its custom `label=`, if it had one
    reason: str
    replaced_by: str | None = None  # the app's function that took its place

    def url_label(self, app_name: str) -> str:
        """The label in its URL: `label`, or Modal's `{app}-{function}` (or `-{class}-{method}`)."""
        return self.label or modal_names.default_label(app_name, *self.function.split("."))


class RetiredSecret(_Model):
    """A Modal secret no app uses any more (renamed, moved to another store): its name must not
    be referenced, in code, setup guides or templates."""

    name: ModalObjectName
    reason: str
    replaced_by: ModalObjectName | None = None  # the secret an app uses in its place


class Retired(_Model):
    apps: list[RetiredApp] = Field(default=[])
    endpoints: list[RetiredEndpoint] = Field(default=[])
    functions: list[RetiredFunction] = Field(default=[])
    files: list[RetiredFile] = Field(default=[])
    secrets: list[RetiredSecret] = Field(default=[])


class Registry(_Model):
    """The whole fleet: workspace, environments, policy, triggers, retired names and apps."""

    version: Literal[1]
    workspace: Annotated[str, AfterValidator(_workspace)]
    default_environment: EnvironmentName = "main"
    environments: dict[EnvironmentName, Environment] = Field(min_length=1)
    policy: Policy = Field(default_factory=Policy)
    triggers: list[str] = Field(
        default=[],
        description="Globs whose change redeploys every app, e.g. apps/_shared/**.",
    )
    retired: Retired = Field(default_factory=Retired)
    apps: dict[AppKey, App] = Field(min_length=1)

    @model_validator(mode="after")
    def _name_apps(self) -> Registry:
        for key, app in self.apps.items():
            app._key = key
        return self

    # Derived facts: every later command asks these, never recomputes them.

    def environment(self, name: str | None = None) -> tuple[str, Environment]:
        """The named environment, or the default one."""
        chosen = name or self.default_environment
        if chosen not in self.environments:
            known = ", ".join(sorted(self.environments))
            raise FleetError(f"unknown environment {chosen!r} (known: {known})")
        return chosen, self.environments[chosen]

    def host(self, app: App, env: str | None = None) -> str:
        """The host of the app's first web function."""
        _, environment = self.environment(env)
        workspace = app.workspace or self.workspace
        return modal_names.web_host(workspace, environment.web_suffix, app.label)

    def url(
        self, app: App, path: str = "", env: str | None = None, web: WebFunction | None = None
    ) -> str:
        """The URL of `path` on `web` (default: the app's first web function)."""
        _, environment = self.environment(env)
        workspace = app.workspace or self.workspace
        label = app.label if web is None else web.url_label
        return modal_names.web_url(workspace, environment.web_suffix, label, path)

    def endpoint_url(self, app: App, endpoint: Endpoint, env: str | None = None) -> str:
        return self.url(app, endpoint.path, env, endpoint.web)

    def endpoints(self) -> Iterator[tuple[App, str, Endpoint]]:
        """Every endpoint with its app and path; a path repeats where web functions share it."""
        for app in self.apps.values():
            for endpoint in app.served:
                yield app, endpoint.path, endpoint

    def web_functions(self) -> Iterator[tuple[App, WebFunction]]:
        for app in self.apps.values():
            for web in app.webs:
                yield app, web

    def app_of(self, path: str) -> App | None:
        """The app serving `path`, when clients can name it by path (`Endpoint.keyed`)."""
        return next((app for app, p, e in self.endpoints() if p == path and e.keyed), None)

    def endpoint(self, path: str) -> Endpoint | None:
        """The endpoint at `path`, when clients can name it by path (`Endpoint.keyed`)."""
        return next((e for _, p, e in self.endpoints() if p == path and e.keyed), None)

    def find_app(self, ref: str) -> App | None:
        """An app by short name, Modal name or directory."""
        ref = ref.rstrip("/")
        return next((a for a in self.apps.values() if ref in (a.key, a.name, a.dir)), None)


def semantic_problems(registry: Registry) -> list[tuple[Loc, str]]:
    """Problems no single field shows: each with the location it belongs to."""
    problems: list[tuple[Loc, str]] = []
    if registry.default_environment not in registry.environments:
        known = ", ".join(sorted(registry.environments))
        problems.append(
            (
                ("default_environment",),
                f"default environment {registry.default_environment!r} is not one of: {known}",
            )
        )
    problems += _duplicate_app_fields(registry)
    problems += _duplicate_paths(registry)
    problems += _duplicate_labels(registry)
    problems += _duplicate_settings(registry)
    for app in registry.apps.values():
        problems += _shared_class_problems(app)
        for web in app.webs:
            problems += _label_problems(app, web)
            problems += _timeout_problems(app, web, registry.policy)
        problems += _policy_problems(app, registry.policy)
        for endpoint in app.served:
            if endpoint.smoke is not None:
                loc: Loc = (*app.endpoint_loc(endpoint), "smoke")
                problems += _smoke_problems(loc, endpoint.smoke)
    problems += _retired_problems(registry)
    return problems


def _declared(app: App, web: WebFunction) -> Loc:
    """Where `web` is written: `web`, or its entry in the list."""
    return app.web_loc(web) if isinstance(app.web, list) else ("apps", app.key, "web")


def _duplicate_settings(registry: Registry) -> list[tuple[Loc, str]]:
    """A setting holds one URL: it cannot be given for two web functions."""
    problems: list[tuple[Loc, str]] = []
    seen: dict[str, str] = {}
    for app, web in registry.web_functions():
        for setting in web.settings:
            owner = f"{app.name}'s {web.shown}"
            if setting in seen and seen[setting] != owner:
                loc = (*_declared(app, web), "settings")
                problems.append((loc, f"setting {setting} is also {seen[setting]}: one URL each"))
            seen.setdefault(setting, owner)
    return problems


def _duplicate_labels(registry: Registry) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    seen: dict[tuple[str, str], App] = {}
    for app, web in registry.web_functions():
        key = (app.workspace or registry.workspace, web.url_label)
        if key in seen and seen[key].name == app.name and seen[key] is not app:
            continue  # the same app name twice: reported as that
        if key in seen:
            problems.append(
                (
                    _declared(app, web),
                    f"URL label {web.url_label!r} is already the label of app "
                    f"{seen[key].key!r}: two web functions cannot share a URL",
                )
            )
        else:
            seen[key] = app
    return problems


def _shared_class_problems(app: App) -> list[tuple[Loc, str]]:
    """Methods of one class run in its containers: one gpu and timeout for them all."""
    problems: list[tuple[Loc, str]] = []
    first: dict[str, WebFunction] = {}
    for web in app.webs:
        earlier = first.setdefault(web.target, web)
        for name in ("gpu", "timeout_s"):
            if earlier is not web and getattr(web, name) != getattr(earlier, name):
                problems.append(
                    (
                        (*app.web_loc(web), name),
                        f"{web.shown} and {earlier.shown} are methods of one class: its {name} "
                        f"is theirs ({getattr(earlier, name)!r} and {getattr(web, name)!r})",
                    )
                )
    return problems


def _duplicate_app_fields(registry: Registry) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for field in ("name", "deploy_target"):
        seen: dict[str, str] = {}
        for app in registry.apps.values():
            value = getattr(app, field)
            if value in seen:
                what = "entry file" if field == "deploy_target" else field
                problems.append(
                    (
                        ("apps", app.key, "entry" if field == "deploy_target" else field),
                        f"app {what} {value!r} is already used by app {seen[value]!r}",
                    )
                )
            else:
                seen[value] = app.key
    sharing: dict[str, list[App]] = {}
    for app in registry.apps.values():
        sharing.setdefault(app.entry_path, []).append(app)
    for path, apps in sharing.items():
        # Where none names its variable, the duplicate entry file above says it all.
        for app in apps if any(a.entry_variable for a in apps) else ():
            if app.entry_variable is None:
                others = ", ".join(repr(a.key) for a in apps if a is not app)
                problems.append(
                    (
                        ("apps", app.key, "entry"),
                        f"entry file {path!r} is also app {others}'s: name this app's App "
                        f"variable in it (`entry: {app.entry}::VARIABLE`)",
                    )
                )
    return problems


def _duplicate_paths(registry: Registry) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    seen: dict[str, str] = {}
    for app, path, endpoint in registry.endpoints():
        if not endpoint.keyed:  # `/`, {parameters} and auxiliary routes repeat across apps
            continue
        if path in seen:
            problems.append(
                (
                    app.endpoint_loc(endpoint),
                    f"endpoint {path} is already served by app {seen[path]!r} (clients name "
                    "endpoints by path; mark a health or listing route auxiliary)",
                )
            )
        else:
            seen[path] = app.key
    return problems


def _label_problems(app: App, web: WebFunction) -> list[tuple[Loc, str]]:
    label = web.url_label
    loc = _declared(app, web)
    if len(label) > modal_names.MAX_LABEL_LENGTH:
        return [
            (
                loc,
                f"URL label {label!r} is {len(label)} characters; Modal truncates labels over "
                f"{modal_names.MAX_LABEL_LENGTH} and appends a hash, so the URL would not be "
                "the registry's: set a shorter web.label",
            )
        ]
    if not modal_names.is_valid_label(label):
        return [(loc, f"URL label {label!r} is not a valid DNS label (a-z, 0-9, '-')")]
    return []


def _timeout_problems(app: App, web: WebFunction, policy: Policy) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for path, endpoint in web.endpoints.items():
        needed = endpoint.client_timeout_s + policy.timeout_margin_s
        if web.timeout_s is not None and web.timeout_s < needed:
            problems.append(
                (
                    (*app.web_loc(web), "timeout_s"),
                    f"server timeout {web.timeout_s} s is below the client timeout of {path} "
                    f"({endpoint.client_timeout_s} s) plus the policy margin "
                    f"({policy.timeout_margin_s} s): clients would see 408s",
                )
            )
    return problems


def _policy_problems(app: App, policy: Policy) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    parts: list[tuple[Loc, int | None, list[str]]] = [
        (app.web_loc(web), web.timeout_s, web.gpus) for web in app.webs
    ]
    if app.web is None:
        parts.append((("apps", app.key), app.timeout_s, gpu_list(app.gpu)))
    parts += [
        (("apps", app.key, "functions", name), f.timeout_s, gpu_list(f.gpu))
        for name, f in app.functions.items()
    ]
    for loc, timeout_s, gpus in parts:
        if (
            policy.max_timeout_s is not None
            and timeout_s is not None
            and timeout_s > policy.max_timeout_s
        ):
            problems.append(
                (
                    (*loc, "timeout_s"),
                    f"server timeout {timeout_s} s is above the policy's max_timeout_s "
                    f"({policy.max_timeout_s} s)",
                )
            )
        if policy.gpus is not None:
            allowed = {modal_names.parse_gpu(spec)[0] for spec in policy.gpus}
            for spec in gpus:
                if modal_names.parse_gpu(spec)[0] not in allowed:
                    problems.append(
                        (
                            (*loc, "gpu"),
                            f"GPU {spec} is not one the policy allows ({', '.join(policy.gpus)})",
                        )
                    )
    return problems


def _smoke_problems(loc: Loc, smoke: Smoke) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    request = smoke.request
    for side in ("width", "height"):
        value = request.get(side)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value % 8:
            problems.append(
                (
                    (*loc, "request", side) if side in request else (*loc, "request"),
                    f"smoke request needs {side} as a positive multiple of 8 "
                    "(it sets the expected output size)",
                )
            )
    if smoke.expect == "video" and not isinstance(request.get("num_frames"), int):
        problems.append(((*loc, "request"), "a video smoke request needs num_frames"))
    for field in smoke.fixtures:
        if field in request:
            problems.append(
                (
                    (*loc, "fixtures", field),
                    f"fixture field {field!r} is also set in the request",
                )
            )
    return problems


def _retired_function_problems(registry: Registry) -> list[tuple[Loc, str]]:
    """A retired function is of a registry app and is none of its live functions; a web one
    is replaced (if at all) by one of its web functions, another by any of its functions; only
    a web function had a label."""
    problems: list[tuple[Loc, str]] = []
    for i, retired in enumerate(registry.retired.functions):
        app = registry.apps.get(retired.app)
        if app is None:
            problems.append((("retired", "functions", i, "app"), f"no app {retired.app!r}"))
            continue
        webs = {web.shown for web in app.webs}
        live = webs if retired.web else webs | set(app.functions)
        what = "web function" if retired.web else "function"
        # A web function retired may live on as a plain function (its URL alone is gone).
        if retired.function in live:
            problems.append(
                (
                    ("retired", "functions", i, "function"),
                    f"retired {what} {retired.function!r} is still a "
                    f"{'web function' if retired.function in webs else 'function'} of "
                    f"app {app.key!r}",
                )
            )
        if retired.replaced_by is not None and retired.replaced_by not in live:
            problems.append(
                (
                    ("retired", "functions", i, "replaced_by"),
                    f"{retired.replaced_by!r} is not a {what} of app {app.key!r} "
                    f"(it has {', '.join(sorted(live)) or 'none'})",
                )
            )
        if not retired.web and retired.label is not None:
            problems.append(
                (
                    ("retired", "functions", i, "label"),
                    "a function with web: false had no URL, so no label",
                )
            )
    return problems


def _retired_secret_problems(registry: Registry) -> list[tuple[Loc, str]]:
    """A retired secret is no app's; the one that replaced it is some app's."""
    problems: list[tuple[Loc, str]] = []
    users: dict[str, str] = {}
    for app in registry.apps.values():
        for name in app.secrets:
            users.setdefault(name, app.key)
    for i, retired in enumerate(registry.retired.secrets):
        if retired.name in users:
            problems.append(
                (
                    ("retired", "secrets", i, "name"),
                    f"retired secret {retired.name!r} is still a secret of app "
                    f"{users[retired.name]!r}",
                )
            )
        if retired.replaced_by is not None and retired.replaced_by not in users:
            problems.append(
                (
                    ("retired", "secrets", i, "replaced_by"),
                    f"{retired.replaced_by!r} is no app's secret",
                )
            )
    return problems


def _retired_problems(registry: Registry) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    live_names = {app.name: app.key for app in registry.apps.values()}
    for i, retired in enumerate(registry.retired.apps):
        if retired.name in live_names:
            problems.append(
                (
                    ("retired", "apps", i, "name"),
                    f"retired app {retired.name!r} is still the name of app "
                    f"{live_names[retired.name]!r}",
                )
            )
        for j, key in enumerate(retired.replaced_by):
            if key not in registry.apps:
                problems.append(
                    (("retired", "apps", i, "replaced_by", j), f"no app {key!r} in the registry")
                )
    problems += _retired_function_problems(registry)
    problems += _retired_secret_problems(registry)
    for i, endpoint in enumerate(registry.retired.endpoints):
        owner = registry.app_of(endpoint.path)
        if owner is not None:
            problems.append(
                (
                    ("retired", "endpoints", i, "path"),
                    f"retired endpoint {endpoint.path} is still served by app {owner.key!r}",
                )
            )
        if endpoint.replaced_by is not None and registry.app_of(endpoint.replaced_by) is None:
            problems.append(
                (
                    ("retired", "endpoints", i, "replaced_by"),
                    f"replacement {endpoint.replaced_by} is not an endpoint in the registry",
                )
            )
    return problems
